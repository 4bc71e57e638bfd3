// The security_level plugin as a black box: sign-ins recorded from events
// with their place (MaxMind's test databases, tests/data/geoip), the client
// address behind trusted proxies, the last sign-in, the level, the mail
// about a new location, the admin's filters and CSV; on both backends.
#include "support/credentials_client.hpp"
#include "support/daemon_process.hpp"
#include "support/plugins_dir.hpp"

#include <catch2/catch.hpp>
#include <soci/soci.h>

#include <atomic>
#include <filesystem>
#include <thread>

using namespace memberd::test;
using namespace memberd::test::credentials;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const std::string kGeo = MEMBERD_SOURCE_DIR "/tests/data/geoip/";
const std::string kCityDb = "geo.city_db=" + kGeo + "GeoIP2-City-Test.mmdb";
const std::string kAnonymousDb = "geo.anonymous_db=" + kGeo + "GeoIP2-Anonymous-IP-Test.mmdb";
const std::string kTrustLoopback = "http.trusted_proxies=[127.0.0.1]";

DaemonOptions with_plugin(const std::string& backend, std::vector<std::string> sets) {
  sets.push_back(kNoAddressLimit);
  return DaemonOptions{backend, sets, "", {"credentials", "security_level"}};
}

// A sign-in as if from `ip`, through the trusted proxy on loopback.
httplib::Result sign_in_from(const DaemonProcess& d, const Account& a, const std::string& ip,
                             const std::string& password, const std::string& user_agent = "test-browser/1.0") {
  return post(d, "/api/v1/session", {{"email", a.email}, {"password", password}},
              {{"X-Forwarded-For", ip}, {"User-Agent", user_agent}});
}

Session signed_in_from(const DaemonProcess& d, const Account& a, const std::string& ip,
                       const std::string& user_agent = "test-browser/1.0") {
  auto res = sign_in_from(d, a, ip, a.password, user_agent);
  INFO(describe(res));
  REQUIRE(status_of(res) == 201);
  auto body = body_of(res);
  return Session{body["token"], body["csrf_token"], body["member_id"], "", "", body};
}

// The member's records once `count` are there (recording follows the event a moment later).
json my_sign_ins(const DaemonProcess& d, const std::string& token, std::size_t count) {
  json items;
  for (int i = 0; i < 100; ++i) {
    auto res = get(d, "/api/v1/me/sign-ins", bearer(token));
    REQUIRE(status_of(res) == 200);
    items = body_of(res)["items"];
    if (items.size() >= count) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  INFO(items.dump());
  REQUIRE(items.size() == count);
  return items;
}

json admin_sign_ins(const DaemonProcess& d, const std::string& query) {
  auto res = d.unix_socket()->Get("/api/v1/admin/sign-ins" + query);
  REQUIRE(res);
  INFO(res->body);
  REQUIRE(res->status == 200);
  return json::parse(res->body);
}

}  // namespace

TEST_CASE("sign-ins are recorded with the address behind a trusted proxy and its place", "[security_level][geo]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess daemon(with_plugin(backend, {kCityDb, kAnonymousDb, kTrustLoopback}));
  auto account = join(daemon, "rec@example.com");

  auto vpn = signed_in_from(daemon, account, "1.124.213.1");
  auto items = my_sign_ins(daemon, vpn.token, 1);
  CHECK(items[0]["ip"] == "1.124.213.1");
  CHECK(items[0]["outcome"] == "success");
  CHECK(items[0]["location"]["label"] == "Anonymous Proxy");
  CHECK(items[0]["anonymous_proxy"] == true);
  CHECK(items[0]["anonymous"]["vpn"] == true);
  CHECK(items[0]["anonymous"]["tor"] == true);
  CHECK(items[0]["anonymous"]["public_proxy"] == false);
  CHECK(items[0]["user_agent"] == "test-browser/1.0");
  CHECK(items[0]["whois_url"] == "https://rdap.org/ip/1.124.213.1");
  CHECK(items[0]["new_location"] == false);  // the first sign-in is never new
  CHECK(is_rfc3339(items[0]["at"]));

  // IPv6, known by country only.
  signed_in_from(daemon, account, "2001:218::7");
  // A wrong password is recorded as a failure.
  CHECK(status_of(sign_in_from(daemon, account, "2001:218::7", kWrongPassword)) == 401);
  // An address a proxy chain ends in: the right-most untrusted entry counts.
  signed_in_from(daemon, account, "203.0.113.9, 81.2.69.142");
  // Garbage in the header: the sign-in works and the peer is recorded.
  signed_in_from(daemon, account, "not-an-address");
  items = my_sign_ins(daemon, vpn.token, 5);
  CHECK(items[4]["ip"] == "1.124.213.1");
  CHECK(items[3]["ip"] == "2001:218::7");
  CHECK(items[3]["location"]["label"] == "Japan");
  CHECK(items[3]["location"]["country_code"] == "JP");
  CHECK(items[3]["location"]["time_zone"] == "Asia/Tokyo");
  CHECK(items[3]["location"]["city"].is_null());
  CHECK(items[2]["outcome"] == "failure");
  CHECK(items[1]["ip"] == "81.2.69.142");
  CHECK(items[1]["location"]["city"] == "London");
  CHECK(items[0]["ip"] == "127.0.0.1");
  CHECK(items[0]["location"]["label"] == "Unknown");

  // Without trust, a client's X-Forwarded-For is not believed.
  DaemonProcess untrusting(with_plugin(backend, {kCityDb, kAnonymousDb}));
  auto other = join(untrusting, "forged@example.com");
  auto forged = signed_in_from(untrusting, other, "81.2.69.142");
  auto recorded = my_sign_ins(untrusting, forged.token, 1);
  CHECK(recorded[0]["ip"] == "127.0.0.1");
  CHECK(recorded[0]["location"]["label"] == "Unknown");
}

TEST_CASE("without databases every place is Unknown, and the City database alone names London", "[security_level][geo]") {
  DaemonProcess bare(with_plugin("sqlite", {kTrustLoopback}));
  auto a = join(bare, "bare@example.com");
  auto s = signed_in_from(bare, a, "81.2.69.142");
  CHECK(my_sign_ins(bare, s.token, 1)[0]["location"]["label"] == "Unknown");

  DaemonProcess city(with_plugin("sqlite", {kCityDb, kTrustLoopback}));
  auto b = join(city, "city@example.com");
  auto t = signed_in_from(city, b, "81.2.69.142");
  auto item = my_sign_ins(city, t.token, 1)[0];
  CHECK(item["location"]["label"] == "London, United Kingdom");
  CHECK(item["location"]["time_zone"] == "Europe/London");
  CHECK(item["anonymous_proxy"] == false);
}

TEST_CASE("a sign-in from a new country mails the member but the first sign-in and a known country do not",
          "[security_level][mail]") {
  DaemonProcess daemon(with_plugin("sqlite", {kCityDb, kTrustLoopback}));
  auto account = join(daemon, "travel@example.com");
  auto before = mail_files(daemon);
  auto first = signed_in_from(daemon, account, "81.2.69.142");
  signed_in_from(daemon, account, "81.2.69.143");
  auto items = my_sign_ins(daemon, first.token, 2);
  CHECK(items[0]["new_location"] == false);
  CHECK(items[1]["new_location"] == false);

  // The device name is the client's own text: in the HTML part it must be text, not markup.
  signed_in_from(daemon, account, "2001:218::1", "<img src=x onerror=alert(1)> Evil/1.0");
  items = my_sign_ins(daemon, first.token, 3);
  CHECK(items[0]["new_location"] == true);
  auto mail = wait_for_mail(daemon, "travel@example.com", "New sign-in", before);
  CHECK(mail.find("Device: <img src=x onerror=alert(1)> Evil/1.0") != std::string::npos);  // the text part
  CHECK(mail.find("<td>&lt;img src=x onerror=alert(1)&gt; Evil/1.0</td>") != std::string::npos);
  CHECK(mail.find("<td><img") == std::string::npos);
  CHECK(mail.find("IP address: 2001:218::1") != std::string::npos);
  CHECK(mail.find("Location: Japan") != std::string::npos);
  CHECK(mail.find(" GMT") != std::string::npos);
  CHECK(mail.find("Asia/Tokyo, GMT+9") != std::string::npos);
  CHECK(mail.find("https://rdap.org/ip/2001:218::1") != std::string::npos);
  CHECK(mail.find("change your password immediately") != std::string::npos);

  // Japan is known now: no second mail.
  auto after_first = mail_files(daemon);
  signed_in_from(daemon, account, "2001:218::2");
  items = my_sign_ins(daemon, first.token, 4);
  CHECK(items[0]["new_location"] == false);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  for (const auto& m : mails_to(daemon, "travel@example.com", after_first))
    CHECK(m.find("New sign-in") == std::string::npos);
}

TEST_CASE("the security level: checks with advice, this sign-in and the one before", "[security_level]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess daemon(with_plugin(backend, {kCityDb, kAnonymousDb, kTrustLoopback}));
  auto account = join(daemon, "level@example.com");
  auto earlier = signed_in_from(daemon, account, "2001:218::1");
  auto now = signed_in_from(daemon, account, "2001:218::2");
  my_sign_ins(daemon, now.token, 2);

  auto security = [&](const std::string& token) {
    auto res = get(daemon, "/api/v1/me/security", bearer(token));
    INFO(describe(res));
    REQUIRE(status_of(res) == 200);
    return body_of(res);
  };
  auto check_of = [](const json& body, const std::string& id) {
    for (const auto& c : body["checks"])
      if (c["id"] == id) return c;
    FAIL("no check " << id << " in " << body.dump());
    return json();
  };
  auto s = security(now.token);
  CHECK(s["current_sign_in"]["ip"] == "2001:218::2");
  CHECK(s["last_sign_in"]["ip"] == "2001:218::1");
  // From the older session, its own sign-in is current.
  CHECK(security(earlier.token)["current_sign_in"]["ip"] == "2001:218::1");
  CHECK(security(earlier.token)["last_sign_in"].is_null());
  CHECK(check_of(s, "security_question")["ok"] == false);
  CHECK(check_of(s, "security_question")["advice"].get<std::string>().find("security question") != std::string::npos);
  CHECK(check_of(s, "email_confirmed")["ok"] == false);
  CHECK(check_of(s, "password_age")["ok"] == true);
  CHECK(check_of(s, "password_age")["advice"].is_null());
  CHECK(check_of(s, "no_anonymous_sign_in")["ok"] == true);
  CHECK(s["level"] == "low");  // two checks fail

  // The link in the welcome mail confirms the address (email.confirmed).
  confirm_email(daemon, account.email);
  for (int i = 0; i < 50 && check_of(security(now.token), "email_confirmed")["ok"] != true; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  s = security(now.token);
  CHECK(check_of(s, "email_confirmed")["ok"] == true);
  CHECK(s["level"] == "medium");  // no security question yet

  set_question(daemon, now.token, kQuestion, kAnswer, account.password);
  for (int i = 0; i < 50 && check_of(security(now.token), "security_question")["ok"] != true; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  s = security(now.token);
  CHECK(check_of(s, "security_question")["ok"] == true);
  CHECK(s["level"] == "high");

  // An admin removes it for its owner (who lost the answer): the page no
  // longer credits it (security_question.cleared), and then it is set again.
  REQUIRE(status_of(del(daemon, "/api/v1/admin/members/" + account.member_id + "/security-question",
                        json{{"reason", "The owner lost the answer"}}, admin(daemon))) == 204);
  for (int i = 0; i < 50 && check_of(security(now.token), "security_question")["ok"] != false; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  s = security(now.token);
  CHECK(check_of(s, "security_question")["ok"] == false);
  CHECK(s["level"] == "medium");
  set_question(daemon, now.token, kQuestion, kAnswer, account.password);
  for (int i = 0; i < 50 && check_of(security(now.token), "security_question")["ok"] != true; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(security(now.token)["level"] == "high");

  // A sign-in through an anonymous proxy is a warning: low.
  auto proxied = signed_in_from(daemon, account, "1.124.213.1");
  my_sign_ins(daemon, proxied.token, 3);
  s = security(proxied.token);
  CHECK(check_of(s, "no_anonymous_sign_in")["ok"] == false);
  CHECK(check_of(s, "no_anonymous_sign_in")["advice"].get<std::string>().find("change your password") !=
        std::string::npos);
  CHECK(s["level"] == "low");

  // Failed attempts beyond those allowed lower it too.
  for (int i = 0; i < 3; ++i) sign_in_from(daemon, account, "2001:218::9", kWrongPassword);
  my_sign_ins(daemon, proxied.token, 6);
  CHECK(check_of(security(proxied.token), "few_failed_attempts")["ok"] == false);

  // Members only; the operator has no sign-ins of its own.
  CHECK(status_of(get(daemon, "/api/v1/me/security")) == 401);
  CHECK(daemon.unix_socket()->Get("/api/v1/me/security")->status == 403);
}

TEST_CASE("a wrong password or answer inside a session or with a reset link is recorded as such, not as a failed sign-in",
          "[security_level][credentials]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess daemon(with_plugin(backend, {}));
  auto member = joined_and_stepped_up(daemon, "honest@example.com");
  std::string token = member.session.token;
  // Inside the session: the current password mistyped, then the answer.
  CHECK(status_of(step_up_raw(daemon, token, kWrongPassword, kAnswer)) == 403);
  CHECK(status_of(step_up_raw(daemon, token, member.account.password, "not my answer")) == 403);
  // With a reset link: a wrong answer.
  std::string link = reset_token(daemon, member.account.email, member.account.email);
  CHECK(status_of(complete_reset(daemon, link, "not my answer", "a new passphrase of mine 4", "a new passphrase of mine 4")) ==
        403);

  auto items = my_sign_ins(daemon, token, 4);  // the sign-in and three failures, newest first
  CHECK(items[0]["kind"] == "mailed_link");
  CHECK(items[0]["what"] == "reset_answer");
  CHECK(items[1]["kind"] == "in_session");
  CHECK(items[1]["what"] == "answer");
  CHECK(items[2]["kind"] == "in_session");
  CHECK(items[2]["what"] == "password");
  CHECK(items[3]["outcome"] == "success");
  CHECK(items[3]["kind"].is_null());
  auto few_failures = [&] {
    auto res = get(daemon, "/api/v1/me/security", bearer(token));
    INFO(describe(res));
    REQUIRE(status_of(res) == 200);
    auto body = body_of(res);  // kept: a range over a temporary's member would dangle
    for (const auto& c : body["checks"])
      if (c["id"] == "few_failed_attempts") return c["ok"].get<bool>();
    FAIL("no few_failed_attempts check");
    return false;
  };
  CHECK(few_failures());  // nobody tried to sign in

  // Wrong passwords at the sign-in are what they say.
  for (int i = 0; i < 3; ++i) sign_in_raw(daemon, member.account.email, kWrongPassword);
  items = my_sign_ins(daemon, token, 7);
  CHECK(items[0]["kind"] == "sign_in");
  CHECK(items[0]["what"] == "password");
  CHECK_FALSE(few_failures());

  auto in_session = admin_sign_ins(daemon, "?kind=in_session");
  CHECK(in_session["items"].size() == 2);
  CHECK(admin_sign_ins(daemon, "?kind=sign_in&member_id=" + member.session.member_id)["items"].size() == 3);
  CHECK(daemon.unix_socket()->Get("/api/v1/admin/sign-ins?kind=guessing")->status == 422);
  auto csv = daemon.unix_socket()->Get("/api/v1/admin/sign-ins?format=csv&kind=mailed_link");
  REQUIRE(csv);
  CHECK(csv->body.find(",mailed_link,\"reset_answer\"\r\n") != std::string::npos);
}

TEST_CASE("admins filter every member's sign-ins, page through them and export CSV", "[security_level][admin]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess daemon(with_plugin(backend, {kCityDb, kAnonymousDb, kTrustLoopback}));
  auto ann = join(daemon, "ann@example.com");
  auto bob = join(daemon, "bob@example.com");
  auto ann_session = signed_in_from(daemon, ann, "2001:218::1");
  signed_in_from(daemon, ann, "1.124.213.1");
  signed_in_from(daemon, bob, "81.2.69.142");
  sign_in_from(daemon, bob, "81.2.69.150", kWrongPassword, "=HYPERLINK(\"http://evil\")");
  // An email no member has: a failure without a member.
  post(daemon, "/api/v1/session", {{"email", "nobody@example.com"}, {"password", kWrongPassword}},
       {{"X-Forwarded-For", "2001:218::5"}});
  for (int i = 0; i < 100 && admin_sign_ins(daemon, "")["items"].size() < 5; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));

  auto all = admin_sign_ins(daemon, "")["items"];
  REQUIRE(all.size() == 5);
  CHECK(all[0]["member_id"].is_null());
  CHECK(all[0]["email"].is_null());
  CHECK(all[1]["email"] == "bob@example.com");  // the admin sees whose it was

  // The chart's counts per bucket, for the same filters.
  auto summary = admin_sign_ins(daemon, "/summary?bucket=day");
  CHECK(summary["bucket_seconds"] == 86400);
  long long successes = 0, failures = 0;
  for (const auto& b : summary["buckets"]) {
    successes += b["success"].get<long long>();
    failures += b["failure"].get<long long>();
  }
  CHECK(successes == 3);
  CHECK(failures == 2);
  auto bobs = admin_sign_ins(daemon, "/summary?bucket=hour&email=bob@example.com")["buckets"];
  REQUIRE(bobs.size() == 1);
  CHECK(bobs[0]["success"] == 1);
  CHECK(bobs[0]["failure"] == 1);
  CHECK(daemon.unix_socket()->Get("/api/v1/admin/sign-ins/summary?bucket=week")->status == 422);
  CHECK(admin_sign_ins(daemon, "?email=ann@example.com")["items"].size() == 2);
  CHECK(admin_sign_ins(daemon, "?member_id=" + bob.member_id)["items"].size() == 2);
  CHECK(admin_sign_ins(daemon, "?email=nobody-at-all@example.com")["items"].empty());
  CHECK(admin_sign_ins(daemon, "?ip=81.2.69.0/24")["items"].size() == 2);
  CHECK(admin_sign_ins(daemon, "?ip=81.2.69.142")["items"].size() == 1);
  CHECK(admin_sign_ins(daemon, "?ip=2001:218::/32")["items"].size() == 2);
  CHECK(admin_sign_ins(daemon, "?country=jp")["items"].size() == 2);
  CHECK(admin_sign_ins(daemon, "?anonymous=true")["items"].size() == 3);  // the VPN, and London's proxy network
  CHECK(admin_sign_ins(daemon, "?outcome=failure")["items"].size() == 2);
  CHECK(admin_sign_ins(daemon, "?outcome=success&anonymous=false")["items"].size() == 1);
  CHECK(admin_sign_ins(daemon, "?since=2000-01-01T00:00:00Z&until=2000-01-02T00:00:00Z")["items"].empty());
  CHECK(admin_sign_ins(daemon, "?since=2000-01-01T00:00:00Z")["items"].size() == 5);

  // Pages: newest first, each page continuing where the last ended.
  auto first = admin_sign_ins(daemon, "?limit=2");
  REQUIRE(first["items"].size() == 2);
  REQUIRE(first["next_cursor"].is_string());
  auto second = admin_sign_ins(daemon, "?limit=2&cursor=" + first["next_cursor"].get<std::string>());
  auto third = admin_sign_ins(daemon, "?limit=2&cursor=" + second["next_cursor"].get<std::string>());
  CHECK(second["items"][0]["id"] == all[2]["id"]);
  CHECK(third["items"].size() == 1);
  CHECK(third["next_cursor"].is_null());

  // CSV of the filtered set; a formula in a cell is defused.
  auto csv = daemon.unix_socket()->Get("/api/v1/admin/sign-ins?format=csv&email=bob@example.com");
  REQUIRE(csv);
  CHECK(csv->status == 200);
  CHECK(csv->get_header_value("Content-Type").rfind("text/csv", 0) == 0);
  CHECK(csv->get_header_value("Content-Disposition").find("sign-ins.csv") != std::string::npos);
  CHECK(csv->body.rfind("at,member_id,ip,outcome,", 0) == 0);
  CHECK(std::count(csv->body.begin(), csv->body.end(), '\n') == 3);
  CHECK(csv->body.find("\"'=HYPERLINK(\"\"http://evil\"\")\"") != std::string::npos);
  CHECK(csv->body.find("London") != std::string::npos);

  // Bad parameters: 422 naming each, nothing listed.
  auto bad = daemon.unix_socket()->Get(
      "/api/v1/admin/sign-ins?ip=999.1.1.1&country=GBR&anonymous=maybe&outcome=won&since=yesterday&limit=0"
      "&cursor=abc&format=xml");
  REQUIRE(bad);
  CHECK(bad->status == 422);
  auto problem = json::parse(bad->body);
  for (const char* field : {"ip", "country", "anonymous", "outcome", "since", "limit", "cursor", "format"}) {
    INFO(field);
    CHECK(has_field_error(problem, field));
  }
  CHECK(status_of(get(daemon, "/api/v1/me/sign-ins?limit=9999", bearer(ann_session.token))) == 422);
  // Admins only.
  CHECK(status_of(get(daemon, "/api/v1/admin/sign-ins", bearer(ann_session.token))) == 403);
  CHECK(status_of(get(daemon, "/api/v1/admin/sign-ins")) == 401);
}

TEST_CASE("a hot swap of the plugin while members sign in loses no record", "[security_level][hot_swap]") {
  PluginsDir dir({{"credentials", "credentials"}, {"security_level", "security_level"}});
  DaemonProcess daemon(DaemonOptions{"sqlite", {kNoAddressLimit}, dir.path(), {"credentials", "security_level"}});
  auto account = join(daemon, "swap@example.com");
  std::atomic<bool> stop{false};
  std::atomic<int> signed_in{0};
  std::thread member([&] {
    while (!stop) {
      if (status_of(sign_in_raw(daemon, account.email, account.password)) == 201) ++signed_in;
    }
  });
  auto socket = daemon.unix_socket();
  for (int i = 0; i < 5; ++i) {
    dir.install("security_level", "security_level");
    auto res = socket->Post("/api/v1/admin/plugins/security_level/reload");
    REQUIRE(res);
    CHECK(res->status == 200);
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
  }
  stop = true;
  member.join();
  REQUIRE(signed_in > 0);
  json page;
  for (int i = 0; i < 100; ++i) {
    page = admin_sign_ins(daemon, "?limit=500&email=swap@example.com");
    if (static_cast<int>(page["items"].size()) == signed_in.load()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(static_cast<int>(page["items"].size()) == signed_in.load());
}

TEST_CASE("a broken database file keeps the daemon from starting, naming the file", "[security_level][geo]") {
  for (const char* broken : {"GeoIP2-City-Test-Broken-Double-Format.mmdb", "GeoIP2-City-Test-Invalid-Node-Count.mmdb"}) {
    INFO(broken);
    auto options = with_plugin("sqlite", {"geo.city_db=" + kGeo + broken});
    options.expect_start = false;
    DaemonProcess daemon(options);
    CHECK(daemon.wait_exit(std::chrono::seconds(20)) != 0);
    CHECK(daemon.output().find(std::string("geo.city_db: ") + kGeo + broken) != std::string::npos);
  }
}

TEST_CASE("a database file replaced while the daemon runs is used for the next sign-in", "[security_level][geo]") {
  auto dir = fs::temp_directory_path() / ("memberd-geo-swap-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  auto place = [&](const std::string& source) {
    fs::copy_file(kGeo + source, dir / "next.mmdb", fs::copy_options::overwrite_existing);
    fs::rename(dir / "next.mmdb", dir / "city.mmdb");
  };
  place("GeoIP2-Country-Test.mmdb");
  {
    DaemonProcess daemon(with_plugin("sqlite", {"geo.city_db=" + (dir / "city.mmdb").string(), "geo.check_interval=1s",
                                                kTrustLoopback}));
    auto account = join(daemon, "swapdb@example.com");
    auto s = signed_in_from(daemon, account, "81.2.69.142");
    CHECK(my_sign_ins(daemon, s.token, 1)[0]["location"]["label"] == "United Kingdom");

    place("GeoIP2-City-Test-Broken-Double-Format.mmdb");  // refused: the Country file keeps serving
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    signed_in_from(daemon, account, "81.2.69.142");
    CHECK(my_sign_ins(daemon, s.token, 2)[0]["location"]["label"] == "United Kingdom");
    CHECK(daemon.output().find("replacement database refused") != std::string::npos);

    place("GeoIP2-City-Test.mmdb");
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    signed_in_from(daemon, account, "81.2.69.142");
    CHECK(my_sign_ins(daemon, s.token, 3)[0]["location"]["label"] == "London, United Kingdom");
  }
  fs::remove_all(dir);
}

TEST_CASE("signing in tells of the sign-in before, with the place it was from", "[security_level][credentials]") {
  DaemonProcess daemon(with_plugin("sqlite", {kCityDb, kAnonymousDb, kTrustLoopback}));
  auto account = join(daemon, "before@example.com");
  CHECK(body_of(sign_in_from(daemon, account, "1.124.213.1", account.password))["last_sign_in"].is_null());
  auto second = body_of(sign_in_from(daemon, account, "2001:218::1", account.password, "second-browser"));
  CHECK(second["last_sign_in"]["ip"] == "1.124.213.1");
  CHECK(second["last_sign_in"]["location"]["label"] == "Anonymous Proxy");
  CHECK(second["last_sign_in"]["anonymous_proxy"] == true);
  CHECK(second["last_sign_in"]["user_agent"] == "test-browser/1.0");
  auto third = body_of(sign_in_from(daemon, account, "81.2.69.142", account.password));
  CHECK(third["last_sign_in"]["ip"] == "2001:218::1");
  CHECK(third["last_sign_in"]["location"]["label"] == "Japan");
  CHECK(third["last_sign_in"]["user_agent"] == "second-browser");
  // A failed attempt is not a sign-in: the last one stays.
  sign_in_from(daemon, account, "2001:218::9", kWrongPassword);
  auto fourth = body_of(sign_in_from(daemon, account, "81.2.69.142", account.password));
  CHECK(fourth["last_sign_in"]["ip"] == "81.2.69.142");
}

TEST_CASE("records older than keep_records_for are deleted in batches, newer ones stay", "[security_level][retention]") {
  auto dir = fs::temp_directory_path() / ("memberd-sl-retention-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::string url = "sqlite:" + (dir / "memberd.db").string();
  {
    auto options = with_plugin("sqlite", {"security_level.keep_records_for=30d"});
    options.database_url = url;
    DaemonProcess daemon(options);
    // 2,500 records from a year ago, more than one batch (1,000) holds.
    {
      auto sql = open_database(url);
      long long year_ago = std::chrono::duration_cast<std::chrono::seconds>(
                               (std::chrono::system_clock::now() - std::chrono::hours(24 * 365)).time_since_epoch())
                               .count();
      soci::transaction tx(*sql);
      for (long long i = 0; i < 2500; ++i) {
        long long event_id = 900000000 + i;
        *sql << "INSERT INTO security_level_sign_ins (event_id, member_id, at, ip, ip_key, outcome, label)"
                " VALUES (:e, NULL, :at, '192.0.2.1', '', 'failure', 'Unknown')",
            soci::use(event_id), soci::use(year_ago);
      }
      tx.commit();
    }
    auto account = join(daemon, "keep@example.com");
    auto session = signed_in_from(daemon, account, "127.0.0.1");
    my_sign_ins(daemon, session.token, 1);
    // The sweep runs a few seconds after the plugin starts.
    long long old = -1;
    for (int i = 0; i < 150 && old != 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      *open_database(url) << "SELECT COUNT(*) FROM security_level_sign_ins WHERE event_id >= 900000000",
          soci::into(old);
    }
    CHECK(old == 0);
    CHECK(my_sign_ins(daemon, session.token, 1).size() == 1);  // this month's stays
    CHECK(daemon.output().find("old sign-in records deleted") != std::string::npos);
    CHECK(daemon.output().find("count=2500") != std::string::npos);
  }
  fs::remove_all(dir);
}

// Issue 27: spreadsheets in CJK locales read the fullwidth = + - @ as the
// ASCII ones.
TEST_CASE("the CSV defuses fullwidth formula starts",
          "[security_level][admin]") {
  DaemonProcess daemon(with_plugin("sqlite", {kTrustLoopback}));
  auto carol = join(daemon, "carol@example.com");
  const std::vector<std::string> agents = {"\uFF1DHYPERLINK(\"http://evil\")", "\uFF0B1+cmd|' /C calc'!A0",
                                           "\uFF0D1+1", "\uFF20SUM(1+1)", "\uFF21 plain fullwidth A"};
  for (const auto& agent : agents) sign_in_from(daemon, carol, "81.2.69.150", kWrongPassword, agent);
  for (int i = 0; i < 100 && admin_sign_ins(daemon, "?email=carol@example.com")["items"].size() < agents.size(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  auto csv = daemon.unix_socket()->Get("/api/v1/admin/sign-ins?format=csv&email=carol@example.com");
  REQUIRE(csv);
  REQUIRE(csv->status == 200);
  INFO(csv->body);
  // The cell starts with the apostrophe (the first fullwidth character is 3 bytes of UTF-8).
  for (std::size_t i = 0; i + 1 < agents.size(); ++i) {
    INFO(agents[i]);
    CHECK(csv->body.find("\"'" + agents[i].substr(0, 6)) != std::string::npos);
  }
  CHECK(csv->body.find("\"\uFF21 plain fullwidth A\"") != std::string::npos);  // other fullwidth letters stay as they are
}

// Issue 27, L5: a cursor whose number does not fit in 64 bits was a 500
// (std::stoll's out_of_range), and a date that does not exist rolled over
// into another one.
TEST_CASE("a cursor no page wrote and a date that does not exist are 422, never 500", "[security_level][admin]") {
  DaemonProcess daemon(with_plugin("sqlite", {}));
  auto ann = join(daemon, "ann@example.com");
  auto session = sign_in(daemon, ann);
  auto field_refused = [&](const httplib::Result& res, const char* field) {
    INFO(describe(res));
    REQUIRE(status_of(res) == 422);
    CHECK(has_field_error(body_of(res), field));
  };
  for (const char* cursor : {"99999999999999999999.1", "1.99999999999999999999", "1.", ".1", "1.2.3", "-1.2", "1 .2"}) {
    INFO(cursor);
    std::string query = "?cursor=" + std::string(cursor);
    for (auto& c : query)
      if (c == ' ') c = '+';
    field_refused(get(daemon, "/api/v1/me/sign-ins" + query, bearer(session.token)), "cursor");
    field_refused(daemon.unix_socket()->Get("/api/v1/admin/sign-ins" + query), "cursor");
  }
  for (const char* when : {"2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-04-31T12:00:00Z",
                           "2025-02-29T00:00:00Z", "2026-01-01T24:00:00Z", "2026-01-01T23:60:00Z",
                           "2026-+1-01T00:00:00Z", "+026-01-01T00:00:00Z"}) {
    INFO(when);
    std::string encoded = when;
    if (encoded[0] == '+') encoded.replace(0, 1, "%2B");
    field_refused(daemon.unix_socket()->Get(std::string("/api/v1/admin/sign-ins?since=") + encoded), "since");
    field_refused(daemon.unix_socket()->Get(std::string("/api/v1/admin/sign-ins/summary?until=") + encoded), "until");
  }
  // A leap day that exists, and a cursor that fits, are fine.
  CHECK(status_of(daemon.unix_socket()->Get("/api/v1/admin/sign-ins?since=2024-02-29T00:00:00Z")) == 200);
  CHECK(status_of(daemon.unix_socket()->Get("/api/v1/admin/sign-ins?cursor=999999999999999999.1")) == 200);
}
