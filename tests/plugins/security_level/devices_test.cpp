// "Your devices" as a black box (GET/DELETE /api/v1/me/sessions): the
// member's sessions with their place and this one marked, ending one, ending
// all the others, and what must never work (someone else's session, the
// operator, a cookie without its CSRF token); on both backends, and across
// two daemons on one PostgreSQL.
#include "support/credentials_client.hpp"
#include "support/daemon_process.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

using namespace memberd::test;
using namespace memberd::test::credentials;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

const std::string kGeo = MEMBERD_SOURCE_DIR "/tests/data/geoip/";
const std::string kCityDb = "geo.city_db=" + kGeo + "GeoIP2-City-Test.mmdb";
const std::string kAnonymousDb = "geo.anonymous_db=" + kGeo + "GeoIP2-Anonymous-IP-Test.mmdb";
const std::string kTrustLoopback = "http.trusted_proxies=[127.0.0.1]";
const std::string kChromeOnWindows =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";

DaemonOptions devices_daemon(const std::string& backend, const std::string& database_url = "") {
  DaemonOptions options{backend, {kCityDb, kAnonymousDb, kTrustLoopback, kNoAddressLimit}, "",
                        {"credentials", "security_level"}};
  options.database_url = database_url;
  return options;
}

// A session opened as if from `ip` with `user_agent`, through the trusted proxy on loopback.
Session signed_in_from(const DaemonProcess& d, const Account& a, const std::string& ip,
                       const std::string& user_agent) {
  auto res = post(d, "/api/v1/session", {{"email", a.email}, {"password", a.password}},
                  {{"X-Forwarded-For", ip}, {"User-Agent", user_agent}});
  INFO(describe(res));
  REQUIRE(status_of(res) == 201);
  auto body = body_of(res);
  return Session{body["token"], body["csrf_token"], body["member_id"], cookie_value(res, "memberd_session"),
                 cookie_value(res, "memberd_csrf"), body};
}

json my_sessions(const DaemonProcess& d, const std::string& token) {
  auto res = get(d, "/api/v1/me/sessions", bearer(token));
  INFO(describe(res));
  REQUIRE(status_of(res) == 200);
  auto body = body_of(res);
  return body["items"];
}

// Whether `token` still opens a session on `d`.
bool live(const DaemonProcess& d, const std::string& token) {
  return status_of(get(d, "/api/v1/session", bearer(token))) == 200;
}

}  // namespace

TEST_CASE("a member sees each session with its place and device, this one marked, newest first",
          "[security_level][devices]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess daemon(devices_daemon(backend));
  auto account = join(daemon, "devices@example.com");

  auto proxied = signed_in_from(daemon, account, "1.124.213.1", kChromeOnWindows);
  std::this_thread::sleep_for(1100ms);  // created_at is in whole seconds: a later second orders them
  auto london = signed_in_from(daemon, account, "81.2.69.142", "test-browser/1.0");

  auto items = my_sessions(daemon, proxied.token);
  INFO(items.dump());
  REQUIRE(items.size() == 2);
  const auto& newest = items[0];
  CHECK(newest["user_agent"] == "test-browser/1.0");
  CHECK(newest["ip"] == "81.2.69.142");
  CHECK(newest["location"]["city"] == "London");
  CHECK(newest["current"] == false);
  CHECK(newest["signed_in_with"] == "password");
  CHECK(is_rfc3339(newest["created_at"]));
  CHECK(is_rfc3339(newest["last_seen_at"]));
  CHECK(is_rfc3339(newest["expires_at"]));
  const auto& mine = items[1];
  CHECK(mine["current"] == true);
  CHECK(mine["user_agent"] == kChromeOnWindows);
  CHECK(mine["ip"] == "1.124.213.1");
  CHECK(mine["location"]["label"] == "Anonymous Proxy");  // MaxMind's test data: a VPN and Tor exit
  CHECK(mine["anonymous_proxy"] == true);
  CHECK(mine["whois_url"] == "https://rdap.org/ip/1.124.213.1");
  // Asked from the other session, that one is marked instead.
  auto from_london = my_sessions(daemon, london.token);
  CHECK(from_london[0]["current"] == true);
  CHECK(from_london[1]["current"] == false);

  // Another member's list holds only their own.
  auto other = join(daemon, "other-devices@example.com");
  auto theirs = signed_in_from(daemon, other, "2001:218::7", kChromeOnWindows);
  auto listed = my_sessions(daemon, theirs.token);
  REQUIRE(listed.size() == 1);
  CHECK(listed[0]["location"]["label"] == "Japan");
  for (const auto& item : listed) {
    CHECK(item["id"] != mine["id"]);
    CHECK(item["id"] != newest["id"]);
  }
}

TEST_CASE("ending one session, and every other, works at once and reaches no one else's",
          "[security_level][devices]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess daemon(devices_daemon(backend));
  auto account = join(daemon, "ending@example.com");
  auto here = signed_in_from(daemon, account, "81.2.69.142", kChromeOnWindows);
  auto laptop = signed_in_from(daemon, account, "2001:218::7", "laptop/1.0");
  auto phone = signed_in_from(daemon, account, "2001:218::7", "phone/1.0");
  auto other = join(daemon, "bystander@example.com");
  auto bystander = signed_in_from(daemon, other, "81.2.69.142", kChromeOnWindows);
  for (const auto* s : {&here, &laptop, &phone, &bystander}) REQUIRE(live(daemon, s->token));

  auto id_of = [&](const std::string& token) {
    for (const auto& item : my_sessions(daemon, token))
      if (item["current"] == true) return item["id"].get<std::string>();
    FAIL("no current session in the list");
    return std::string();
  };
  std::string laptop_id = id_of(laptop.token), bystander_id = id_of(bystander.token);

  SECTION("someone else's session is not found, and goes on") {
    auto res = del(daemon, "/api/v1/me/sessions/" + bystander_id, bearer(here.token));
    CHECK(status_of(res) == 404);
    CHECK(problem_type(res).find("not_found") != std::string::npos);
    CHECK(live(daemon, bystander.token));
    // An id nobody has gets the same answer.
    CHECK(status_of(del(daemon, "/api/v1/me/sessions/no-such-session", bearer(here.token))) == 404);
  }
  SECTION("one session: its next request is refused at once, the others go on") {
    auto res = del(daemon, "/api/v1/me/sessions/" + laptop_id, bearer(here.token));
    INFO(describe(res));
    REQUIRE(status_of(res) == 204);
    CHECK_FALSE(live(daemon, laptop.token));
    CHECK(live(daemon, here.token));
    CHECK(live(daemon, phone.token));
    CHECK(live(daemon, bystander.token));
    for (const auto& item : my_sessions(daemon, here.token)) CHECK(item["id"] != laptop_id);
    // Twice is not found: it has ended.
    CHECK(status_of(del(daemon, "/api/v1/me/sessions/" + laptop_id, bearer(here.token))) == 404);
  }
  SECTION("every other session: this one and other members' go on") {
    auto res = del(daemon, "/api/v1/me/sessions", bearer(here.token));
    INFO(describe(res));
    REQUIRE(status_of(res) == 200);
    CHECK(body_of(res)["ended"] == 2);
    CHECK_FALSE(live(daemon, laptop.token));
    CHECK_FALSE(live(daemon, phone.token));
    CHECK(live(daemon, here.token));
    CHECK(live(daemon, bystander.token));
    auto left = my_sessions(daemon, here.token);
    REQUIRE(left.size() == 1);
    CHECK(left[0]["current"] == true);
    // Nothing else to end.
    CHECK(body_of(del(daemon, "/api/v1/me/sessions", bearer(here.token)))["ended"] == 0);
  }
}

TEST_CASE("Your devices refuses the signed-out, the operator and a cookie without its CSRF token",
          "[security_level][devices]") {
  DaemonProcess daemon(devices_daemon("sqlite"));
  auto account = join(daemon, "refusals@example.com");
  auto here = signed_in_from(daemon, account, "81.2.69.142", kChromeOnWindows);
  auto laptop = signed_in_from(daemon, account, "2001:218::7", "laptop/1.0");

  CHECK(status_of(get(daemon, "/api/v1/me/sessions")) == 401);
  CHECK(status_of(del(daemon, "/api/v1/me/sessions")) == 401);
  auto as_operator = daemon.unix_socket()->Get("/api/v1/me/sessions");
  REQUIRE(as_operator);
  CHECK(as_operator->status == 403);
  auto operator_delete = daemon.unix_socket()->Delete("/api/v1/me/sessions");
  REQUIRE(operator_delete);
  CHECK(operator_delete->status == 403);

  // A browser's cookie alone (what a forged cross-site request carries) ends nothing.
  httplib::Headers cookie_only{{"Cookie", "memberd_session=" + here.session_cookie}};
  auto forged = del(daemon, "/api/v1/me/sessions", cookie_only);
  CHECK(status_of(forged) == 403);
  CHECK(problem_type(forged).find("csrf") != std::string::npos);
  CHECK(live(daemon, laptop.token));
  // With the CSRF token it does.
  httplib::Headers with_csrf{{"Cookie", "memberd_session=" + here.session_cookie + "; memberd_csrf=" +
                                            here.csrf_cookie},
                             {"X-CSRF-Token", here.csrf_cookie}};
  CHECK(status_of(del(daemon, "/api/v1/me/sessions", with_csrf)) == 200);
  CHECK_FALSE(live(daemon, laptop.token));
}

TEST_CASE("a session ended from Your devices is refused at once by another daemon on the same PostgreSQL",
          "[security_level][devices][cluster][postgresql]") {
  ScratchPostgres database;
  auto options = devices_daemon("postgresql", database.url());
  // Each daemon keeps checked sessions in memory for a minute: the end must
  // travel by the change feed, not by the cache running out.
  options.sets.push_back("sessions.cache_ttl=60s");
  DaemonProcess a(options), b(options);
  auto account = join(a, "cluster-devices@example.com");
  auto here = signed_in_from(a, account, "81.2.69.142", kChromeOnWindows);
  auto elsewhere = signed_in_from(b, account, "2001:218::7", "laptop/1.0");
  for (int i = 0; i < 3; ++i) REQUIRE(live(b, elsewhere.token));  // b answers it from memory now

  std::string elsewhere_id;
  for (const auto& item : my_sessions(a, here.token))
    if (item["user_agent"] == "laptop/1.0") elsewhere_id = item["id"];
  REQUIRE_FALSE(elsewhere_id.empty());
  REQUIRE(status_of(del(a, "/api/v1/me/sessions/" + elsewhere_id, bearer(here.token))) == 204);
  // The feed's notice reaches b within milliseconds; allow a little for a loaded machine.
  auto until = std::chrono::steady_clock::now() + 2s;
  while (live(b, elsewhere.token) && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(10ms);
  CHECK_FALSE(live(b, elsewhere.token));
  CHECK(live(b, here.token));
}

TEST_CASE("a session that idled out is not ended again: it is not found", "[security_level][devices]") {
  auto options = devices_daemon("sqlite");
  options.sets.push_back("sessions.idle_timeout=4s");
  options.sets.push_back("sessions.cache_ttl=0s");
  DaemonProcess daemon(options);
  auto account = join(daemon, "idle-devices@example.com");
  auto here = signed_in_from(daemon, account, "81.2.69.142", kChromeOnWindows);
  auto idle = signed_in_from(daemon, account, "2001:218::7", "laptop/1.0");
  std::string idle_id;
  for (const auto& item : my_sessions(daemon, here.token))
    if (item["user_agent"] == "laptop/1.0") idle_id = item["id"];
  REQUIRE_FALSE(idle_id.empty());
  // This one stays in use (touched every second at this timeout); the other idles past 4 s.
  for (int i = 0; i < 11; ++i) {
    REQUIRE(live(daemon, here.token));
    std::this_thread::sleep_for(500ms);
  }
  // No sweep has removed its row yet, but it is over: not listed, and not ended twice.
  for (const auto& item : my_sessions(daemon, here.token)) CHECK(item["id"] != idle_id);
  CHECK(status_of(del(daemon, "/api/v1/me/sessions/" + idle_id, bearer(here.token))) == 404);
}
