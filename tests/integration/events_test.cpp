// Durable events: delivered from each subscriber's cursor, across hot swaps
// and restarts, on both backends.
#include "support/daemon_process.hpp"

#include <catch2/catch.hpp>

#include <thread>

using memberd::test::DaemonOptions;
using memberd::test::DaemonProcess;
using memberd::test::env_or_fail;
using nlohmann::json;

namespace {

json seen(DaemonProcess& d) { return DaemonProcess::json(d.http()->Get("/api/v1/swapper/seen")); }

void wait_for_count(DaemonProcess& d, int expected) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (seen(d)["count"].get<int>() < expected && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

void create_members(DaemonProcess& d, int from, int to) {
  auto socket = d.unix_socket();
  for (int i = from; i < to; ++i) {
    auto res = socket->Post("/api/v1/admin/members",
                            json{{"email", "m" + std::to_string(i) + "@example.com"}, {"password", "long enough password"}}.dump(),
                            "application/json");
    REQUIRE(res);
    INFO(res->body << "\n" << d.output());
    REQUIRE(res->status == 201);
  }
}

}  // namespace

TEST_CASE("events reach subscribers once each, across a hot swap", "[events]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess daemon(DaemonOptions{backend, {}, env_or_fail("MEMBERD_FIXTURE_PLUGINS_DIR"), {"swapper"}});
  // The bootstrap admin's member.created was written before the plugin
  // existed: a new subscriber starts from the beginning of the log.
  wait_for_count(daemon, 1);
  create_members(daemon, 0, 5);
  wait_for_count(daemon, 6);
  REQUIRE(daemon.unix_socket()->Post("/api/v1/admin/plugins/swapper/reload")->status == 200);
  create_members(daemon, 5, 8);
  wait_for_count(daemon, 9);
  auto counts = seen(daemon);
  CHECK(counts["count"] == 9);
  CHECK(counts["distinct"] == 9);
}
