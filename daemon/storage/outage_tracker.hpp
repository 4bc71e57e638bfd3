#pragma once
// One log line per database outage, not one per request.
//
// While PostgreSQL is stopped every request and every background pass meets
// the same failure: logging each would bury the log (1,556 lines for one
// outage in issue 26's run) and say nothing new. The tracker logs the first
// failure of an outage as an error naming its cause (never a value from the
// failed statement), counts every later one in
// memberd_db_unavailable_total{cause}, and logs "database back after N s"
// at the first sign that the database works again:
//   - a lost or stopping server (unreachable, shutting_down) is back when a
//     connection opened after the outage began answers (a lease: the pool
//     pings each PostgreSQL connection it hands out, or a commit on it). A
//     connection from before proves nothing: while PostgreSQL shuts down,
//     a backend not yet told to stop still answers for a few milliseconds;
//   - any other fault (disk full, read-only, I/O error, out of resources)
//     ends only with a committed write, since reads keep working while the
//     disk is full.
// memberd_db_outage is 1 while an outage lasts.
//
// Thread-safe. The calls on the success path cost one relaxed atomic load.
#include "storage/database_fault.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>

namespace memberd {

class LogSink;
class MetricsRegistry;
class Counter;
class Gauge;

class OutageTracker {
 public:
  using Now = std::function<std::chrono::steady_clock::time_point()>;
  explicit OutageTracker(Now now = {});

  // Where its lines and counts go. Until called (a pool in a unit test) it
  // keeps its state only. Call once, before the pool serves.
  void report_to(LogSink& log, MetricsRegistry& metrics);

  using TimePoint = std::chrono::steady_clock::time_point;
  // A failure classified as `fault` (none is ignored) of work that began at
  // `began_at` (a request's unit, a ping). Work begun before the database
  // came back that fails after it (a connect that timed out, a statement on
  // a dying backend) belongs to the outage that ended: it is counted, but
  // is no new outage (it made a second pair of lines under load).
  void failed(DatabaseFault fault, TimePoint began_at);
  void failed(DatabaseFault fault) { failed(fault, now_()); }
  // A connection opened at `opened_at` answered.
  void connected(TimePoint opened_at) {
    if (down_.load(std::memory_order_relaxed)) recovered(opened_at, false);
  }
  // A write committed on a connection opened at `opened_at`.
  void wrote(TimePoint opened_at) {
    if (down_.load(std::memory_order_relaxed)) recovered(opened_at, true);
  }
  // Now, on the tracker's clock: when a connection is opened.
  TimePoint now() const { return now_(); }

  bool down() const { return down_.load(std::memory_order_relaxed); }
  // Outages seen since start (for tests and memberctl-style summaries).
  std::uint64_t outages() const;

 private:
  void recovered(TimePoint opened_at, bool by_write);

  Now now_;
  std::atomic<bool> down_{false};
  mutable std::mutex mutex_;
  DatabaseFault fault_ = DatabaseFault::none;
  std::chrono::steady_clock::time_point since_{};
  std::chrono::steady_clock::time_point back_at_{};  // when the last outage ended
  std::uint64_t failures_ = 0, outages_ = 0;
  LogSink* log_ = nullptr;
  MetricsRegistry* metrics_ = nullptr;
  Gauge* outage_gauge_ = nullptr;
  std::array<Counter*, 7> counters_{};  // by DatabaseFault, looked up once
};

}  // namespace memberd
