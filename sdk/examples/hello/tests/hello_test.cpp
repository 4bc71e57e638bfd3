// hello's own tests, written as a third party writes them: against real
// daemons with the plugin in them, through the SDK's test kit
// (memberd/testing/), never the daemon's internals. Built and run out of
// tree by memberd's test command (tests/sdk/out_of_tree.sh).
#include <memberd/testing/member.hpp>
#include <memberd/testing/test_daemon.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

using memberd::testing::Member;
using memberd::testing::TestDaemon;
using memberd::testing::TestDaemonOptions;

namespace {

TestDaemonOptions with_hello(std::vector<std::string> sets = {}) {
  return TestDaemonOptions{{HELLO_PLUGIN_FILE}, {}, std::move(sets)};
}

// The mail the daemon wrote that contains `text`, waiting up to 10 s: mail
// is written after the response, by the daemon's outbox.
std::string mail_containing(const TestDaemon& daemon, const std::string& text) {
  for (int i = 0; i < 200; ++i) {
    for (const auto& message : daemon.mail())
      if (message.find(text) != std::string::npos) return message;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return {};
}

}  // namespace

TEST_CASE("hello loads and greets with its configured greeting") {
  TestDaemon daemon(with_hello({"hello.greeting=Good morning"}));
  CHECK(daemon.plugin("hello")["state"] == "loaded");
  auto res = daemon.http()->Get("/api/v1/hello");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(nlohmann::json::parse(res->body)["message"] == "Good morning");
}

TEST_CASE("a member's greeting is kept, and one too long is refused next to its field") {
  TestDaemon daemon(with_hello({"hello.max_length=20"}));
  auto ada = Member::join(daemon, "ada@example.com");
  CHECK(ada.post("/api/v1/hello/greetings", {{"text", "Hi there"}}).status == 201);
  auto listed = ada.get("/api/v1/hello/greetings");
  REQUIRE(listed.status == 200);
  REQUIRE(listed.json["items"].size() == 1);
  CHECK(listed.json["items"][0]["text"] == "Hi there");

  auto refused = ada.post("/api/v1/hello/greetings", {{"text", std::string(21, 'x')}});
  CHECK(refused.status == 422);
  CHECK(refused.header("Content-Type").rfind("application/problem+json", 0) == 0);
  CHECK(refused.json["errors"].contains("text"));
  CHECK(ada.get("/api/v1/hello/greetings").json["items"].size() == 1);
}

TEST_CASE("a motto waits for an admin, and a rejected one is mailed to its member with the reason") {
  TestDaemon daemon(with_hello({"hello.motto_reject_reasons=[\"Too loud.\"]"}));
  auto ada = Member::join(daemon, "ada@example.com");
  auto sent = ada.put("/api/v1/hello/motto", {{"text", "SHOUTING"}});
  REQUIRE(sent.status == 202);
  const std::string revision = sent.json["revision_id"].get<std::string>();
  // Nothing is published before the admin decides.
  CHECK(ada.get("/api/v1/hello/motto").json["published"].is_null());

  auto admin = daemon.http();
  const httplib::Headers as_admin{{"Authorization", "Bearer " + daemon.admin_token()}};
  auto rejected = admin->Post("/api/v1/admin/reviews/" + revision + "/reject", as_admin,
                              nlohmann::json{{"reason", "Too loud."}}.dump(), "application/json");
  REQUIRE(rejected);
  CHECK(rejected->status == 200);

  const std::string mail = mail_containing(daemon, "Subject: Your motto was not published");
  INFO(daemon.output());
  REQUIRE_FALSE(mail.empty());
  CHECK(mail.find("To: ada@example.com") != std::string::npos);
  CHECK(mail.find("Too loud.") != std::string::npos);
  CHECK(mail.find("SHOUTING") != std::string::npos);
}

TEST_CASE("hello's routes are all in the daemon's OpenAPI document") {
  TestDaemon daemon(with_hello());
  auto res = daemon.operator_socket()->Get("/api/v1/admin/routes");
  REQUIRE(res);
  REQUIRE(res->status == 200);
  int hello_routes = 0;
  const auto table = nlohmann::json::parse(res->body);
  for (const auto& route : table["items"]) {
    if (route["owner"] != "hello") continue;
    ++hello_routes;
    INFO(route.dump());
    CHECK(route["documented"] == true);
  }
  CHECK(hello_routes >= 5);
}

TEST_CASE("the socket operator is no member: it leaves no greeting and sends no motto") {
  TestDaemon daemon(with_hello());
  auto socket = daemon.operator_socket();
  auto greeting = socket->Post("/api/v1/hello/greetings", nlohmann::json{{"text", "hi"}}.dump(), "application/json");
  REQUIRE(greeting);
  CHECK(greeting->status == 403);
  auto motto = socket->Put("/api/v1/hello/motto", nlohmann::json{{"text", "hi"}}.dump(), "application/json");
  REQUIRE(motto);
  CHECK(motto->status == 403);
}
