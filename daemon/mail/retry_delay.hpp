#pragma once
// When a message that could not be delivered is tried again.
#include <chrono>

namespace memberd {

struct RetryPolicy {
  std::chrono::seconds first_delay{30};
  std::chrono::seconds max_delay{3600};
  std::chrono::seconds give_up_after{48 * 3600};
};

// The wait after `failed_attempts` (1, 2, ...) failures: first_delay doubled
// per failure, capped at max_delay, then scaled to a random 50-100 % of
// itself (`unit_random` in [0, 1)) so that messages failed by one outage —
// and daemons sharing a database — do not all come back in the same second.
// At least one second.
std::chrono::seconds retry_delay(const RetryPolicy& policy, int failed_attempts, double unit_random);

// A uniformly random number in [0, 1) for retry_delay (not for secrets).
double jitter_random();

}  // namespace memberd
