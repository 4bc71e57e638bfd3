// The credentials plugin: changing the email (verified through a mailed
// link) and the password, both behind a step-up, and the mail that tells.
#include "support/credentials_client.hpp"

#include <catch2/catch.hpp>

#include <ctime>

#include <soci/soci.h>

using memberd::test::DaemonProcess;
using namespace memberd::test::credentials;
using nlohmann::json;

namespace {

httplib::Result change_email(const DaemonProcess& d, const std::string& token, const std::string& new_email,
                             const std::string& confirm) {
  return put(d, "/api/v1/me/email", {{"new_email", new_email}, {"new_email_confirm", confirm}}, bearer(token));
}

httplib::Result change_password(const DaemonProcess& d, const std::string& token, const std::string& new_password,
                                const std::string& confirm) {
  return put(d, "/api/v1/me/password", {{"new_password", new_password}, {"new_password_confirm", confirm}},
             bearer(token));
}

httplib::Result verify_email(const DaemonProcess& d, const std::string& token) {
  return post_empty(d, "/api/v1/email-verifications/" + token);
}

}  // namespace

TEST_CASE("change the email through a verification link", "[credentials][email]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess daemon(options(backend));
  auto m = joined_and_stepped_up(daemon, "quinn@example.com");
  const std::string fresh = "quinn.new@example.com";
  auto before = mail_files(daemon);

  auto pending = change_email(daemon, m.session.token, fresh, fresh);
  REQUIRE_STATUS(pending, 202);
  CHECK(body_of(pending)["pending_email"] == fresh);
  // Nothing changes before the new address proves itself.
  CHECK(me(daemon, m.session.token)["email"] == "quinn@example.com");
  CHECK_STATUS(sign_in_raw(daemon, "quinn@example.com", kPassword), 201);

  std::string eml = wait_for_mail(daemon, fresh, "verify-email?token=", before);
  std::string token = extract_token(eml, "verify-email");
  INFO("verification mail:\n" << eml);
  REQUIRE(is_token(token));
  // link_base defaults to the daemon's public URL + "/account".
  // The link opens the member shell's landing page; the token stays in the
  // fragment, which browsers never send to a server or in a Referer.
  CHECK(eml.find("/account/#/credentials/verify-email?token=" + token) != std::string::npos);

  // The link works without a session (the member may open it anywhere).
  auto verified = verify_email(daemon, token);
  REQUIRE_STATUS(verified, 200);
  CHECK(body_of(verified)["email"] == fresh);

  CHECK(me(daemon, m.session.token)["email"] == fresh);
  CHECK_STATUS(sign_in_raw(daemon, fresh, kPassword), 201);
  CHECK_PROBLEM(sign_in_raw(daemon, "quinn@example.com", kPassword), 401, "bad_credentials");
  // A link works once.
  CHECK_PROBLEM(verify_email(daemon, token), 410, "gone");

  // The old address is told of the change.
  wait_for_mail(daemon, "quinn@example.com", "", before);

  check_log_has_none_of(daemon, {kPassword, kAnswer, token, m.session.token});
}

TEST_CASE("an email change needs a step-up and a valid address, and a taken one moves nothing", "[credentials][email]") {
  DaemonProcess daemon(options());
  auto m = joined_and_stepped_up(daemon, "rex@example.com");
  join(daemon, "sue@example.com");

  // A session that did not step up is refused by the host.
  auto plain = sign_in(daemon, m.account);
  CHECK_PROBLEM(change_email(daemon, plain.token, "rex2@example.com", "rex2@example.com"), 403, "step_up_required");
  CHECK_PROBLEM(change_email(daemon, "", "rex2@example.com", "rex2@example.com"), 401, "unauthenticated");

  CHECK_FIELD_ERROR(change_email(daemon, m.session.token, "not-an-email", "not-an-email"), "new_email");
  CHECK_FIELD_ERROR(change_email(daemon, m.session.token, "rex2@example.com", "rex3@example.com"), "new_email_confirm");
  // A taken address is answered like a free one (email_change_limits_test.cpp), and never moves.
  CHECK_STATUS(change_email(daemon, m.session.token, " SUE@Example.com", "sue@example.com"), 202);
  CHECK_STATUS(change_email(daemon, m.session.token, "admin@memberd.local", "admin@memberd.local"), 202);

  CHECK(me(daemon, m.session.token)["email"] == "rex@example.com");
  CHECK_STATUS(sign_in_raw(daemon, "rex@example.com", kPassword), 201);
  CHECK_STATUS(sign_in_raw(daemon, "sue@example.com", kPassword), 201);
}

TEST_CASE("unknown and expired verification links", "[credentials][email]") {
  // The link is aged in the database rather than by a short lifetime: the
  // welcome mail's confirmation link shares that lifetime, and a loaded
  // machine could let it run out before the member confirms.
  KeptState state("sqlite");
  DaemonProcess daemon(state.options());
  CHECK_PROBLEM(verify_email(daemon, std::string(43, 'A')), 404, "not_found");

  auto m = joined_and_stepped_up(daemon, "tom@example.com");
  auto before = mail_files(daemon);
  REQUIRE_STATUS(change_email(daemon, m.session.token, "tom.new@example.com", "tom.new@example.com"), 202);
  std::string token = extract_token(wait_for_mail(daemon, "tom.new@example.com", "verify-email?token=", before),
                                    "verify-email");
  REQUIRE(is_token(token));
  {
    auto sql = state.open();
    long long past = static_cast<long long>(std::time(nullptr)) - 10;
    *sql << "UPDATE credentials_tokens SET expires_at = :p WHERE kind = 'verify_email'", soci::use(past);
  }

  CHECK_PROBLEM(verify_email(daemon, token), 410, "gone");
  CHECK(me(daemon, m.session.token)["email"] == "tom@example.com");
  CHECK_PROBLEM(sign_in_raw(daemon, "tom.new@example.com", kPassword), 401, "bad_credentials");
}

TEST_CASE("with verify_new_email off the change is immediate", "[credentials][email]") {
  DaemonProcess daemon(options("sqlite", {"credentials.verify_new_email=false"}));
  auto m = joined_and_stepped_up(daemon, "uma@example.com");
  auto before = mail_files(daemon);

  auto changed = change_email(daemon, m.session.token, "uma.new@example.com", "uma.new@example.com");
  REQUIRE_STATUS(changed, 200);
  CHECK(body_of(changed)["email"] == "uma.new@example.com");
  CHECK(me(daemon, m.session.token)["email"] == "uma.new@example.com");
  CHECK_STATUS(sign_in_raw(daemon, "uma.new@example.com", kPassword), 201);
  CHECK_PROBLEM(sign_in_raw(daemon, "uma@example.com", kPassword), 401, "bad_credentials");

  // The old address is still told; there is nothing to verify.
  wait_for_mail(daemon, "uma@example.com", "", before);
  for (const auto& eml : mails_to(daemon, "uma.new@example.com", before))
    CHECK(eml.find("verify-email?token=") == std::string::npos);
}

TEST_CASE("change the password, other sessions end, the member is told", "[credentials][password]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess daemon(options(backend));
  auto m = joined_and_stepped_up(daemon, "vic@example.com");
  auto elsewhere = sign_in(daemon, m.account);
  auto before = mail_files(daemon);

  CHECK_STATUS(change_password(daemon, m.session.token, kNewPassword, kNewPassword), 204);

  // The session that changed it goes on; every other one ends.
  CHECK(me(daemon, m.session.token)["email"] == "vic@example.com");
  CHECK_PROBLEM(me_raw(daemon, elsewhere.token), 401, "unauthenticated");

  CHECK_PROBLEM(sign_in_raw(daemon, "vic@example.com", kPassword), 401, "bad_credentials");
  CHECK_STATUS(sign_in_raw(daemon, "vic@example.com", kNewPassword), 201);

  std::string notice = wait_for_mail(daemon, "vic@example.com", "", before);
  CHECK(lower(notice).find("password") != std::string::npos);
  // The mail tells of the change, never the password itself.
  CHECK(notice.find(kNewPassword) == std::string::npos);

  check_log_has_none_of(daemon, {kPassword, kNewPassword, kAnswer, m.session.token, elsewhere.token});
}

TEST_CASE("a password change needs a step-up and a strong, confirmed password", "[credentials][password]") {
  DaemonProcess daemon(options());
  auto m = joined_and_stepped_up(daemon, "wendeline@example.com");

  auto plain = sign_in(daemon, m.account);
  CHECK_PROBLEM(change_password(daemon, plain.token, kNewPassword, kNewPassword), 403, "step_up_required");

  CHECK_FIELD_ERROR(change_password(daemon, m.session.token, "short pass1", "short pass1"), "new_password");
  CHECK_FIELD_ERROR(change_password(daemon, m.session.token, "administrator", "administrator"), "new_password");
  CHECK_FIELD_ERROR(change_password(daemon, m.session.token, "my-wendeline-2025-x", "my-wendeline-2025-x"),
                    "new_password");
  CHECK_FIELD_ERROR(change_password(daemon, m.session.token, kNewPassword, kNewPassword + "!"), "new_password_confirm");

  // Nothing changed, and the other session survived the refusals.
  CHECK_STATUS(me_raw(daemon, plain.token), 200);
  CHECK_STATUS(sign_in_raw(daemon, "wendeline@example.com", kPassword), 201);
  CHECK_PROBLEM(sign_in_raw(daemon, "wendeline@example.com", kNewPassword), 401, "bad_credentials");
}
