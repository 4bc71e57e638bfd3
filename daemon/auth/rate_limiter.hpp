#pragma once
// Fixed-window counters kept in the database (`rate_limits`), so a limit
// holds across restarts and across several daemons on one PostgreSQL.
#include <memberd/host.hpp>

#include <chrono>
#include <string>
#include <string_view>

namespace memberd {

struct RateDecision {
  bool allowed;
  std::chrono::seconds retry_after;  // when refused: until the window ends
};

class RateLimiter {
 public:
  RateLimiter(Database& database, const Clock& clock) : database_(database), clock_(clock) {}
  // Counts one hit on `bucket` and says whether it is within `limit` per `window`.
  RateDecision hit(const std::string& bucket, int limit, std::chrono::seconds window);
  // Deletes counters whose window started before `older_than` ago.
  int purge(std::chrono::seconds older_than);

 private:
  Database& database_;
  const Clock& clock_;
};

}  // namespace memberd
