// The change feed (storage/change_feed.hpp) on a real pool: on PostgreSQL a
// change reaches another daemon's feed only once its transaction commits,
// within milliseconds; a lost listening connection makes the feed not live,
// tells every handler "anything may have changed", and comes back by
// itself. On SQLite the feed is local and live from the start.
#include "log/logger.hpp"
#include "storage/change_feed.hpp"
#include "storage/database.hpp"
#include "support/daemon_process.hpp"

#include <catch2/catch.hpp>
#include <soci/soci.h>

#include <chrono>
#include <filesystem>
#include <mutex>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace memberd;
using namespace std::chrono_literals;

namespace {

// What one subscriber heard, from whichever thread.
struct Heard {
  std::mutex mutex;
  std::vector<std::string> keys;
  void add(std::string_view key) {
    std::lock_guard lock(mutex);
    keys.emplace_back(key);
  }
  std::vector<std::string> snapshot() {
    std::lock_guard lock(mutex);
    return keys;
  }
  // Waits up to `limit` for `key`; how long it took, or nullopt.
  std::optional<std::chrono::milliseconds> wait_for(const std::string& key, std::chrono::milliseconds limit) {
    auto start = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - start < limit) {
      for (const auto& k : snapshot())
        if (k == key)
          return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
      std::this_thread::sleep_for(1ms);
    }
    return std::nullopt;
  }
};

template <typename Predicate>
bool eventually(Predicate predicate, std::chrono::milliseconds limit) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (predicate()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return predicate();
}

}  // namespace

TEST_CASE("a change reaches the other daemon's feed when its transaction commits, and not before",
          "[storage][changes][postgresql]") {
  test::ScratchPostgres database;
  std::FILE* out = std::tmpfile();
  LogSink log(LogLevel::info, LogFormat::text, out);
  ConnectionPool pool(DatabaseSettings{database.url(), 2});
  ChangeFeed here(Backend::postgresql, database.url(), log), there(Backend::postgresql, database.url(), log);
  here.start();
  there.start();
  REQUIRE(here.live());
  REQUIRE(there.live());
  Heard heard_here, heard_there, other_topic;
  here.subscribe("sessions.session", [&](std::string_view key) { heard_here.add(key); });
  there.subscribe("sessions.session", [&](std::string_view key) { heard_there.add(key); });
  there.subscribe("something.else", [&](std::string_view key) { other_topic.add(key); });

  auto unit = pool.open_unit();
  REQUIRE(unit->begin());
  REQUIRE(here.announce(*unit, "sessions.session", "s-1"));
  std::this_thread::sleep_for(150ms);
  CHECK(heard_here.snapshot().empty());
  CHECK(heard_there.snapshot().empty());
  REQUIRE(unit->commit());
  // This daemon's own handlers ran as the commit returned.
  REQUIRE_FALSE(heard_here.snapshot().empty());
  CHECK(heard_here.snapshot().front() == "s-1");
  auto took = heard_there.wait_for("s-1", 1000ms);
  REQUIRE(took);
  CHECK(*took < 100ms);
  CHECK(there.heard_total() == 1);

  SECTION("a rolled-back change reaches no one") {
    REQUIRE(unit->begin());
    REQUIRE(here.announce(*unit, "sessions.session", "s-2"));
    unit->rollback();
    std::this_thread::sleep_for(200ms);
    CHECK(heard_there.snapshot() == std::vector<std::string>{"s-1"});
  }
  SECTION("a daemon's own change comes back once more (its only word of a COMMIT whose answer was lost)") {
    std::this_thread::sleep_for(200ms);
    CHECK(heard_here.snapshot() == std::vector<std::string>{"s-1", "s-1"});
    CHECK(here.heard_total() == 0);  // counts other daemons' only
    CHECK(other_topic.snapshot().empty());
  }
  unit.reset();
  std::fclose(out);
}

TEST_CASE("a lost listening connection makes the feed not live, says anything may have changed, and comes back",
          "[storage][changes][postgresql]") {
  test::ScratchPostgres database;
  std::FILE* out = std::tmpfile();
  LogSink log(LogLevel::info, LogFormat::text, out);
  ConnectionPool pool(DatabaseSettings{database.url(), 1});
  ChangeFeed sender(Backend::postgresql, database.url(), log), listener(Backend::postgresql, database.url(), log);
  sender.start();
  listener.start();
  Heard heard;
  listener.subscribe("sessions.member", [&](std::string_view key) { heard.add(key); });

  // What a server restart or a failover does to the connection.
  auto admin = test::open_database(database.url());
  *admin << "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'memberd-listener'"
            " AND datname = current_database()";
  REQUIRE(eventually([&] { return !listener.live(); }, 2000ms));
  REQUIRE(heard.wait_for("", 100ms));
  // It listens again by itself (first retry after 0.5 s), drops what it
  // cached during the gap once more, and hears changes again.
  REQUIRE(eventually([&] { return listener.live() && sender.live(); }, 5000ms));
  CHECK(heard.snapshot().size() >= 2);
  auto unit = pool.open_unit();
  REQUIRE(sender.announce(*unit, "sessions.member", "m-7"));
  CHECK(heard.wait_for("m-7", 1000ms));
  std::string log_text;
  std::rewind(out);
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, out)) log_text.append(buffer, n);
  CHECK(log_text.find("lost the database connection that hears other daemons' changes") != std::string::npos);
  CHECK(log_text.find("hearing other daemons' changes again") != std::string::npos);
  unit.reset();
  std::fclose(out);
}

TEST_CASE("on SQLite the feed is live from the start and delivers a change at commit", "[storage][changes]") {
  auto dir = std::filesystem::temp_directory_path() / ("memberd-changes-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string url = "sqlite:" + (dir / "changes.db").string();
  {
    LogSink log(LogLevel::error, LogFormat::text, stderr);
    ConnectionPool pool(DatabaseSettings{url, 1});
    ChangeFeed feed(Backend::sqlite, url, log);
    feed.start();
    CHECK(feed.live());
    Heard heard;
    auto id = feed.subscribe("profile.member", [&](std::string_view key) { heard.add(key); });
    auto unit = pool.open_unit();
    REQUIRE(unit->begin());
    REQUIRE(feed.announce(*unit, "profile.member", "m-1"));
    CHECK(heard.snapshot().empty());
    REQUIRE(unit->commit());
    CHECK(heard.snapshot() == std::vector<std::string>{"m-1"});

    feed.unsubscribe(id);
    REQUIRE(feed.announce(*unit, "profile.member", "m-2"));
    CHECK(heard.snapshot() == std::vector<std::string>{"m-1"});
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("a topic or key the feed cannot carry is a bug in the caller", "[storage][changes]") {
  LogSink log(LogLevel::error, LogFormat::text, stderr);
  ChangeFeed feed(Backend::sqlite, "sqlite:unused", log);
  auto dir = std::filesystem::temp_directory_path() / ("memberd-changes-bad-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    ConnectionPool pool(DatabaseSettings{"sqlite:" + (dir / "c.db").string(), 1});
    auto unit = pool.open_unit();
    CHECK_THROWS_AS(feed.announce(*unit, "Has Space", "k"), std::invalid_argument);
    CHECK_THROWS_AS(feed.announce(*unit, "", "k"), std::invalid_argument);
    CHECK_THROWS_AS(feed.announce(*unit, "t", ""), std::invalid_argument);
    CHECK_THROWS_AS(feed.announce(*unit, "t", "two words"), std::invalid_argument);
    CHECK_THROWS_AS(feed.announce(*unit, "t", std::string(201, 'k')), std::invalid_argument);
    CHECK(feed.announce(*unit, "t", std::string(200, 'k')));
  }
  std::filesystem::remove_all(dir);
}
