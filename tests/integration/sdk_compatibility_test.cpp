// The SDK's promise, checked by code (issue 28): a plugin built against the
// 2.0 headers as they shipped (tests/fixtures/sdk-2.0) loads into today's
// daemon and serves, its structs read the same on both sides of the boundary.
#include "support/credentials_client.hpp"
#include "support/daemon_process.hpp"
#include "support/plugins_dir.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using memberd::test::DaemonOptions;
using memberd::test::DaemonProcess;
using memberd::test::PluginsDir;
namespace credentials = memberd::test::credentials;

TEST_CASE("a plugin built against the SDK 2.0 headers loads and serves in today's daemon", "[plugins][sdk]") {
  PluginsDir dir({{"credentials", "credentials"}, {"hello_sdk20", "hello_sdk20"}});
  DaemonOptions options;
  options.plugins_dir = dir.path();
  options.plugins = {"credentials", "hello_sdk20"};
  options.sets = {"hello_sdk20.greeting=Hello from 2.0"};
  DaemonProcess daemon(options);

  auto hello = daemon.http()->Get("/api/v1/hello_sdk20");
  REQUIRE(hello);
  INFO(hello->body);
  CHECK(hello->status == 200);
  CHECK(nlohmann::json::parse(hello->body)["message"] == "Hello from 2.0");

  // Request, Caller, the unit of work, a write transaction and an event,
  // as 2.0 laid them out.
  auto session = credentials::sign_in(daemon, credentials::join(daemon, "sdk20@example.com"));
  auto headers = credentials::bearer(session.token);
  auto added = daemon.http()->Post("/api/v1/hello_sdk20/greetings", headers, R"({"text":"still here"})",
                                   "application/json");
  REQUIRE(added);
  INFO(added->body);
  CHECK(added->status == 201);
  auto listed = daemon.http()->Get("/api/v1/hello_sdk20/greetings", headers);
  REQUIRE(listed);
  auto items = nlohmann::json::parse(listed->body)["items"];
  REQUIRE(items.size() == 1);
  CHECK(items[0]["text"] == "still here");
  CHECK(items[0]["member_id"] == session.member_id);
  // A 2.0 plugin's refusal: 422 with its field errors.
  auto refused = daemon.http()->Post("/api/v1/hello_sdk20/greetings", headers, R"({"text":""})", "application/json");
  REQUIRE(refused);
  CHECK(refused->status == 422);
  CHECK(nlohmann::json::parse(refused->body)["errors"].contains("text"));
}
