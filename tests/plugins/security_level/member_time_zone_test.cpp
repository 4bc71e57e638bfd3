// The member's own time zone reaches the security level page: the profile
// plugin publishes it with an approved profile (profile.published) and
// security_level keeps it for the member's local times.
#include "support/credentials_client.hpp"
#include "support/daemon_process.hpp"

#include <catch2/catch.hpp>

#include <thread>

using namespace memberd::test;
using namespace memberd::test::credentials;
using nlohmann::json;

TEST_CASE("an approved profile's time zone becomes the member's zone for local times", "[security_level][profile]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess daemon(DaemonOptions{backend, {}, "", {"credentials", "profile", "security_level"}});
  auto session = sign_in(daemon, join(daemon, "zone@example.com"));
  auto before = body_of(get(daemon, "/api/v1/me/security", bearer(session.token)));
  REQUIRE(before.contains("time_zone"));
  CHECK(before["time_zone"].is_null());

  auto submitted = put(daemon, "/api/v1/me/profile",
                       {{"fields", {{"company_name", "Zone Co."}, {"contact_name", "Wang Fang"},
                                    {"business_type", "Agent"}, {"country", "CN"}, {"time_zone", "Asia/Shanghai"}}}},
                       bearer(session.token));
  REQUIRE_STATUS(submitted, 202);
  // Pending is not yet the member's zone.
  CHECK(body_of(get(daemon, "/api/v1/me/security", bearer(session.token)))["time_zone"].is_null());
  auto approved = daemon.unix_socket()->Post(
      "/api/v1/admin/reviews/" + body_of(submitted)["revision_id"].get<std::string>() + "/approve", "", "application/json");
  REQUIRE(approved);
  REQUIRE(approved->status == 200);
  json zone;
  for (int i = 0; i < 100 && !zone.is_string(); ++i) {
    zone = body_of(get(daemon, "/api/v1/me/security", bearer(session.token)))["time_zone"];
    if (!zone.is_string()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(zone == "Asia/Shanghai");
}
