#pragma once
// Whether the database takes writes now: /readyz's probe.
//
// `select 1` answers while the disk is full or the database is read-only,
// so a daemon that can no longer save anything stayed "ready" (issue 26,
// F6). The probe updates the one row of `health_probe` in a transaction —
// what every write needs: the write lock, the WAL or journal, a commit —
// and never grows the database. It is cheap and bounded: one probe runs at
// a time and its answer serves every caller for `reuse_for`, so a load
// balancer may ask as often as it likes; a caller that arrives while a
// probe runs gets the last answer instead of waiting. On PostgreSQL the
// probe's statements stop after 2 s (statement_timeout); on SQLite its wait
// for the write lock is database.busy_timeout, and a lock held that long by
// other writers means writes work, so it counts as working.
#include <atomic>
#include <chrono>
#include <mutex>

namespace memberd {

class ConnectionPool;

class WriteProbe {
 public:
  explicit WriteProbe(ConnectionPool& pool, std::chrono::milliseconds reuse_for = std::chrono::seconds(2));

  // False when the last probe's write failed: the database refused it as
  // unavailable (disk full, read-only, I/O error, connection lost) or for
  // any other reason. Thread-safe.
  bool writes_work();

 private:
  bool probe();

  ConnectionPool& pool_;
  const std::chrono::milliseconds reuse_for_;
  std::mutex running_;
  std::atomic<bool> last_ok_{true};
  std::atomic<std::chrono::steady_clock::rep> last_at_{0};  // 0: never probed
};

}  // namespace memberd
