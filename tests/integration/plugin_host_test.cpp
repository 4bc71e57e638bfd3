// Loading plugins: the healthy example, each broken fixture, reload triggers.
#include "support/daemon_process.hpp"
#include "support/plugins_dir.hpp"

#include <memberd/version.hpp>

#include <catch2/catch.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>

using memberd::test::DaemonOptions;
using memberd::test::DaemonProcess;
using memberd::test::env_or_fail;
using memberd::test::PluginsDir;
using nlohmann::json;
namespace fs = std::filesystem;

TEST_CASE("the example plugin loads, migrates, serves and publishes events", "[plugins]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess daemon(DaemonOptions{backend, {"hello.greeting=Bonjour"}, "", {"hello"}});
  auto http = daemon.http();
  auto res = http->Get("/api/v1/hello");
  REQUIRE(res);
  REQUIRE(res->status == 200);
  CHECK(json::parse(res->body)["message"] == "Bonjour");

  auto entry = plugin_entry(daemon, "hello");
  CHECK(entry["state"] == "loaded");
  CHECK(entry["version"] == "1.0.0");
  // The SDK the host was built with (the example is built with it too).
  CHECK(entry["api_version"] == std::to_string(MEMBERD_SDK_VERSION_MAJOR) + "." + std::to_string(MEMBERD_SDK_VERSION_MINOR));
  CHECK(entry["last_error"].is_null());

  httplib::Headers auth{{"Authorization", "Bearer " + daemon.admin_token()}};
  CHECK(http->Post("/api/v1/hello/greetings", auth, R"({"text":"hi there"})", "application/json")->status == 201);
  CHECK(http->Post("/api/v1/hello/greetings", auth, R"({"text":""})", "application/json")->status == 422);
  CHECK(http->Post("/api/v1/hello/greetings", R"({"text":"anonymous"})", "application/json")->status == 401);
  auto list = DaemonProcess::json(http->Get("/api/v1/hello/greetings", auth));
  CHECK(list["items"].size() == 1);
  CHECK(DaemonProcess::json(http->Get("/readyz"))["status"] == "ready");
}

TEST_CASE("a plugin config section is validated against the plugin's schema", "[plugins]") {
  DaemonProcess daemon(DaemonOptions{"sqlite", {"hello.max_length=9999"}, "", {"hello"}});
  CHECK(load_error(daemon, "hello").find("hello.max_length") != std::string::npos);
  CHECK(daemon.http()->Get("/api/v1/hello")->status == 404);
  CHECK(daemon.http()->Get("/readyz")->status == 503);
}

// Issue 26: --check-config refused an enabled plugin without its file while
// a start served without it. Both refuse it now, in the same words.
TEST_CASE("an enabled plugin without its file is refused by a start and by --check-config alike", "[plugins]") {
  PluginsDir dir({{"swapper", "swapper"}});
  std::vector<std::string> common = {MEMBERD_BINARY, "--set", "plugins.dir=" + dir.path(), "--set",
                                     "plugins.enabled=[swapper, missing_plugin]", "--set", "http.listen=127.0.0.1:0",
                                     "--set", "data_dir=" + dir.path() + "/data"};
  std::string checked, started;
  auto check = common;
  check.push_back("--check-config");
  CHECK(memberd::test::run_command(check, checked) == 2);
  CHECK(memberd::test::run_command(common, started) == 2);
  const std::string reason = "plugin missing_plugin: no plugin file missing_plugin.so in plugins.dir";
  CHECK_THAT(checked, Catch::Matchers::Contains(reason));
  CHECK_THAT(started, Catch::Matchers::Contains(reason));
}

TEST_CASE("broken plugins fail alone, with a reason, and the daemon serves on", "[plugins]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  PluginsDir dir({{"failing_start", "failing_start"},
                  {"failing_migration", "failing_migration"},
                  {"wrong_signature", "wrong_signature"},
                  {"sdk1_plugin", "sdk1_plugin"},
                  {"bad_config", "bad_config"},
                  {"swapper", "swapper"}});
  DaemonProcess daemon(DaemonOptions{backend, {}, dir.path(),
                                     {"failing_start", "failing_migration", "wrong_signature", "sdk1_plugin", "bad_config", "swapper"}});
  auto http = daemon.http();

  auto expect_failed = [&](const std::string& name, const std::string& reason) {
    auto entry = plugin_entry(daemon, name);
    INFO(entry.dump());
    CHECK(entry["state"] == "failed");
    CHECK(entry["last_error"].get<std::string>().find(reason) != std::string::npos);
  };
  expect_failed("failing_start", "refused to start: this fixture always refuses to start");
  expect_failed("failing_migration", "failing_migration migration 1");
  expect_failed("wrong_signature", "SDK 99.");
  // A plugin built against SDK 1 is named as such, with what to do about it.
  expect_failed("sdk1_plugin", "sdk1_plugin.so was built for a different ABI: SDK 1.0, but this daemon offers SDK 2.0-2.");
  expect_failed("sdk1_plugin", "rebuilt against the installed SDK");
  expect_failed("bad_config", "this fixture refuses every value");
  CHECK(plugin_entry(daemon, "swapper")["state"] == "loaded");

  CHECK(http->Get("/api/v1/swapper")->status == 200);
  auto ready = http->Get("/readyz");
  CHECK(ready->status == 503);
  CHECK(json::parse(ready->body)["missing"].dump().find("plugin:failing_start") != std::string::npos);

  SECTION("a failed reload keeps the old version serving") {
    dir.install("failing_start", "swapper");
    auto res = daemon.unix_socket()->Post("/api/v1/admin/plugins/swapper/reload");
    REQUIRE(res);
    CHECK(res->status == 422);
    CHECK(json::parse(res->body)["detail"].get<std::string>().find("keeps serving") != std::string::npos);
    auto entry = plugin_entry(daemon, "swapper");
    CHECK(entry["state"] == "loaded");
    CHECK(!entry["last_error"].is_null());
    CHECK(http->Get("/api/v1/swapper")->status == 200);
  }
  SECTION("reloading a plugin that is not enabled is a 404") {
    CHECK(daemon.unix_socket()->Post("/api/v1/admin/plugins/nope/reload")->status == 404);
  }
}

TEST_CASE("a throwing handler costs its request a 500 and nothing more", "[plugins]") {
  DaemonProcess daemon(DaemonOptions{"sqlite", {}, env_or_fail("MEMBERD_FIXTURE_PLUGINS_DIR"), {"throwing_handler"}});
  auto http = daemon.http();
  for (const char* path : {"/api/v1/throwing_handler/throw", "/api/v1/throwing_handler/throw-int"}) {
    auto res = http->Get(path);
    REQUIRE(res);
    CHECK(res->status == 500);
    auto body = json::parse(res->body);
    std::string request_id = res->get_header_value("X-Request-Id");
    CHECK(body["detail"].get<std::string>().find(request_id) != std::string::npos);
    // Nothing internal leaks to the client...
    CHECK(res->body.find("passwd") == std::string::npos);
    CHECK(res->body.find("SELECT") == std::string::npos);
    // ...but the log has it, with the request id.
    CHECK(daemon.output().find(request_id) != std::string::npos);
  }
  CHECK(http->Get("/api/v1/throwing_handler")->status == 200);
  CHECK(daemon.running());
}

TEST_CASE("access levels are enforced before a plugin's handler runs", "[plugins]") {
  DaemonProcess daemon(DaemonOptions{"sqlite", {}, env_or_fail("MEMBERD_FIXTURE_PLUGINS_DIR"), {"swapper"}});
  auto http = daemon.http();
  CHECK(http->Post("/api/v1/swapper/echo", R"({"a":1})", "application/json")->status == 401);
  httplib::Headers auth{{"Authorization", "Bearer " + daemon.admin_token()}};
  auto echo = http->Post("/api/v1/swapper/echo", auth, R"({"a":1})", "application/json");
  CHECK(echo->status == 200);
  CHECK(json::parse(echo->body)["a"] == 1);
  // A fresh session has not stepped up.
  auto privileged = http->Post("/api/v1/swapper/privileged", auth, "", "application/json");
  CHECK(privileged->status == 403);
  CHECK(json::parse(privileged->body)["type"] == "urn:memberd:problem:step_up_required");
}

TEST_CASE("reload triggers: SIGHUP and a replaced file when watching", "[plugins]") {
  PluginsDir dir({{"swapper", "swapper"}});
  DaemonProcess daemon(DaemonOptions{"sqlite", {"plugins.watch=true", "plugins.watch_interval=200ms"}, dir.path(), {"swapper"}});
  auto http = daemon.http();
  auto version = [&] { return json::parse(http->Get("/api/v1/swapper")->body)["version"].get<std::string>(); };
  CHECK(version() == "1.0.0");

  dir.install("swapper_v2", "swapper");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (version() != "2.0.0" && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(version() == "2.0.0");

  auto generation = plugin_entry(daemon, "swapper")["generation"].get<int>();
  daemon.signal(SIGHUP);
  deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (plugin_entry(daemon, "swapper")["generation"].get<int>() == generation &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK(plugin_entry(daemon, "swapper")["generation"].get<int>() > generation);
  CHECK(version() == "2.0.0");

  // Each is the operator's act, in the admin audit log like a reload asked
  // through the API; so is one that failed (the old version serves on).
  dir.install("failing_start", "swapper");
  daemon.signal(SIGHUP);
  auto reloads = [&] {
    auto r = daemon.unix_socket()->Get("/api/v1/admin/audit?action=plugin.reload");
    REQUIRE(r);
    REQUIRE(r->status == 200);
    return json::parse(r->body)["items"];
  };
  deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (reloads().size() < 3 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  auto records = reloads();
  REQUIRE(records.size() == 3);  // newest first
  for (const auto& r : records) {
    CHECK(r["admin"] == "operator");
    CHECK(r["admin_id"].is_null());
    CHECK(r["detail"]["plugin"] == "swapper");
  }
  CHECK(records[2]["detail"]["cause"] == "file changed");
  CHECK(records[2]["detail"]["version"] == "2.0.0");
  CHECK(records[2]["result"] == "done");
  CHECK(records[1]["detail"]["cause"] == "SIGHUP");
  CHECK(records[1]["result"] == "done");
  CHECK(records[0]["detail"]["cause"] == "SIGHUP");
  CHECK(records[0]["result"] == "failed");
  CHECK_FALSE(records[0]["detail"]["error"].get<std::string>().empty());
  CHECK(version() == "2.0.0");
}
