#include "transport/worker_pool.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <latch>
#include <mutex>
#include <set>
#include <thread>

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

TEST_CASE("the worker that went idle last takes the next job", "[transport][workers]") {
  // A few warm threads serve a light load; the rest stay asleep.
  WorkerPool pool(8, 8);
  // Every thread on the idle stack first: one still starting would push
  // itself on top of the warm one and take a job (seen on a loaded box).
  while (pool.idle() != 8) std::this_thread::yield();
  std::mutex mutex;
  std::set<std::thread::id> threads;
  for (int i = 0; i < 50; ++i) {
    std::atomic<bool> ran{false};
    REQUIRE(pool.try_post([&] {
      std::lock_guard lock(mutex);
      threads.insert(std::this_thread::get_id());
      ran = true;
    }));
    // running() reaches 0 only once the worker is back on the idle stack.
    while (!ran || pool.running() != 0) std::this_thread::yield();
  }
  CHECK(threads.size() == 1);
}

TEST_CASE("blocked jobs do not hold up the others while threads are left", "[transport][workers]") {
  // Each job waits for all the others: it finishes only if 8 run at once.
  WorkerPool pool(8, 8);
  std::latch all_running(8);
  std::atomic<int> done{0};
  for (int i = 0; i < 8; ++i)
    REQUIRE(pool.try_post([&] {
      all_running.arrive_and_wait();
      ++done;
    }));
  pool.stop();
  CHECK(done == 8);
}
