#include "auth/rate_limiter.hpp"

#include "util/time_format.hpp"

#include <soci/soci.h>

namespace memberd {

int RateLimiter::purge(std::chrono::seconds older_than) {
  long long cutoff = to_unix(clock_.now()) - older_than.count();
  auto lease = database_.lease();
  soci::statement st = (lease->sql().prepare << "DELETE FROM rate_limits WHERE window_start < :c", soci::use(cutoff));
  st.execute(true);
  return static_cast<int>(st.get_affected_rows());
}

RateDecision RateLimiter::hit(const std::string& bucket, int limit, std::chrono::seconds window) {
  long long now = to_unix(clock_.now());
  long long cutoff = now - window.count();
  auto lease = database_.lease();
  auto& sql = lease->sql();
  // One atomic upsert on both backends: a new window starts when the old one ended.
  sql << "INSERT INTO rate_limits (bucket, window_start, hits) VALUES (:b, :n, 1)"
         " ON CONFLICT (bucket) DO UPDATE SET"
         " hits = CASE WHEN rate_limits.window_start <= :c THEN 1 ELSE rate_limits.hits + 1 END,"
         " window_start = CASE WHEN rate_limits.window_start <= :c2 THEN :n2 ELSE rate_limits.window_start END",
      soci::use(bucket), soci::use(now), soci::use(cutoff), soci::use(cutoff), soci::use(now);
  int hits = 0;
  long long started = now;
  sql << "SELECT hits, window_start FROM rate_limits WHERE bucket = :b", soci::use(bucket), soci::into(hits),
      soci::into(started);
  if (hits <= limit) return {true, std::chrono::seconds{0}};
  return {false, std::chrono::seconds{std::max<long long>(1, started + window.count() - now)}};
}

}  // namespace memberd
