// The email change waiting for its link, as the member sees it (GET
// /api/v1/me/email/change), sends again (POST .../resend) and cancels
// (DELETE): on both backends, with the answers that must not tell a taken
// address from a free one.
#include "support/credentials_client.hpp"

#include <catch2/catch.hpp>

using memberd::test::DaemonProcess;
using namespace memberd::test::credentials;
using nlohmann::json;

namespace {

httplib::Result change_email(const DaemonProcess& d, const std::string& token, const std::string& new_email) {
  return put(d, "/api/v1/me/email", {{"new_email", new_email}, {"new_email_confirm", new_email}}, bearer(token));
}

json pending(const DaemonProcess& d, const std::string& token) {
  auto res = get(d, "/api/v1/me/email/change", bearer(token));
  INFO(describe(res));
  REQUIRE(status_of(res) == 200);
  auto body = body_of(res);
  REQUIRE(body.contains("pending"));
  return body["pending"];
}

httplib::Result resend(const DaemonProcess& d, const std::string& token) {
  return post_empty(d, "/api/v1/me/email/change/resend", bearer(token));
}

httplib::Result cancel(const DaemonProcess& d, const std::string& token) {
  return del(d, "/api/v1/me/email/change", bearer(token));
}

}  // namespace

TEST_CASE("a waiting email change is shown, sent again with a new link, and confirmed", "[credentials][email]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess daemon(options(backend));
  auto m = joined_and_stepped_up(daemon, "wren@example.com");
  const std::string fresh = "wren.new@example.com";
  CHECK(pending(daemon, m.session.token).is_null());

  auto before = mail_files(daemon);
  REQUIRE_STATUS(change_email(daemon, m.session.token, fresh), 202);
  auto waiting = pending(daemon, m.session.token);
  REQUIRE(waiting.is_object());
  CHECK(waiting["new_email"] == fresh);
  CHECK(is_rfc3339(waiting["requested_at"]));
  CHECK(is_rfc3339(waiting["expires_at"]));
  CHECK(parse_rfc3339(waiting["expires_at"]) > parse_rfc3339(waiting["requested_at"]));
  std::string first = extract_token(wait_for_mail(daemon, fresh, "verify-email?token=", before), "verify-email");

  // Seen and sent again from a session without a fresh step-up.
  auto plain = sign_in(daemon, m.account);
  CHECK(pending(daemon, plain.token)["new_email"] == fresh);
  before = mail_files(daemon);
  auto again = resend(daemon, plain.token);
  REQUIRE_STATUS(again, 202);
  CHECK(body_of(again)["pending_email"] == fresh);
  std::string second = extract_token(wait_for_mail(daemon, fresh, "verify-email?token=", before), "verify-email");
  REQUIRE(is_token(second));
  CHECK(second != first);
  // The first link died with the second; the second confirms.
  CHECK_STATUS(post_empty(daemon, "/api/v1/email-verifications/" + first), 410);
  REQUIRE_STATUS(post_empty(daemon, "/api/v1/email-verifications/" + second), 200);
  // The session that asked stays (the one that resent is signed out with the others).
  CHECK(pending(daemon, m.session.token).is_null());
  CHECK(me(daemon, m.session.token)["email"] == fresh);
  // Nothing waits now: nothing to send or cancel.
  CHECK_PROBLEM(resend(daemon, m.session.token), 404, "not_found");
  CHECK_PROBLEM(cancel(daemon, m.session.token), 404, "not_found");
}

TEST_CASE("a cancelled email change leaves the address as it was and its link dead", "[credentials][email]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess daemon(options(backend));
  auto m = joined_and_stepped_up(daemon, "ivy@example.com");
  const std::string fresh = "ivy.new@example.com";
  auto before = mail_files(daemon);
  REQUIRE_STATUS(change_email(daemon, m.session.token, fresh), 202);
  std::string link = extract_token(wait_for_mail(daemon, fresh, "verify-email?token=", before), "verify-email");

  REQUIRE_STATUS(cancel(daemon, m.session.token), 204);
  CHECK(pending(daemon, m.session.token).is_null());
  CHECK_STATUS(post_empty(daemon, "/api/v1/email-verifications/" + link), 410);
  CHECK(me(daemon, m.session.token)["email"] == "ivy@example.com");
  CHECK_STATUS(sign_in_raw(daemon, "ivy@example.com", kPassword), 201);
}

TEST_CASE("a change to a taken address waits like any other, and resending tells its owner again",
          "[credentials][email]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess daemon(options(backend));
  auto m = joined_and_stepped_up(daemon, "moss@example.com");
  join(daemon, "fern@example.com");
  const std::string free_address = "moss.free@example.com";

  // Two members' views of a change: one to a free address, one to a taken one.
  // (Mail goes out a moment later: each is waited for by what it says, so
  // fern's welcome mail, whenever it comes, is not taken for another.)
  const std::string told_text = "Someone asked to move another account to your address";
  auto before = mail_files(daemon);
  REQUIRE_STATUS(change_email(daemon, m.session.token, "fern@example.com"), 202);
  auto taken = pending(daemon, m.session.token);
  REQUIRE(taken.is_object());
  CHECK(taken["new_email"] == "fern@example.com");
  wait_for_mail(daemon, "fern@example.com", told_text, before);

  before = mail_files(daemon);
  auto again = resend(daemon, m.session.token);
  REQUIRE_STATUS(again, 202);
  CHECK(body_of(again)["pending_email"] == "fern@example.com");
  // The owner is told again, and no link goes anywhere.
  wait_for_mail(daemon, "fern@example.com", told_text, before);
  std::size_t told = 0;
  for (const auto& mail : mails_to(daemon, "fern@example.com", before)) {
    CHECK(mail.find("verify-email?token=") == std::string::npos);
    if (mail.find(told_text) != std::string::npos) ++told;
  }
  CHECK(told == 1);

  REQUIRE_STATUS(change_email(daemon, m.session.token, free_address), 202);
  auto free_one = pending(daemon, m.session.token);
  // The same fields either way.
  for (const auto& [key, value] : taken.items()) CHECK(free_one.contains(key));
  CHECK(free_one.size() == taken.size());
  CHECK(me(daemon, m.session.token)["email"] == "moss@example.com");
}

TEST_CASE("the waiting change refuses the signed-out and the operator, and a cookie without its CSRF token",
          "[credentials][email]") {
  DaemonProcess daemon(options());
  auto m = joined_and_stepped_up(daemon, "sage@example.com");
  REQUIRE_STATUS(change_email(daemon, m.session.token, "sage.new@example.com"), 202);

  CHECK_PROBLEM(get(daemon, "/api/v1/me/email/change"), 401, "unauthenticated");
  CHECK_PROBLEM(post_empty(daemon, "/api/v1/me/email/change/resend"), 401, "unauthenticated");
  CHECK_PROBLEM(del(daemon, "/api/v1/me/email/change"), 401, "unauthenticated");
  auto as_operator = daemon.unix_socket()->Get("/api/v1/me/email/change");
  REQUIRE(as_operator);
  CHECK(as_operator->status == 403);

  auto signed_in = sign_in_raw(daemon, "sage@example.com", kPassword);
  REQUIRE_STATUS(signed_in, 201);
  httplib::Headers cookie_only{{"Cookie", "memberd_session=" + cookie_value(signed_in, "memberd_session")}};
  CHECK_STATUS(del(daemon, "/api/v1/me/email/change", cookie_only), 403);
  CHECK(pending(daemon, m.session.token)["new_email"] == "sage.new@example.com");
}

TEST_CASE("resending counts with the changes themselves", "[credentials][email]") {
  DaemonProcess daemon(options("sqlite", {"credentials.email_changes_per_member_per_hour=2"}));
  auto m = joined_and_stepped_up(daemon, "lark@example.com");
  REQUIRE_STATUS(change_email(daemon, m.session.token, "lark.new@example.com"), 202);
  CHECK_STATUS(resend(daemon, m.session.token), 202);
  auto refused = resend(daemon, m.session.token);
  CHECK_PROBLEM(refused, 429, "rate_limited");
  CHECK(retry_after(refused) > 0);
  // The refused resend changed nothing: the change still waits.
  CHECK(pending(daemon, m.session.token)["new_email"] == "lark.new@example.com");
}

TEST_CASE("a resend from another session leaves the session that asked as the one kept on confirming",
          "[credentials][email]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess daemon(options(backend));
  auto m = joined_and_stepped_up(daemon, "heron@example.com");
  const std::string fresh = "heron.new@example.com";
  auto asked = mail_files(daemon);
  REQUIRE_STATUS(change_email(daemon, m.session.token, fresh), 202);
  // The first link's mail is out before the second is asked for: the one
  // waited for below is then the second's.
  wait_for_mail(daemon, fresh, "verify-email?token=", asked);

  // Another session, without a step-up (an intruder's, say), sends the link again.
  auto other = sign_in(daemon, m.account);
  auto before = mail_files(daemon);
  REQUIRE_STATUS(resend(daemon, other.token), 202);
  std::string link = extract_token(wait_for_mail(daemon, fresh, "verify-email?token=", before), "verify-email");
  REQUIRE_STATUS(post_empty(daemon, "/api/v1/email-verifications/" + link), 200);
  // The session that asked with its step-up stays; the one that resent is out.
  CHECK_STATUS(me_raw(daemon, m.session.token), 200);
  CHECK_STATUS(me_raw(daemon, other.token), 401);
}
