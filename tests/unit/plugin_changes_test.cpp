// A plugin's Changes (SDK 2.12, plugin_host/plugin_changes.hpp): its topics
// are its own, handlers are registered from start() only and withdrawn when
// its version retires.
#include "log/logger.hpp"
#include "plugin_host/plugin_changes.hpp"
#include "storage/change_feed.hpp"
#include "storage/database.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <unistd.h>
#include <vector>

using namespace memberd;

TEST_CASE("a plugin hears its own topics only, from start() to its retirement", "[plugins][changes]") {
  auto dir = std::filesystem::temp_directory_path() / ("memberd-plugin-changes-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    std::string url = "sqlite:" + (dir / "c.db").string();
    LogSink log(LogLevel::error, LogFormat::text, stderr);
    ConnectionPool pool(DatabaseSettings{url, 1});
    ChangeFeed feed(Backend::sqlite, url, log);
    bool photo_starting = true, profile_starting = true;
    PluginChanges photo(feed, "photo", photo_starting), profile(feed, "profile", profile_starting);
    std::vector<std::string> photo_heard, profile_heard, sessions_heard;
    photo.on_change("member", [&](std::string_view key) { photo_heard.emplace_back(key); });
    profile.on_change("member", [&](std::string_view key) { profile_heard.emplace_back(key); });
    feed.subscribe("sessions.member", [&](std::string_view key) { sessions_heard.emplace_back(key); });
    photo_starting = profile_starting = false;

    auto unit = pool.open_unit();
    REQUIRE(photo.announce(*unit, "member", "m-1"));
    CHECK(photo_heard == std::vector<std::string>{"m-1"});
    CHECK(profile_heard.empty());
    CHECK(sessions_heard.empty());
    // A plugin cannot reach the host's topics: "sessions.member" is its own.
    REQUIRE(photo.announce(*unit, "sessions.member", "m-1"));
    CHECK(sessions_heard.empty());

    CHECK_THROWS_AS(photo.on_change("late", [](std::string_view) {}), std::logic_error);
    CHECK_THROWS_AS(photo.announce(*unit, std::string(41, 't'), "k"), std::invalid_argument);
    CHECK_THROWS_AS(photo.announce(*unit, "member", "has space"), std::invalid_argument);

    photo.withdraw();
    REQUIRE(photo.announce(*unit, "member", "m-2"));
    CHECK(photo_heard == std::vector<std::string>{"m-1"});
  }
  std::filesystem::remove_all(dir);
}
