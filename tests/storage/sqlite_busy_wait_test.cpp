// An SQLite writer waits for another's lock up to database.busy_timeout,
// and the handler pool does not count it as running meanwhile.
#include "storage/database.hpp"
#include "transport/worker_pool.hpp"

#include <catch2/catch.hpp>
#include <soci/soci.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <memory>
#include <thread>
#include <unistd.h>

using namespace memberd;
using namespace std::chrono_literals;

namespace {

struct ScratchDatabase {
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              ("memberd-busy-" + std::to_string(::getpid()) + "-" +
                               std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
  ScratchDatabase() { std::filesystem::create_directories(dir); }
  ~ScratchDatabase() { std::filesystem::remove_all(dir); }
  std::string url() const { return "sqlite:" + (dir / "busy.db").string(); }
};

// A pool of two connections on a scratch SQLite file with table t, and
// `holder`, a lease holding the write lock until it commits.
struct LockedDatabase {
  ScratchDatabase scratch;
  ConnectionPool pool;
  std::unique_ptr<PoolLease> holder;
  explicit LockedDatabase(std::chrono::milliseconds busy_timeout)
      : pool(DatabaseSettings{scratch.url(), 2, busy_timeout}) {
    pool.lease()->sql() << "CREATE TABLE t (v INTEGER)";
    holder = pool.lease();
    holder->sql() << "BEGIN IMMEDIATE";
    holder->sql() << "INSERT INTO t (v) VALUES (1)";
  }
};

}  // namespace

TEST_CASE("an SQLite writer waits for the lock up to busy_timeout, then is refused", "[storage][sqlite]") {
  LockedDatabase db(300ms);
  auto waiter = db.pool.lease();
  auto started = std::chrono::steady_clock::now();
  CHECK_THROWS_WITH(waiter->sql() << "INSERT INTO t (v) VALUES (2)", Catch::Contains("locked"));
  auto waited = std::chrono::steady_clock::now() - started;
  CHECK(waited >= 250ms);
  CHECK(waited < 3s);

  // Released while a writer waits: the writer goes on.
  auto released = std::async(std::launch::async, [&] {
    std::this_thread::sleep_for(50ms);
    db.holder->sql() << "COMMIT";
  });
  CHECK_NOTHROW(waiter->sql() << "INSERT INTO t (v) VALUES (3)");
  released.get();
  int rows = 0;
  waiter->sql() << "SELECT COUNT(*) FROM t", soci::into(rows);
  CHECK(rows == 2);
}

TEST_CASE("a handler waiting for an SQLite lock lets a queued handler run", "[storage][sqlite][workers]") {
  LockedDatabase db(5000ms);

  // One handler at a time; the first waits on the lock, the second needs
  // only the CPU.
  WorkerPool workers(4, 1, 8);
  while (workers.idle() != 4) std::this_thread::yield();
  std::atomic<bool> second_ran{false};
  std::promise<void> first_done;
  REQUIRE(workers.try_post([&] {
    auto lease = db.pool.lease();
    lease->sql() << "INSERT INTO t (v) VALUES (2)";
    first_done.set_value();
  }));
  // Queued only once the first waits on the lock: queued while the first
  // still prepares its statement (longer than the watcher's 1 ms tick under
  // a sanitizer), the second would rightly be run by a boost.
  while (workers.blocked() == 0) std::this_thread::yield();
  REQUIRE(workers.try_post([&] { second_ran = true; }));
  auto deadline = std::chrono::steady_clock::now() + 4s;
  while (!second_ran && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
  CHECK(second_ran);
  // The busy handler's sleep freed the slot; the watcher had nothing to do.
  CHECK(workers.boosts_total() == 0);
  db.holder->sql() << "COMMIT";
  first_done.get_future().get();
  workers.stop();
}
