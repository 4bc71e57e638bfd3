// The credentials flows on the SDK's units of work: concurrent changes that
// race for one address end in a 409, never a 500; a request takes one
// database connection at most (fewer when the session cache answers).
#include "support/credentials_client.hpp"

#include <catch2/catch.hpp>

#include <regex>
#include <thread>

using namespace memberd::test;
using namespace memberd::test::credentials;

namespace {

// The sum of a counter's series whose labels contain `match`.
double metric_sum(const std::string& metrics, const std::string& name, const std::string& match) {
  double sum = 0;
  std::istringstream lines(metrics);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind(name + "{", 0) != 0 || line.find(match) == std::string::npos) continue;
    sum += std::stod(line.substr(line.rfind(' ') + 1));
  }
  return sum;
}

std::string scrape(const DaemonProcess& d) { return d.unix_socket()->Get("/metrics")->body; }

}  // namespace

TEST_CASE("two members changing to one address at once: one succeeds, one gets 409", "[credentials][email]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess d(options(backend, {"credentials.verify_new_email=false"}));
  // Each round is a fresh address, so the two requests really race for it.
  for (int round = 0; round < 5; ++round) {
    auto a = joined_and_stepped_up(d, "racer.a" + std::to_string(round) + "@example.com");
    auto b = joined_and_stepped_up(d, "racer.b" + std::to_string(round) + "@example.com");
    std::string target = "contested" + std::to_string(round) + "@example.com";
    int statuses[2] = {0, 0};
    std::string bodies[2];
    auto change = [&](int i, const SteppedUp& who) {
      auto res = put(d, "/api/v1/me/email", {{"new_email", target}, {"new_email_confirm", target}},
                     bearer(who.session.token));
      statuses[i] = status_of(res);
      bodies[i] = describe(res);
    };
    std::thread first(change, 0, std::cref(a)), second(change, 1, std::cref(b));
    first.join();
    second.join();
    INFO(bodies[0] << "\n" << bodies[1]);
    std::multiset<int> got{statuses[0], statuses[1]};
    CHECK(got == std::multiset<int>{200, 409});
  }
}

TEST_CASE("two verification links for one address: the second gets 409, never a 500", "[credentials][email]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess d(options(backend));
  auto a = joined_and_stepped_up(d, "verifier.a@example.com");
  auto b = joined_and_stepped_up(d, "verifier.b@example.com");
  std::string target = "wanted@example.com";
  for (const auto* who : {&a, &b})
    REQUIRE(status_of(put(d, "/api/v1/me/email", {{"new_email", target}, {"new_email_confirm", target}},
                          bearer(who->session.token))) == 202);
  std::vector<std::string> tokens;
  for (const auto& eml : mails_to(d, target)) tokens.push_back(extract_token(eml, "verify-email"));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (tokens.size() < 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    tokens.clear();
    for (const auto& eml : mails_to(d, target)) tokens.push_back(extract_token(eml, "verify-email"));
  }
  REQUIRE(tokens.size() == 2);
  int statuses[2] = {0, 0};
  auto verify = [&](int i) { statuses[i] = status_of(post_empty(d, "/api/v1/email-verifications/" + tokens[i])); };
  std::thread first(verify, 0), second(verify, 1);
  first.join();
  second.join();
  CHECK(std::multiset<int>{statuses[0], statuses[1]} == std::multiset<int>{200, 409});
}

TEST_CASE("a request takes one database connection at most", "[credentials][leases]") {
  DaemonProcess d(options("sqlite"));
  auto account = join(d, "leases@example.com");
  auto before = scrape(d);
  auto session = sign_in(d, account);
  auto after_sign_in = scrape(d);
  // A sign-in gives its connection back while Argon2id runs and takes one
  // again for the session: two leases, never two at once.
  double sign_in_leases = metric_sum(after_sign_in, "memberd_db_leases_total", "route=\"/api/v1/session\"") -
                          metric_sum(before, "memberd_db_leases_total", "route=\"/api/v1/session\"");
  CHECK(sign_in_leases <= 2);
  CHECK(sign_in_leases >= 1);

  for (int i = 0; i < 50; ++i) me(d, session.token);
  auto after_me = scrape(d);
  double me_leases = metric_sum(after_me, "memberd_db_leases_total", "route=\"/api/v1/me\"");
  double me_requests = metric_sum(after_me, "memberd_http_requests_total", "route=\"/api/v1/me\"");
  REQUIRE(me_requests == 50);
  // One lease each for the security-question lookup; the session itself
  // comes from the cache (no lease) or shares that one lease.
  CHECK(me_leases <= me_requests);
  CHECK(me_leases >= 1);
}
