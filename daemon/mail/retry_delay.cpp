#include "mail/retry_delay.hpp"

#include <algorithm>
#include <random>

namespace memberd {

std::chrono::seconds retry_delay(const RetryPolicy& policy, int failed_attempts, double unit_random) {
  // Doubling stops at 2^30: by then any configured max_delay is reached.
  int doublings = std::clamp(failed_attempts - 1, 0, 30);
  double full = std::min(static_cast<double>(policy.first_delay.count()) * static_cast<double>(1LL << doublings),
                         static_cast<double>(policy.max_delay.count()));
  double jittered = full * (0.5 + 0.5 * std::clamp(unit_random, 0.0, 1.0));
  return std::chrono::seconds(std::max<long long>(1, static_cast<long long>(jittered)));
}

double jitter_random() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

}  // namespace memberd
