#include "auth/rate_limits_service.hpp"

#include "storage/pooled_unit.hpp"
#include "storage/service_boundary.hpp"
#include "storage/unit_sql.hpp"
#include "util/crypto.hpp"
#include "util/time_format.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <limits>

namespace memberd {

namespace {

// How long a reserve waits for a free check, and when a reservation nobody
// reported (a crashed daemon) stops counting.
constexpr auto kReserveWait = std::chrono::seconds(2);
// Checks ended by another daemon wake nobody here: look again this often.
constexpr auto kReserveRecheck = std::chrono::milliseconds(250);
constexpr long long kPendingLapse = 30;

std::chrono::seconds lock_for(const AttemptPolicy& policy, long long level) {
  if (policy.lock_durations.empty()) return std::chrono::minutes(1);
  auto last = static_cast<long long>(policy.lock_durations.size()) - 1;
  return policy.lock_durations[static_cast<std::size_t>(std::min(level, last))];
}

Failure locked(long long locked_until, long long now) {
  Failure f{Refusal::locked, std::chrono::seconds(std::max<long long>(1, locked_until - now))};
  f.attempts_left = 0;
  return f;
}

struct AttemptRow {
  long long failures = 0, pending = 0, pending_since = 0, lock_level = 0, locked_until = 0;
};

// The key's row (all zero when there is none), locked for the transaction
// when `for_update` (PostgreSQL: FOR UPDATE; SQLite: the writer's lock is
// already held). A reservation nobody reported for kPendingLapse seconds no
// longer counts.
AttemptRow read_row(soci::session& sql, Backend backend, const std::string& key, long long now, bool for_update) {
  AttemptRow row;
  soci::indicator ind = soci::i_null;
  sql << std::string("SELECT failures, pending, pending_since, lock_level, locked_until FROM attempt_limits"
                     " WHERE limit_key = :k") +
             (for_update && backend == Backend::postgresql ? " FOR UPDATE" : ""),
      soci::use(key), soci::into(row.failures, ind), soci::into(row.pending), soci::into(row.pending_since),
      soci::into(row.lock_level), soci::into(row.locked_until);
  if (!sql.got_data() || ind != soci::i_ok) return AttemptRow{};
  if (row.pending > 0 && row.pending_since + kPendingLapse < now) row.pending = 0;
  return row;
}

// Creates the key's row if needed and reads it, locked for this transaction.
AttemptRow lock_row(soci::session& sql, Backend backend, const std::string& key, long long now) {
  sql << "INSERT INTO attempt_limits (limit_key, failures, pending, pending_since, lock_level, locked_until, updated_at)"
         " VALUES (:k, 0, 0, 0, 0, 0, :n) ON CONFLICT (limit_key) DO NOTHING",
      soci::use(key), soci::use(now);
  return read_row(sql, backend, key, now, true);
}

// The refusal for a window that began at `started` and is full: retry once it ends.
Failure window_full(long long started, std::chrono::seconds window, long long now) {
  return Failure{Refusal::rate_limited, std::chrono::seconds{std::max<long long>(1, started + window.count() - now)}};
}

void store_row(soci::session& sql, const std::string& key, const AttemptRow& row, long long now) {
  sql << "UPDATE attempt_limits SET failures = :f, pending = :p, pending_since = :ps, lock_level = :l,"
         " locked_until = :u, updated_at = :n WHERE limit_key = :k",
      soci::use(row.failures), soci::use(row.pending), soci::use(row.pending_since), soci::use(row.lock_level),
      soci::use(row.locked_until), soci::use(now), soci::use(key);
}

}  // namespace

std::string storage_key(std::string_view key) {
  if (key.size() <= 200) return std::string(key);
  return "sha256:" + sha256_hex(key);
}

std::shared_ptr<RateLimitsService::Waiters> RateLimitsService::waiters_for(const std::string& key) {
  std::lock_guard lock(waiting_mutex_);
  auto& entry = waiting_[key];
  if (!entry) entry = std::make_shared<Waiters>();
  ++entry->count;
  return entry;
}

void RateLimitsService::leave(const std::string& key, const std::shared_ptr<Waiters>& waiters) {
  std::lock_guard lock(waiting_mutex_);
  if (--waiters->count == 0) waiting_.erase(key);
}

void RateLimitsService::wake(const std::string& key, int slots) {
  std::lock_guard lock(waiting_mutex_);
  auto it = waiting_.find(key);
  if (it == waiting_.end()) return;
  ++it->second->generation;
  // As many waiters as slots came free: waking them all would have each one
  // take a write transaction only to find the slots gone again.
  if (slots >= it->second->count) it->second->changed.notify_all();
  else
    for (int i = 0; i < slots; ++i) it->second->changed.notify_one();
}

Result<void> RateLimitsService::reserve_attempt(UnitOfWork& work, std::string_view key, const AttemptPolicy& policy) {
  return service_call(log_, "RateLimits::reserve_attempt", work, [&]() -> Result<void> {
    require_no_transaction(work, "RateLimits::reserve_attempt");
    std::string k = storage_key(key);
    auto deadline = std::chrono::steady_clock::now() + kReserveWait;
    std::shared_ptr<Waiters> waiters;  // registered once the first try finds no slot
    struct Leave {
      RateLimitsService& self;
      const std::string& key;
      std::shared_ptr<Waiters>& waiters;
      ~Leave() {
        if (waiters) self.leave(key, waiters);
      }
    } leave_on_return{*this, k, waiters};
    for (;;) {
      // Read before trying: a check that ends after this moment bumps it.
      std::uint64_t seen = 0;
      if (waiters) {
        std::lock_guard lock(waiting_mutex_);
        seen = waiters->generation;
      }
      long long now = to_unix(clock_.now());
      bool reserved = false;
      auto tried = atomically(work, [&](soci::session& sql) -> Result<void> {
        AttemptRow row = lock_row(sql, work.backend(), k, now);
        if (row.locked_until > now) return locked(row.locked_until, now);
        if (row.failures + row.pending >= policy.attempts) return {};
        row.pending += 1;
        row.pending_since = now;
        store_row(sql, k, row, now);
        reserved = true;
        return {};
      });
      if (!tried || reserved) return tried;
      if (!waiters) {
        // Registered before waiting, so a check ending from now on is seen.
        waiters = waiters_for(k);
        continue;
      }
      // Every check this key allows is in flight: wait for one to end, without
      // holding a connection meanwhile.
      if (std::chrono::steady_clock::now() >= deadline)
        return busy(std::chrono::seconds{1}, "Too many attempts at once for this account; try again shortly.");
      if (auto* pooled = as_pooled(work)) pooled->park();
      std::unique_lock lock(waiting_mutex_);
      waiters->changed.wait_until(lock, std::min(deadline, std::chrono::steady_clock::now() + kReserveRecheck),
                                  [&] { return waiters->generation != seen; });
    }
  });
}

Result<void> RateLimitsService::attempt_succeeded(UnitOfWork& work, std::string_view key) {
  return service_call(log_, "RateLimits::attempt_succeeded", work, [&]() -> Result<void> {
    std::string k = storage_key(key);
    long long now = to_unix(clock_.now());
    long long freed = 1;
    auto done = atomically(work, [&](soci::session& sql) -> Result<void> {
      AttemptRow row = lock_row(sql, work.backend(), k, now);
      freed = row.failures + 1;  // this check's slot, and every failure's
      row.failures = 0;
      row.lock_level = 0;
      row.locked_until = 0;
      row.pending = std::max<long long>(0, row.pending - 1);
      store_row(sql, k, row, now);
      return {};
    });
    // Every slot is free again (once this commits, if it joined a transaction).
    if (done) work.after_commit([this, k, freed] { wake(k, static_cast<int>(freed)); });
    return done;
  });
}

Result<AttemptState> RateLimitsService::attempt_failed(UnitOfWork& work, std::string_view key,
                                                       const AttemptPolicy& policy) {
  return service_call(log_, "RateLimits::attempt_failed", work, [&]() -> Result<AttemptState> {
    require_no_transaction(work, "RateLimits::attempt_failed");
    std::string k = storage_key(key);
    long long now = to_unix(clock_.now());
    auto state = atomically(work, [&](soci::session& sql) -> Result<AttemptState> {
      AttemptRow row = lock_row(sql, work.backend(), k, now);
      row.pending = std::max<long long>(0, row.pending - 1);
      row.failures += 1;
      AttemptState state;
      if (row.failures >= policy.attempts) {
        auto length = lock_for(policy, row.lock_level);
        row.locked_until = std::max(row.locked_until, now + length.count());
        row.lock_level += 1;
        row.failures = 0;
        state.locked = true;
        state.retry_after = length;
      } else {
        state.attempts_left = static_cast<int>(policy.attempts - row.failures);
      }
      store_row(sql, k, row, now);
      return state;
    });
    // A slot is free, or the key is locked now: a waiter finds out either way.
    if (state) wake(k, state->locked ? std::numeric_limits<int>::max() : 1);
    return state;
  });
}

Result<void> RateLimitsService::release_attempt(UnitOfWork& work, std::string_view key) {
  return service_call(log_, "RateLimits::release_attempt", work, [&]() -> Result<void> {
    std::string k = storage_key(key);
    long long now = to_unix(clock_.now());
    auto done = atomically(work, [&](soci::session& sql) -> Result<void> {
      AttemptRow row = lock_row(sql, work.backend(), k, now);
      row.pending = std::max<long long>(0, row.pending - 1);
      store_row(sql, k, row, now);
      return {};
    });
    if (done) work.after_commit([this, k] { wake(k, 1); });
    return done;
  });
}

Result<void> RateLimitsService::forget_attempts(UnitOfWork& work, std::string_view key) {
  std::string k = storage_key(key);
  auto done = atomically(work, [&](soci::session& sql) -> Result<void> {
    sql << "UPDATE attempt_limits SET failures = 0, lock_level = 0, locked_until = 0 WHERE limit_key = :k",
        soci::use(k);
    return {};
  });
  if (done) work.after_commit([this, k] { wake(k, std::numeric_limits<int>::max()); });
  return done;
}

Result<AttemptState> RateLimitsService::attempt_state(UnitOfWork& work, std::string_view key,
                                                      const AttemptPolicy& policy) {
  return service_call(log_, "RateLimits::attempt_state", work, [&]() -> Result<AttemptState> {
    auto sql = work.connection();
    if (!sql) return sql.failure();
    long long now = to_unix(clock_.now());
    AttemptRow row = read_row(**sql, work.backend(), storage_key(key), now, false);
    AttemptState state;
    if (row.locked_until > now) {
      state.locked = true;
      state.retry_after = std::chrono::seconds(row.locked_until - now);
      return state;
    }
    state.attempts_left = static_cast<int>(std::max<long long>(0, policy.attempts - row.failures));
    return state;
  });
}

Result<void> RateLimitsService::hit(UnitOfWork& work, std::string_view key, int limit, std::chrono::seconds window) {
  return service_call(log_, "RateLimits::hit", work, [&]() -> Result<void> {
    require_no_transaction(work, "RateLimits::hit");
    auto connection = work.connection();
    if (!connection) return connection.failure();
    auto& sql = **connection;
    std::string bucket = storage_key(key);
    long long now = to_unix(clock_.now());
    long long cutoff = now - window.count();
    // One atomic upsert on both backends: a new window starts when the old one
    // ended. It returns the count it made: a second read could see later hits
    // and refuse a hit that was within the limit (parallel hits on one window).
    int hits = 0;
    long long started = now;
    sql << "INSERT INTO rate_limits (bucket, window_start, hits) VALUES (:b, :n, 1)"
           " ON CONFLICT (bucket) DO UPDATE SET"
           " hits = CASE WHEN rate_limits.window_start <= :c THEN 1 ELSE rate_limits.hits + 1 END,"
           " window_start = CASE WHEN rate_limits.window_start <= :c2 THEN :n2 ELSE rate_limits.window_start END"
           " RETURNING hits, window_start",
        soci::use(bucket), soci::use(now), soci::use(cutoff), soci::use(cutoff), soci::use(now), soci::into(hits),
        soci::into(started);
    if (hits <= limit) return {};
    return window_full(started, window, now);
  });
}

Result<void> RateLimitsService::check(UnitOfWork& work, std::string_view key, int limit, std::chrono::seconds window) {
  return service_call(log_, "RateLimits::check", work, [&]() -> Result<void> {
    auto connection = work.connection();
    if (!connection) return connection.failure();
    std::string bucket = storage_key(key);
    long long now = to_unix(clock_.now());
    int hits = 0;
    long long started = 0;
    soci::indicator ind = soci::i_null;
    **connection << "SELECT hits, window_start FROM rate_limits WHERE bucket = :b", soci::use(bucket),
        soci::into(hits, ind), soci::into(started);
    if (!(*connection)->got_data() || ind != soci::i_ok) return {};
    if (started + window.count() > now && hits >= limit) return window_full(started, window, now);
    return {};
  });
}

Result<void> RateLimitsService::take_back(UnitOfWork& work, std::string_view key, std::chrono::seconds window) {
  return service_call(log_, "RateLimits::take_back", work, [&]() -> Result<void> {
    auto connection = work.connection();
    if (!connection) return connection.failure();
    std::string bucket = storage_key(key);
    long long cutoff = to_unix(clock_.now()) - window.count();
    // Only a window that is still running: its hit was counted in it.
    **connection << "UPDATE rate_limits SET hits = hits - 1 WHERE bucket = :b AND hits > 0 AND window_start > :c",
        soci::use(bucket), soci::use(cutoff);
    return {};
  });
}

Result<int> RateLimitsService::purge(UnitOfWork& work, std::chrono::seconds older_than) {
  auto connection = work.connection();
  if (!connection) return connection.failure();
  auto& sql = **connection;
  long long now = to_unix(clock_.now()), cutoff = now - older_than.count();
  soci::statement windows = (sql.prepare << "DELETE FROM rate_limits WHERE window_start < :c", soci::use(cutoff));
  windows.execute(true);
  soci::statement attempts = (sql.prepare << "DELETE FROM attempt_limits WHERE updated_at < :c AND locked_until < :n",
                              soci::use(cutoff), soci::use(now));
  attempts.execute(true);
  return static_cast<int>(windows.get_affected_rows() + attempts.get_affected_rows());
}

}  // namespace memberd
