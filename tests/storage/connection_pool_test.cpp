// The pool hands connections out first come, first served.
#include "storage/database.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <mutex>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace memberd;

namespace {

void wait_until(const std::function<bool()>& done) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!done()) {
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

}  // namespace

TEST_CASE("a connection given back goes to the longest waiter, not to whoever asks next", "[storage][pool]") {
  auto dir = std::filesystem::temp_directory_path() / ("memberd-pool-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    ConnectionPool pool(DatabaseSettings{"sqlite:" + (dir / "pool.db").string(), 1});
    std::mutex mutex;
    std::vector<int> order;
    auto held = pool.lease();
    // Three waiters, queued in a known order.
    std::vector<std::thread> waiters;
    for (int i = 1; i <= 3; ++i) {
      waiters.emplace_back([&, i] {
        auto lease = pool.lease();
        std::lock_guard lock(mutex);
        order.push_back(i);
      });
      wait_until([&] { return pool.waiting() == static_cast<std::size_t>(i); });
    }
    // Give it back and ask again at once: with a plain condition variable
    // this thread, already running, took it before any waiter woke.
    held.reset();
    {
      auto again = pool.lease();
      std::lock_guard lock(mutex);
      order.push_back(0);
    }
    for (auto& t : waiters) t.join();
    CHECK(order == std::vector<int>{1, 2, 3, 0});
    CHECK(pool.waiting() == 0);
    CHECK(pool.in_use() == 0);
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("a waiter that times out leaves the queue and the next one is served", "[storage][pool]") {
  auto dir = std::filesystem::temp_directory_path() / ("memberd-pool-timeout-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    DatabaseSettings settings{"sqlite:" + (dir / "pool.db").string(), 1};
    settings.lease_timeout = std::chrono::milliseconds(100);
    ConnectionPool pool(settings);
    auto held = pool.lease();
    CHECK_THROWS_AS(pool.lease(), DatabaseBusy);
    CHECK(pool.waiting() == 0);
    held.reset();
    CHECK_NOTHROW(pool.lease());
  }
  std::filesystem::remove_all(dir);
}
