#pragma once
// The core's `memberd::RateLimits`: fixed-window counters (`rate_limits`)
// and guarded attempts with escalating locks (`attempt_limits`), both in the
// database so they hold across restarts and across several daemons on one
// PostgreSQL. host.hpp documents each call and how it fails. Keys arrive
// already prefixed by the caller's component ("core:", "credentials:").
#include <memberd/host.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace memberd {

class LogSink;

class RateLimitsService final : public RateLimits {
 public:
  // `log` takes what fails unexpectedly inside a call (service_boundary.hpp).
  RateLimitsService(const Clock& clock, LogSink& log) : clock_(clock), log_(log) {}

  Result<void> reserve_attempt(UnitOfWork& work, std::string_view key, const AttemptPolicy& policy) override;
  Result<void> attempt_succeeded(UnitOfWork& work, std::string_view key) override;
  Result<AttemptState> attempt_failed(UnitOfWork& work, std::string_view key, const AttemptPolicy& policy) override;
  Result<void> release_attempt(UnitOfWork& work, std::string_view key) override;
  Result<AttemptState> attempt_state(UnitOfWork& work, std::string_view key, const AttemptPolicy& policy) override;
  Result<void> hit(UnitOfWork& work, std::string_view key, int limit, std::chrono::seconds window) override;
  Result<void> check(UnitOfWork& work, std::string_view key, int limit, std::chrono::seconds window) override;
  Result<void> take_back(UnitOfWork& work, std::string_view key, std::chrono::seconds window) override;

  // Forgets `key`'s failures, lock and lock level (the owner proved who they
  // are another way); checks in flight just report into a fresh record.
  // Joins the open transaction. Fails: busy.
  Result<void> forget_attempts(UnitOfWork& work, std::string_view key);
  // Deletes windows and attempt records untouched for `older_than`; returns how many.
  Result<int> purge(UnitOfWork& work, std::chrono::seconds older_than);

 private:
  // Reservations that found every check of their key in flight wait here for
  // one of this daemon's checks of that key to end (and, for checks ended by
  // another daemon, re-read the database every so often), instead of
  // polling the database in a loop.
  struct Waiters {
    std::condition_variable changed;
    std::uint64_t generation = 0;
    int count = 0;
  };
  std::shared_ptr<Waiters> waiters_for(const std::string& key);
  void leave(const std::string& key, const std::shared_ptr<Waiters>& waiters);
  // Checks of `key` ended and freed `slots` slots: wake that many waiters
  // (a lock wakes them all, to be told).
  void wake(const std::string& key, int slots);

  const Clock& clock_;
  LogSink& log_;
  std::mutex waiting_mutex_;
  std::map<std::string, std::shared_ptr<Waiters>> waiting_;
};

// A key as stored: as given up to 200 bytes, else "sha256:" and its digest,
// so no client-chosen length reaches the table.
std::string storage_key(std::string_view key);

}  // namespace memberd
