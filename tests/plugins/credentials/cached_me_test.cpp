// GET /api/v1/me on a session a daemon checked already reads nothing from
// the database (issue 30: on PostgreSQL every query is a round trip), and
// still shows a change made through another daemon at once: the plugin's
// facts travel on the change feed (SDK 2.12) like the host's sessions.
#include "support/credentials_client.hpp"
#include "support/daemon_process.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <regex>
#include <thread>

using namespace memberd::test;
using namespace memberd::test::credentials;
using namespace std::chrono_literals;

namespace {

// memberd_db_leases_total from the daemon's metrics (asked on its socket).
long long leases(const DaemonProcess& d) {
  auto res = d.unix_socket()->Get("/metrics");
  REQUIRE(res);
  std::smatch match;
  static const std::regex line(R"(\nmemberd_db_leases_total(?:\{[^}]*\})? ([0-9.e+]+))");
  REQUIRE(std::regex_search(res->body, match, line));
  return static_cast<long long>(std::stod(match[1]));
}

}  // namespace

TEST_CASE("a page view on a checked session takes no database connection", "[credentials][me]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess d(options(backend));
  auto account = join_confirmed(d, "ines@example.com");
  std::string token = sign_in(d, account).token;
  REQUIRE(me(d, token)["email_confirmed"] == true);  // read once, then kept

  // What a scrape costs by itself, then the same with 20 page views between.
  long long before = leases(d), scraped = leases(d) - before;
  long long start = leases(d);
  for (int i = 0; i < 20; ++i) REQUIRE(status_of(me_raw(d, token)) == 200);
  CHECK(leases(d) - start == scraped);

  SECTION("a change on this daemon shows at once") {
    set_question(d, token, kQuestion, kAnswer, kPassword);
    CHECK(me(d, token)["security_question_set"] == true);
  }
}

TEST_CASE("a question set through one daemon shows on every daemon's /me within 100 ms",
          "[credentials][me][cluster][postgresql]") {
  ScratchPostgres database;
  auto on = [&] {
    auto o = options("postgresql", {"sessions.cache_ttl=60s"});
    o.database_url = database.url();
    return o;
  };
  DaemonProcess a(on());
  // Joined and confirmed before the others start: each daemon mails into
  // its own directory, and the welcome mail must be A's.
  auto account = join_confirmed(a, "jonas@example.com");
  std::string token = sign_in(a, account).token;
  DaemonProcess b(on()), c(on());
  for (auto* daemon : {&b, &c})
    for (int i = 0; i < 2; ++i) REQUIRE(me(*daemon, token)["security_question_set"] == false);

  set_question(a, token, kQuestion, kAnswer, kPassword);  // renews the token
  auto start = std::chrono::steady_clock::now();
  bool b_sees = false, c_sees = false;
  while (!(b_sees && c_sees) && std::chrono::steady_clock::now() - start < 2s) {
    b_sees = b_sees || me(b, token)["security_question_set"] == true;
    c_sees = c_sees || me(c, token)["security_question_set"] == true;
  }
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  REQUIRE(b_sees);
  REQUIRE(c_sees);
  CHECK(took.count() < 100);
}
