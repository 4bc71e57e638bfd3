#include "transport/worker_pool.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <future>

using memberd::WorkerPool;

TEST_CASE("the worker pool runs jobs and refuses past its queue", "[transport][workers]") {
  WorkerPool pool(1, 2);
  std::promise<void> release;
  auto released = release.get_future().share();
  std::atomic<int> done{0};
  // One job holds the only thread; two more fit the queue; the fourth is refused.
  REQUIRE(pool.try_post([&] {
    released.wait();
    ++done;
  }));
  while (pool.running() == 0) std::this_thread::yield();
  CHECK(pool.try_post([&] { ++done; }));
  CHECK(pool.try_post([&] { ++done; }));
  CHECK(pool.queued() == 2);
  CHECK_FALSE(pool.try_post([&] { ++done; }));
  release.set_value();
  pool.stop();
  CHECK(done == 3);
  CHECK_FALSE(pool.try_post([] {}));
}
