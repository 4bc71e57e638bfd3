// The core's fixed windows (RateLimitsService) on a real pool, on SQLite and
// PostgreSQL: hit() refuses past the limit, and take_back() (SDK 2.9) gives
// back a hit of the running window only, never below zero — what the
// credentials plugin relies on when it counts a guess before checking it.
#include "auth/rate_limits_service.hpp"
#include "log/logger.hpp"
#include "storage/database.hpp"
#include "storage/migrations.hpp"
#include "support/daemon_process.hpp"

#include <catch2/catch.hpp>
#include <memberd/migrations.hpp>

#include <filesystem>
#include <optional>
#include <unistd.h>

namespace memberd::core_schema {
const std::vector<EmbeddedFile>& files();
}

using namespace memberd;
using namespace std::chrono_literals;

namespace {

// A clock the test moves by hand.
class HandClock final : public Clock {
 public:
  TimePoint now() const override { return now_; }
  std::string format(TimePoint) const override { return {}; }
  void advance(std::chrono::seconds by) { now_ += by; }

 private:
  TimePoint now_ = TimePoint{} + std::chrono::hours(24 * 365 * 50);
};

// The core's schema on a fresh database of `backend`, and its windows.
struct Fixture {
  explicit Fixture(const std::string& backend) {
    if (backend == "postgresql") {
      postgres.emplace();
      url = postgres->url();
    } else {
      dir = std::filesystem::temp_directory_path() / ("memberd-limits-" + std::to_string(::getpid()));
      std::filesystem::remove_all(dir);
      std::filesystem::create_directories(dir);
      url = "sqlite:" + (dir / "limits.db").string();
    }
    pool.emplace(DatabaseSettings{url, 1});
    apply_migrations(*pool, "core", migrations_from_files(core_schema::files()));
  }
  ~Fixture() {
    pool.reset();
    if (!dir.empty()) std::filesystem::remove_all(dir);
  }

  // Whether one more hit on `key` passes a limit of 3 a minute.
  bool hit(const std::string& key) {
    auto unit = pool->open_unit();
    auto result = limits.hit(*unit, key, 3, 60s);
    if (!result) REQUIRE(result.failure().refusal == Refusal::rate_limited);
    return static_cast<bool>(result);
  }
  void take_back(const std::string& key) {
    auto unit = pool->open_unit();
    REQUIRE(limits.take_back(*unit, key, 60s));
  }

  std::optional<test::ScratchPostgres> postgres;
  std::filesystem::path dir;
  std::string url;
  std::optional<ConnectionPool> pool;
  HandClock clock;
  LogSink log{LogLevel::error, LogFormat::text, stderr};
  RateLimitsService limits{clock, log};
};

}  // namespace

TEST_CASE("take_back gives back a hit of the running window, never below zero", "[storage][rate_limits]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  INFO(backend);
  Fixture f(backend);

  SECTION("a hit taken back makes room for another") {
    for (int i = 0; i < 3; ++i) CHECK(f.hit("a"));
    CHECK_FALSE(f.hit("a"));  // 4 counted
    f.take_back("a");
    f.take_back("a");         // 2 counted
    CHECK(f.hit("a"));        // 3
    CHECK_FALSE(f.hit("a"));  // 4
  }
  SECTION("a window with nothing in it stays at nothing") {
    f.take_back("b");  // no row yet
    CHECK(f.hit("b"));
    for (int i = 0; i < 5; ++i) f.take_back("b");
    for (int i = 0; i < 3; ++i) CHECK(f.hit("b"));
    CHECK_FALSE(f.hit("b"));
  }
  SECTION("a window that ended starts the next from nothing, taken back or not") {
    for (int i = 0; i < 3; ++i) CHECK(f.hit("c"));
    f.clock.advance(61s);
    f.take_back("c");  // its window ended: nothing to give back
    for (int i = 0; i < 3; ++i) CHECK(f.hit("c"));
    CHECK_FALSE(f.hit("c"));
  }
  SECTION("keys are apart") {
    for (int i = 0; i < 3; ++i) CHECK(f.hit("d"));
    f.take_back("e");
    CHECK_FALSE(f.hit("d"));
  }
}
