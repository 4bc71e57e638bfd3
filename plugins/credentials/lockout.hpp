#pragma once
// Wrong passwords and wrong answers, counted in the database (so the counts
// hold across restarts and across daemons sharing one PostgreSQL):
//   - per account, keyed by the normalised email, so an address nobody owns
//     locks exactly like a real one and a lock reveals nothing; after
//     `lock_after_failures` in a row the account locks for the next of
//     `lock_durations` (escalating; a success starts over);
//   - per client network (IPv4 address, IPv6 /64), a plain per-minute cap.
#include <memberd/host.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace memberd::credentials {

struct LockState {
  bool locked = false;
  std::chrono::seconds retry_after{0};
  int attempts_left = 0;
};

class Lockout {
 public:
  Lockout(Database& database, const Clock& clock, int lock_after_failures, std::vector<std::chrono::seconds> durations,
          int address_failures_per_minute);

  LockState account(const std::string& email);
  // Counts one failure; the state after it (locked now, or attempts left).
  LockState account_failed(const std::string& email);
  void account_succeeded(const std::string& email);

  LockState address(const std::string& ip);
  void address_failed(const std::string& ip);

 private:
  struct Row {
    long long failures = 0, lock_level = 0, locked_until = 0, window_start = 0;
  };
  Row read(soci::session& sql, const std::string& subject);

  Database& database_;
  const Clock& clock_;
  int threshold_;
  std::vector<std::chrono::seconds> durations_;
  int address_limit_;
};

}  // namespace memberd::credentials
