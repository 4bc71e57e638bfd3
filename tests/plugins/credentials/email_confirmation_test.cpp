// Joining proves nothing about the address until the link in the welcome
// mail is used (issue 27, M4): before that an account can neither set a
// security question nor change its email, and a reset link alone gives a
// never-confirmed account to whoever reads the address's mail — the owner
// reclaims it from a squatter, whose sessions end.
#include "support/credentials_client.hpp"

#include <catch2/catch.hpp>

#include <soci/soci.h>

#include <ctime>

using memberd::test::DaemonProcess;
using namespace memberd::test::credentials;
using nlohmann::json;

namespace {

httplib::Result confirm(const DaemonProcess& d, const std::string& token) {
  return post_empty(d, "/api/v1/email-confirmations/" + token);
}

httplib::Result resend(const DaemonProcess& d, const std::string& token) {
  return post_empty(d, "/api/v1/me/email/confirmation", bearer(token));
}

}  // namespace

TEST_CASE("a squatter cannot set a question, and the owner reclaims the account with the reset link alone",
          "[credentials][confirmation][reset]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess d(options(backend, {kNoAddressLimit}));
  const std::string victim = "victim@example.com";
  // The squatter joins with the victim's address and signs in.
  join(d, victim, kPassword);
  auto squatter = sign_in(d, victim, kPassword);
  CHECK(me(d, squatter.token)["email_confirmed"] == false);

  // No question before the address is confirmed: the owner's reset stays theirs.
  auto refused = set_question_raw(d, squatter.token, kQuestion, kAnswer, kPassword);
  CHECK_PROBLEM(refused, 409, "email_not_confirmed");
  CHECK_THAT(body_of(refused)["detail"].get<std::string>(), Catch::Contains("link"));
  CHECK_PROBLEM(get(d, "/api/v1/me/security-question", bearer(squatter.token)), 404, "not_found");
  // Without a question there is no step-up, so no email or password change either.
  CHECK_PROBLEM(step_up_raw(d, squatter.token, kPassword, kAnswer), 409, "security_question_required");

  // The owner cannot join (the address is taken) but asks for a reset.
  CHECK_PROBLEM(join_raw(d, victim, victim, kNewPassword, kNewPassword), 409, "email_taken");
  auto token = reset_token(d, victim, victim);
  auto shown = get(d, "/api/v1/password-resets/" + token);
  REQUIRE_STATUS(shown, 200);
  CHECK(body_of(shown)["question_required"] == false);
  // The link alone: no answer.
  REQUIRE_STATUS(complete_reset(d, token, "", kNewPassword, kNewPassword), 204);

  // The squatter is out, their password is dead, the owner is in and confirmed.
  CHECK_PROBLEM(me_raw(d, squatter.token), 401, "unauthenticated");
  CHECK_PROBLEM(sign_in_raw(d, victim, kPassword), 401, "bad_credentials");
  auto owner = sign_in(d, victim, kNewPassword);
  CHECK(me(d, owner.token)["email_confirmed"] == true);
  // The reset confirmed the address: the owner may now choose a question,
  // and later resets ask it.
  set_question(d, owner.token, kQuestion, kAnswer, kNewPassword);
  auto again = reset_token(d, victim, victim);
  CHECK(body_of(get(d, "/api/v1/password-resets/" + again))["question_required"] == true);
  CHECK_PROBLEM(complete_reset(d, again, "", kPassword, kPassword), 403, "wrong_answer");
}

TEST_CASE("the welcome mail's link confirms the address, once, and only by POST", "[credentials][confirmation]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess d(options(backend));
  auto account = join(d, "cora@example.com");
  auto welcome = wait_for_mail(d, account.email, "confirm-email?token=");
  CHECK(welcome.find("Subject: Welcome") != std::string::npos);
  auto token = extract_token(welcome, "confirm-email");
  REQUIRE(is_token(token));
  auto session = sign_in(d, account);
  CHECK(me(d, session.token)["email_confirmed"] == false);

  // A mail scanner's GET changes nothing.
  get(d, "/api/v1/email-confirmations/" + token);
  CHECK(me(d, session.token)["email_confirmed"] == false);

  auto done = confirm(d, token);
  REQUIRE_STATUS(done, 200);
  CHECK(body_of(done)["email"] == account.email);
  CHECK(body_of(done)["email_confirmed"] == true);
  CHECK(me(d, session.token)["email_confirmed"] == true);
  // The link works once; a made-up one is unknown.
  CHECK_PROBLEM(confirm(d, token), 410, "gone");
  CHECK_PROBLEM(confirm(d, std::string(43, 'A')), 404, "not_found");
  // Confirmed: the question can be set.
  set_question(d, session.token, kQuestion, kAnswer, account.password);
  CHECK_PROBLEM(resend(d, session.token), 409, "already_confirmed");
}

TEST_CASE("a new confirmation link can be asked for, a few times an hour", "[credentials][confirmation][rate_limit]") {
  DaemonProcess d(options("sqlite"));
  auto account = join(d, "ned@example.com");
  auto session = sign_in(d, account);
  auto welcome = extract_token(wait_for_mail(d, account.email, "confirm-email?token="), "confirm-email");
  CHECK_PROBLEM(resend(d, ""), 401, "unauthenticated");

  std::string latest;
  for (int i = 0; i < 3; ++i) {
    auto before = mail_files(d);
    auto sent = resend(d, session.token);
    REQUIRE_STATUS(sent, 202);
    CHECK(body_of(sent)["email"] == account.email);
    latest = extract_token(wait_for_mail(d, account.email, "confirm-email?token=", before), "confirm-email");
    REQUIRE(is_token(latest));
    CHECK(latest != welcome);
  }
  auto limited = resend(d, session.token);
  CHECK_PROBLEM(limited, 429, "rate_limited");
  CHECK(retry_after(limited) >= 1);
  CHECK_THAT(body_of(limited)["detail"].get<std::string>(), Catch::Contains("links"));
  // The newest link confirms; the older ones die with it.
  REQUIRE_STATUS(confirm(d, latest), 200);
  CHECK_PROBLEM(confirm(d, welcome), 410, "gone");
  CHECK(me(d, session.token)["email_confirmed"] == true);
}

TEST_CASE("an expired confirmation link is refused", "[credentials][confirmation][tokens]") {
  KeptState state("sqlite");
  DaemonProcess d(state.options());
  auto account = join(d, "ezra@example.com");
  auto token = extract_token(wait_for_mail(d, account.email, "confirm-email?token="), "confirm-email");
  {
    auto sql = state.open();
    long long past = static_cast<long long>(std::time(nullptr)) - 10;
    *sql << "UPDATE credentials_tokens SET expires_at = :p WHERE kind = 'confirm_email'", soci::use(past);
  }
  CHECK_PROBLEM(confirm(d, token), 410, "gone");
  CHECK(me(d, sign_in(d, account).token)["email_confirmed"] == false);
}

TEST_CASE("members who joined before confirmation existed count as confirmed", "[credentials][confirmation]") {
  KeptState state("sqlite");
  std::string member_id;
  {
    DaemonProcess d(state.options());
    member_id = join(d, "olga@example.com").member_id;
  }
  // As the migration leaves them: no pending confirmation.
  *state.open() << "DELETE FROM credentials_unconfirmed_emails";
  DaemonProcess d(state.options());
  auto session = sign_in(d, "olga@example.com", kPassword);
  CHECK(me(d, session.token)["email_confirmed"] == true);
  set_question(d, session.token, kQuestion, kAnswer, kPassword);
}
