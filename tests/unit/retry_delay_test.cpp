// How long the outbox waits before trying a message again.
#include "mail/retry_delay.hpp"

#include <catch2/catch.hpp>

using memberd::retry_delay;
using memberd::RetryPolicy;
using std::chrono::seconds;

TEST_CASE("retry delays double from the first delay up to the cap", "[mail]") {
  RetryPolicy policy{seconds(30), seconds(3600), seconds(48 * 3600)};
  // unit_random 1.0 (the top of the jitter) shows the undisturbed curve.
  CHECK(retry_delay(policy, 1, 1.0) == seconds(30));
  CHECK(retry_delay(policy, 2, 1.0) == seconds(60));
  CHECK(retry_delay(policy, 3, 1.0) == seconds(120));
  CHECK(retry_delay(policy, 8, 1.0) == seconds(3600));
  CHECK(retry_delay(policy, 1000, 1.0) == seconds(3600));
}

TEST_CASE("jitter keeps a retry between half and all of its delay", "[mail]") {
  RetryPolicy policy{seconds(30), seconds(3600), seconds(48 * 3600)};
  CHECK(retry_delay(policy, 2, 0.0) == seconds(30));
  CHECK(retry_delay(policy, 2, 0.5) == seconds(45));
  for (int i = 0; i < 200; ++i) {
    auto d = retry_delay(policy, 4, memberd::jitter_random());
    CHECK(d >= seconds(120));
    CHECK(d <= seconds(240));
  }
  // Never a busy loop, even with a one-second first delay and no luck.
  CHECK(retry_delay(RetryPolicy{seconds(1), seconds(1), seconds(60)}, 1, 0.0) == seconds(1));
}
