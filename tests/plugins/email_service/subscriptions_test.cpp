// The email_service plugin's subscriptions as a black box, on both backends.
#include "support/credentials_client.hpp"
#include "support/daemon_process.hpp"

#include <catch2/catch.hpp>
#include <soci/soci.h>

#include <filesystem>

using namespace memberd::test;
using namespace memberd::test::credentials;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

DaemonOptions with_plugin(const std::string& backend, std::vector<std::string> sets = {}) {
  return DaemonOptions{backend, sets, "", {"credentials", "email_service"}};
}

json subscriptions(const DaemonProcess& d, const std::string& token) {
  auto res = get(d, "/api/v1/me/email-subscriptions", bearer(token));
  INFO(describe(res));
  REQUIRE(status_of(res) == 200);
  return body_of(res)["categories"];
}

std::map<std::string, bool> choices(const json& categories) {
  std::map<std::string, bool> out;
  for (const auto& c : categories) out[c["id"]] = c["subscribed"];
  return out;
}

}  // namespace

TEST_CASE("a member starts with the default categories and changes one at a time", "[email_service]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess daemon(with_plugin(backend));
  auto account = join(daemon, "mail@example.com");
  auto session = sign_in(daemon, account);

  auto start = subscriptions(daemon, session.token);
  REQUIRE(start.size() == 3);
  CHECK(start[0]["id"] == "trade_alerts");
  CHECK(start[0]["label"] == "Trade Alerts");
  CHECK_FALSE(start[0]["description"].get<std::string>().empty());
  CHECK(start[1]["label"] == "Membership Services");
  CHECK(start[2]["label"] == "Notifications");
  CHECK(choices(start) == std::map<std::string, bool>{{"trade_alerts", true}, {"membership_services", true},
                                                      {"notifications", true}});

  auto off = put(daemon, "/api/v1/me/email-subscriptions", {{"trade_alerts", false}}, bearer(session.token));
  REQUIRE(status_of(off) == 200);
  CHECK(choices(body_of(off)["categories"])["trade_alerts"] == false);
  CHECK(choices(subscriptions(daemon, session.token)) ==
        std::map<std::string, bool>{{"trade_alerts", false}, {"membership_services", true}, {"notifications", true}});
  // Another member is not touched.
  auto other = sign_in(daemon, join(daemon, "other@example.com"));
  CHECK(choices(subscriptions(daemon, other.token))["trade_alerts"] == true);

  // Bad input changes nothing: an unknown category or a value that is not a
  // boolean is a 422 naming the field, and the valid part is not applied.
  auto bad = put(daemon, "/api/v1/me/email-subscriptions", {{"trade_alerts", true}, {"spam", true}, {"notifications", "no"}},
                 bearer(session.token));
  CHECK(status_of(bad) == 422);
  CHECK(has_field_error(body_of(bad), "spam"));
  CHECK(has_field_error(body_of(bad), "notifications"));
  CHECK_FALSE(has_field_error(body_of(bad), "trade_alerts"));
  // A body that is no JSON object the host refuses before the plugin sees it.
  CHECK(status_of(put(daemon, "/api/v1/me/email-subscriptions", json::array({"trade_alerts"}), bearer(session.token))) == 400);
  CHECK(choices(subscriptions(daemon, session.token))["trade_alerts"] == false);

  // Members only.
  CHECK(status_of(get(daemon, "/api/v1/me/email-subscriptions")) == 401);
  CHECK(daemon.unix_socket()->Get("/api/v1/me/email-subscriptions")->status == 403);
}

TEST_CASE("each change is an event naming the member, the change and where it came from", "[email_service][events]") {
  auto dir = fs::temp_directory_path() / ("memberd-es-events-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::string url = "sqlite:" + (dir / "memberd.db").string();
  {
    auto options = with_plugin("sqlite");
    options.database_url = url;
    DaemonProcess daemon(options);
    auto account = join(daemon, "events@example.com");
    auto session = sign_in(daemon, account);
    REQUIRE(status_of(put(daemon, "/api/v1/me/email-subscriptions", {{"notifications", false}}, bearer(session.token))) ==
            200);
    // The same choice again is no change: no second event.
    REQUIRE(status_of(put(daemon, "/api/v1/me/email-subscriptions", {{"notifications", false}}, bearer(session.token))) ==
            200);
    auto sql = open_database(url);
    std::vector<std::string> payloads(10);
    *sql << "SELECT payload FROM events WHERE type = 'email.subscriptions_changed'", soci::into(payloads);
    REQUIRE(payloads.size() == 1);
    auto payload = json::parse(payloads[0]);
    CHECK(payload["member_id"] == account.member_id);
    CHECK(payload["changes"] == json{{"notifications", false}});
    CHECK(payload["by"] == "member");
    CHECK(payload["ip"] == "127.0.0.1");
  }
  fs::remove_all(dir);
}

TEST_CASE("the categories come from the config and a bad list keeps the plugin out", "[email_service][config]") {
  DaemonProcess daemon(with_plugin(
      "sqlite", {"email_service.categories=[{id: deals, label: Deals, description: Weekly deals, default: false}]"}));
  auto session = sign_in(daemon, join(daemon, "config@example.com"));
  auto list = subscriptions(daemon, session.token);
  REQUIRE(list.size() == 1);
  CHECK(list[0]["id"] == "deals");
  CHECK(list[0]["subscribed"] == false);  // its default
  CHECK(status_of(put(daemon, "/api/v1/me/email-subscriptions", {{"trade_alerts", false}}, bearer(session.token))) == 422);

  std::string out;
  for (const char* bad : {"email_service.categories=[]", "email_service.categories=[{id: Bad-Id, label: X}]",
                          "email_service.categories=[{id: a, label: A}, {id: a, label: B}]",
                          "email_service.categories=[{id: a, label: A, colour: red}]"}) {
    INFO(bad);
    CHECK(run_command({env_or_fail("MEMBERD_BINARY"), "--set", "plugins.dir=" + env_or_fail("MEMBERD_PLUGINS_DIR"),
                       "--set", "plugins.enabled=[email_service]", "--set", bad, "--check-config"},
                      out) == 2);
    CHECK(out.find("email_service.categories") != std::string::npos);
  }
}

TEST_CASE("an admin changes a member's choices on their behalf, recorded as the admin's change", "[email_service][admin]") {
  auto dir = fs::temp_directory_path() / ("memberd-es-admin-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::string url = "sqlite:" + (dir / "memberd.db").string();
  {
    auto options = with_plugin("sqlite");
    options.database_url = url;
    DaemonProcess daemon(options);
    auto account = join(daemon, "support@example.com");
    auto session = sign_in(daemon, account);
    auto admin = bearer(daemon.admin_token());
    std::string path = "/api/v1/admin/members/" + account.member_id + "/email-subscriptions";

    auto shown = get(daemon, path, admin);
    REQUIRE(status_of(shown) == 200);
    CHECK(choices(body_of(shown)["categories"])["trade_alerts"] == true);
    auto changed = put(daemon, path, {{"trade_alerts", false}}, admin);
    REQUIRE(status_of(changed) == 200);
    CHECK(choices(subscriptions(daemon, session.token))["trade_alerts"] == false);

    auto sql = open_database(url);
    std::vector<std::string> payloads(10);
    *sql << "SELECT payload FROM events WHERE type = 'email.subscriptions_changed'", soci::into(payloads);
    REQUIRE(payloads.size() == 1);
    auto payload = json::parse(payloads[0]);
    CHECK(payload["by"] == "admin");
    CHECK(payload["admin"].get<std::string>().size() == 36);  // the admin's member id
    CHECK(payload["member_id"] == account.member_id);

    // Failure paths: an unknown member, an unknown category, a member's own token.
    CHECK(status_of(get(daemon, "/api/v1/admin/members/00000000-0000-4000-8000-000000000000/email-subscriptions",
                        admin)) == 404);
    CHECK(status_of(put(daemon, path, {{"spam", true}}, admin)) == 422);
    CHECK(status_of(put(daemon, path, {{"trade_alerts", true}}, bearer(session.token))) == 403);
    CHECK(choices(subscriptions(daemon, session.token))["trade_alerts"] == false);
  }
  fs::remove_all(dir);
}
