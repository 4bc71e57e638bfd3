// One unit of work per request: a handler's writes (its own, the session,
// the event and the mail it causes) commit together or not at all, and a
// transaction a handler leaves open is rolled back. On both backends.
#include "support/daemon_process.hpp"

#include <catch2/catch.hpp>

#include <thread>

using memberd::test::DaemonOptions;
using memberd::test::DaemonProcess;
using memberd::test::env_or_fail;
using nlohmann::json;

namespace {

int messages_with_subject(const DaemonProcess& daemon, const std::string& subject) {
  int found = 0;
  for (const auto& eml : memberd::test::mail_messages(daemon))
    if (eml.find("Subject: " + subject + "\r\n") != std::string::npos) ++found;
  return found;
}

// Sessions of the admin opened by the fixture (user agent "atomic").
int atomic_sessions(DaemonProcess& daemon, const httplib::Headers& auth) {
  auto session = DaemonProcess::json(daemon.http()->Get("/api/v1/session", auth));
  auto member = DaemonProcess::json(
      daemon.http()->Get(("/api/v1/admin/members/" + session["member_id"].get<std::string>()).c_str(), auth));
  int count = 0;
  for (const auto& s : member["sessions"])
    if (s["user_agent"] == "atomic") ++count;
  return count;
}

int atomic_events(DaemonProcess& daemon) {
  return DaemonProcess::json(daemon.http()->Get("/api/v1/swapper/atomic"))["events"].get<int>();
}

}  // namespace

TEST_CASE("a handler's session, event and mail commit together or not at all", "[unit_of_work]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess daemon(DaemonOptions{backend, {}, env_or_fail("MEMBERD_FIXTURE_PLUGINS_DIR"), {"swapper"}});
  httplib::Headers auth{{"Authorization", "Bearer " + daemon.admin_token()}};
  auto http = daemon.http();

  for (int fail_at : {1, 2, 3}) {
    INFO("failing write " << fail_at);
    auto res = http->Post("/api/v1/swapper/atomic", auth, json{{"fail_at", fail_at}}.dump(), "application/json");
    REQUIRE(res);
    CHECK(res->status == 500);
    // The client learns nothing of the SQL that failed.
    CHECK(res->body.find("no_such_table") == std::string::npos);
  }
  CHECK(atomic_sessions(daemon, auth) == 0);
  CHECK(atomic_events(daemon) == 0);

  auto ok = http->Post("/api/v1/swapper/atomic", auth, json{{"fail_at", 0}}.dump(), "application/json");
  REQUIRE(ok);
  CHECK(ok->status == 201);
  CHECK(atomic_sessions(daemon, auth) == 1);
  CHECK(atomic_events(daemon) == 1);
  // The mail of the committed request goes out; the three failed ones' never existed.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (messages_with_subject(daemon, "atomic") == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // a second delivery pass
  CHECK(messages_with_subject(daemon, "atomic") == 1);
}

TEST_CASE("a transaction a handler leaves open is rolled back", "[unit_of_work]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess daemon(DaemonOptions{backend, {}, env_or_fail("MEMBERD_FIXTURE_PLUGINS_DIR"), {"swapper"}});
  httplib::Headers auth{{"Authorization", "Bearer " + daemon.admin_token()}};
  auto http = daemon.http();
  auto res = http->Post("/api/v1/swapper/left-open", auth, "", "application/json");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(atomic_events(daemon) == 0);
  CHECK(daemon.output().find("handler returned with its write transaction open: rolled back") != std::string::npos);
  // The connection went back to the pool clean: later writes commit.
  CHECK(http->Post("/api/v1/swapper/atomic", auth, json{{"fail_at", 0}}.dump(), "application/json")->status == 201);
  CHECK(atomic_events(daemon) == 1);
}

TEST_CASE("a request that finds no free connection gets 503 busy, and the daemon serves on", "[unit_of_work]") {
  // One connection, held by a slow request past the lease timeout (5 s).
  DaemonProcess daemon(DaemonOptions{"sqlite", {"database.pool_size=1", "swapper.delay_ms=6500"},
                                     env_or_fail("MEMBERD_FIXTURE_PLUGINS_DIR"), {"swapper"}});
  std::thread holder([&] { CHECK(daemon.http()->Get("/api/v1/swapper/slow?hold=db")->status == 200); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto starved = daemon.http()->Get("/api/v1/swapper/atomic");
  holder.join();
  REQUIRE(starved);
  CHECK(starved->status == 503);
  CHECK(starved->get_header_value("Retry-After") == "1");
  CHECK(json::parse(starved->body)["type"] == "urn:memberd:problem:busy");
  // The connection came back with the slow request: the next one is served.
  CHECK(daemon.http()->Get("/api/v1/swapper/atomic")->status == 200);
}
