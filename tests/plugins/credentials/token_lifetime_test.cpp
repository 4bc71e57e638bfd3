// Mailed links live no longer than the state they were issued for: a reset,
// a password change or an email change ends every other outstanding link of
// the member; reset mail is throttled per account and per network; an email
// change signs out the member's other sessions (OWASP forgot-password and
// session-management cheat sheets; ASVS 5.0 V6.4, V7.4).
#include "support/credentials_client.hpp"

#include <catch2/catch.hpp>

#include <thread>

using memberd::test::DaemonProcess;
using namespace memberd::test::credentials;

namespace {

const std::string kThirdPassword = "amber meadow compass 7716";

// Requests a reset for `email` and returns the token of the mail it causes.
std::string mailed_reset(const DaemonProcess& d, const std::string& email) {
  auto before = mail_files(d);
  REQUIRE(status_of(post(d, "/api/v1/password-resets", {{"email", email}})) == 202);
  return extract_token(wait_for_mail(d, email, "reset-password?token=", before), "reset-password");
}

httplib::Result use_reset(const DaemonProcess& d, const std::string& token, const std::string& password) {
  return post(d, "/api/v1/password-resets/" + token,
              {{"answer", kAnswer}, {"new_password", password}, {"new_password_confirm", password}});
}

}  // namespace

TEST_CASE("a used reset link ends every other one", "[credentials][reset][tokens]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess d(options(backend));
  join(d, "rita@example.com");
  auto first = mailed_reset(d, "rita@example.com");
  auto second = mailed_reset(d, "rita@example.com");
  REQUIRE(first != second);
  CHECK(status_of(use_reset(d, second, kNewPassword)) == 204);
  // The older link can no longer change the password again.
  CHECK_PROBLEM(use_reset(d, first, kThirdPassword), 410, "gone");
  CHECK(status_of(sign_in_raw(d, "rita@example.com", kNewPassword)) == 201);
}

TEST_CASE("a password change ends the reset links mailed before it", "[credentials][reset][tokens]") {
  DaemonProcess d(options("sqlite"));
  auto member = joined_and_stepped_up(d, "sam@example.com");
  auto link = mailed_reset(d, "sam@example.com");
  REQUIRE(status_of(put(d, "/api/v1/me/password", {{"new_password", kNewPassword}, {"new_password_confirm", kNewPassword}},
                        bearer(member.session.token))) == 204);
  CHECK_PROBLEM(use_reset(d, link, kThirdPassword), 410, "gone");
}

TEST_CASE("reset mail is throttled per account without telling", "[credentials][reset][rate_limit]") {
  DaemonProcess d(options("sqlite", {"credentials.resets_per_account_per_hour=2"}));
  join(d, "tara@example.com");
  mailed_reset(d, "tara@example.com");
  mailed_reset(d, "tara@example.com");
  auto before = mail_files(d);
  // The same 202 as ever (an unknown address gets it too) ...
  auto third = post(d, "/api/v1/password-resets", {{"email", "tara@example.com"}});
  CHECK(status_of(third) == 202);
  CHECK(body_of(third) == body_of(post(d, "/api/v1/password-resets", {{"email", "nobody@example.com"}})));
  // ... but no third link.
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  CHECK(mails_to(d, "tara@example.com", before).empty());
}

TEST_CASE("reset requests are limited per client network", "[credentials][reset][rate_limit]") {
  DaemonProcess d(options("sqlite", {"credentials.resets_per_network_per_hour=3"}));
  for (int i = 0; i < 3; ++i)
    CHECK(status_of(post(d, "/api/v1/password-resets", {{"email", "x" + std::to_string(i) + "@example.com"}})) == 202);
  auto limited = post(d, "/api/v1/password-resets", {{"email", "x9@example.com"}});
  CHECK_PROBLEM(limited, 429, "rate_limited");
  CHECK(retry_after(limited) >= 1);
}

TEST_CASE("only the newest email change can be confirmed, and it signs out the other sessions",
          "[credentials][email][tokens]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess d(options(backend));
  auto member = joined_and_stepped_up(d, "uma@example.com");
  auto other_device = sign_in(d, member.account);
  auto ask = [&](const std::string& address) {
    auto before = mail_files(d);
    REQUIRE(status_of(put(d, "/api/v1/me/email", {{"new_email", address}, {"new_email_confirm", address}},
                          bearer(member.session.token))) == 202);
    return extract_token(wait_for_mail(d, address, "verify-email?token=", before), "verify-email");
  };
  auto older = ask("uma.first@example.com");
  auto newer = ask("uma.second@example.com");
  // The older link would flip the address back to one the member moved on from.
  CHECK_PROBLEM(post_empty(d, "/api/v1/email-verifications/" + older), 410, "gone");
  CHECK(status_of(post_empty(d, "/api/v1/email-verifications/" + newer)) == 200);
  CHECK(me(d, member.session.token)["email"] == "uma.second@example.com");
  // The session that asked stays; every other one is signed out.
  CHECK(status_of(me_raw(d, other_device.token)) == 401);
}

TEST_CASE("an immediate email change signs out the other sessions too", "[credentials][email][sessions]") {
  DaemonProcess d(options("sqlite", {"credentials.verify_new_email=false"}));
  auto member = joined_and_stepped_up(d, "vic@example.com");
  auto other_device = sign_in(d, member.account);
  REQUIRE(status_of(put(d, "/api/v1/me/email", {{"new_email", "vic.new@example.com"}, {"new_email_confirm", "vic.new@example.com"}},
                        bearer(member.session.token))) == 200);
  CHECK(status_of(me_raw(d, member.session.token)) == 200);
  CHECK(status_of(me_raw(d, other_device.token)) == 401);
}
