// The credentials plugin: the forgotten-password reset (mailed link plus the
// security answer) and the escalating per-account lock that wrong passwords
// and wrong answers lead to, kept in the database across restarts.
#include "support/credentials_client.hpp"

#include <catch2/catch.hpp>

#include <thread>

using memberd::test::DaemonProcess;
using namespace memberd::test::credentials;
using nlohmann::json;

namespace {

std::string question_text(const DaemonProcess& d, const std::string& id) {
  for (const auto& q : body_of(get(d, "/api/v1/security-questions")))
    if (q["id"] == id) return q["text"].get<std::string>();
  FAIL("no question " << id);
  return {};
}

// Signs in with the wrong password until the account is locked: four plain
// 401s, then the fifth failure locks it (that answer may still be the 401).
void fail_five_sign_ins(const DaemonProcess& d, const std::string& email) {
  for (int i = 0; i < 4; ++i) {
    INFO("failure " << i + 1);
    CHECK_PROBLEM(sign_in_raw(d, email, kWrongPassword), 401, "bad_credentials");
  }
  auto fifth = sign_in_raw(d, email, kWrongPassword);
  INFO("failure 5: " << describe(fifth));
  CHECK((status_of(fifth) == 401 || status_of(fifth) == 429));
}

}  // namespace

// ---------------------------------------------------------------------------
// Resets

TEST_CASE("reset a forgotten password with the link and the answer", "[credentials][reset]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess daemon(options(backend));
  auto account = join_confirmed(daemon, "xan@example.com");
  auto s = sign_in(daemon, account);
  set_question(daemon, s.token, "first_pet", " Blue  Whale", kPassword);
  auto elsewhere = sign_in(daemon, account);

  // Any spelling of the address finds the member.
  std::string token = reset_token(daemon, " XAN@Example.com", "xan@example.com");

  auto info = get(daemon, "/api/v1/password-resets/" + token);
  REQUIRE_STATUS(info, 200);
  CHECK(body_of(info)["question_text"] == question_text(daemon, "first_pet"));

  CHECK_STATUS(complete_reset(daemon, token, "blue whale", kNewPassword, kNewPassword), 204);

  // Every session of the member ended.
  CHECK_PROBLEM(me_raw(daemon, s.token), 401, "unauthenticated");
  CHECK_PROBLEM(me_raw(daemon, elsewhere.token), 401, "unauthenticated");
  CHECK_PROBLEM(sign_in_raw(daemon, "xan@example.com", kPassword), 401, "bad_credentials");
  CHECK_STATUS(sign_in_raw(daemon, "xan@example.com", kNewPassword), 201);

  // A link works once.
  CHECK_PROBLEM(complete_reset(daemon, token, "blue whale", "another fine passphrase 77", "another fine passphrase 77"),
                410, "gone");
  CHECK_PROBLEM(get(daemon, "/api/v1/password-resets/" + token), 410, "gone");
  CHECK_STATUS(sign_in_raw(daemon, "xan@example.com", kNewPassword), 201);

  check_log_has_none_of(daemon, {kPassword, kNewPassword, " Blue  Whale", "blue whale", token, s.token,
                                 elsewhere.token});
}

TEST_CASE("reset requests do not tell which emails exist", "[credentials][reset]") {
  DaemonProcess daemon(options());
  join(daemon, "yan@example.com");
  auto before = mail_files(daemon);

  auto unknown = request_reset(daemon, "nobody@example.com");
  auto known = request_reset(daemon, "yan@example.com");
  CHECK_STATUS(unknown, 202);
  CHECK_STATUS(known, 202);
  REQUIRE(unknown);
  REQUIRE(known);
  CHECK(unknown->body == known->body);

  // The member's mail (queued after the unknown request) arrives; none goes to the stranger.
  wait_for_mail(daemon, "yan@example.com", "reset-password?token=", before);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  CHECK(mails_to(daemon, "nobody@example.com", before).empty());
}

TEST_CASE("a member without a question resets with the link alone", "[credentials][reset]") {
  DaemonProcess daemon(options());
  auto account = join(daemon, "zed@example.com");
  auto s = sign_in(daemon, account);
  std::string token = reset_token(daemon, "zed@example.com", "zed@example.com");

  auto info = get(daemon, "/api/v1/password-resets/" + token);
  REQUIRE_STATUS(info, 200);
  CHECK(body_of(info)["question_required"] == false);
  CHECK_FALSE(body_of(info).contains("question_text"));

  // The answer is ignored.
  CHECK_STATUS(complete_reset(daemon, token, "anything at all", kNewPassword, kNewPassword), 204);
  CHECK_PROBLEM(me_raw(daemon, s.token), 401, "unauthenticated");
  CHECK_STATUS(sign_in_raw(daemon, "zed@example.com", kNewPassword), 201);
  CHECK_PROBLEM(sign_in_raw(daemon, "zed@example.com", kPassword), 401, "bad_credentials");
}

TEST_CASE("unknown and expired reset links", "[credentials][reset]") {
  DaemonProcess daemon(options("sqlite", {"credentials.reset_token_lifetime=2s"}));
  const std::string made_up(43, 'A');
  CHECK_PROBLEM(get(daemon, "/api/v1/password-resets/" + made_up), 404, "not_found");
  CHECK_PROBLEM(complete_reset(daemon, made_up, kAnswer, kNewPassword, kNewPassword), 404, "not_found");

  join(daemon, "amy@example.com");
  std::string token = reset_token(daemon, "amy@example.com", "amy@example.com");
  std::this_thread::sleep_for(std::chrono::milliseconds(3500));
  CHECK_PROBLEM(get(daemon, "/api/v1/password-resets/" + token), 410, "gone");
  CHECK_PROBLEM(complete_reset(daemon, token, kAnswer, kNewPassword, kNewPassword), 410, "gone");
  CHECK_STATUS(sign_in_raw(daemon, "amy@example.com", kPassword), 201);
  CHECK_PROBLEM(sign_in_raw(daemon, "amy@example.com", kNewPassword), 401, "bad_credentials");
}

TEST_CASE("a reset refuses weak passwords and wrong answers, the link survives them", "[credentials][reset]") {
  DaemonProcess daemon(options("sqlite", {kNoAddressLimit}));
  auto account = join_confirmed(daemon, "abe@example.com");
  auto signed_in = sign_in(daemon, account);
  set_question(daemon, signed_in.token, kQuestion, kAnswer, kPassword);
  std::string token = reset_token(daemon, "abe@example.com", "abe@example.com");

  CHECK_FIELD_ERROR(complete_reset(daemon, token, kAnswer, "short pass1", "short pass1"), "new_password");
  CHECK_FIELD_ERROR(complete_reset(daemon, token, kAnswer, "administrator", "administrator"), "new_password");
  CHECK_FIELD_ERROR(complete_reset(daemon, token, kAnswer, kNewPassword, kNewPassword + "x"), "new_password_confirm");

  auto wrong = complete_reset(daemon, token, "Grey Whale", kNewPassword, kNewPassword);
  CHECK_PROBLEM(wrong, 403, "wrong_answer");
  CHECK(body_of(wrong)["attempts_left"] == 4);
  // None of that changed the password.
  CHECK_STATUS(sign_in_raw(daemon, "abe@example.com", kPassword), 201);

  // The success above reset the count; the link still works.
  CHECK_STATUS(complete_reset(daemon, token, kAnswer, kNewPassword, kNewPassword), 204);
  CHECK_STATUS(sign_in_raw(daemon, "abe@example.com", kNewPassword), 201);
}

TEST_CASE("reset links start with link_base", "[credentials][reset]") {
  DaemonProcess daemon(options("sqlite", {"credentials.link_base=https://members.example.test/account"}));
  join(daemon, "bob@example.com");
  auto before = mail_files(daemon);
  REQUIRE_STATUS(request_reset(daemon, "bob@example.com"), 202);
  std::string eml = wait_for_mail(daemon, "bob@example.com", "reset-password?token=", before);
  std::string token = extract_token(eml, "reset-password");
  REQUIRE(is_token(token));
  CHECK(eml.find("https://members.example.test/account/#/credentials/reset-password?token=" + token) != std::string::npos);
}

TEST_CASE("requesting resets never locks the account", "[credentials][reset][lockout]") {
  DaemonProcess daemon(options("sqlite", {kNoAddressLimit}));
  join(daemon, "cal@example.com");
  // Four failures: one more would lock. Reset requests are no failures.
  for (int i = 0; i < 4; ++i) CHECK_PROBLEM(sign_in_raw(daemon, "cal@example.com", kWrongPassword), 401, "bad_credentials");
  for (int i = 0; i < 6; ++i) CHECK_STATUS(request_reset(daemon, "cal@example.com"), 202);
  CHECK_STATUS(sign_in_raw(daemon, "cal@example.com", kPassword), 201);
  CHECK(admin_member_entry(daemon, "cal@example.com")["locked_until"].is_null());
}

// ---------------------------------------------------------------------------
// Lockout

TEST_CASE("five wrong passwords lock the account, even for the right one", "[credentials][lockout]") {
  DaemonProcess daemon(options("sqlite", {kNoAddressLimit}));
  join(daemon, "dan@example.com");
  join(daemon, "dot@example.com");
  fail_five_sign_ins(daemon, "dan@example.com");

  auto locked = sign_in_raw(daemon, "dan@example.com", kPassword);
  CHECK_PROBLEM(locked, 429, "locked");
  CHECK(retry_after(locked) >= 1);
  CHECK(retry_after(locked) <= 60);  // the first lock lasts 1 minute
  CHECK_PROBLEM(sign_in_raw(daemon, "dan@example.com", kWrongPassword), 429, "locked");

  // Admins see the lock; other members are untouched.
  auto entry = admin_member_entry(daemon, "dan@example.com");
  REQUIRE(is_rfc3339(entry["locked_until"]));
  CHECK(*parse_rfc3339(entry["locked_until"].get<std::string>()) > std::chrono::system_clock::now());
  CHECK_STATUS(sign_in_raw(daemon, "dot@example.com", kPassword), 201);
  CHECK(admin_member_entry(daemon, "dot@example.com")["locked_until"].is_null());
}

TEST_CASE("a wrong password's answer tells no count that could tell members apart", "[credentials][lockout][security]") {
  // A member's own sign-in resets their count and an unknown address's
  // never: a count in the answer, probed twice, would say who is a member.
  DaemonProcess daemon(options("sqlite", {kNoAddressLimit}));
  join(daemon, "kim@example.com");
  for (const std::string email : {"kim@example.com", "nobody-here@example.com"}) {
    INFO(email);
    auto answer = sign_in_raw(daemon, email, kWrongPassword);
    CHECK_PROBLEM(answer, 401, "bad_credentials");
    CHECK_FALSE(body_of(answer).contains("attempts_left"));
  }
}

TEST_CASE("a success resets the count, and a lock ends after its time", "[credentials][lockout]") {
  DaemonProcess daemon(options("sqlite", {kNoAddressLimit, "sign_in.lock_durations=[2s]"}));
  join(daemon, "eli@example.com");
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 4; ++i) CHECK_PROBLEM(sign_in_raw(daemon, "eli@example.com", kWrongPassword), 401, "bad_credentials");
    INFO("round " << round);
    CHECK_STATUS(sign_in_raw(daemon, "eli@example.com", kPassword), 201);
  }

  fail_five_sign_ins(daemon, "eli@example.com");
  auto locked = sign_in_raw(daemon, "eli@example.com", kPassword);
  CHECK_PROBLEM(locked, 429, "locked");
  CHECK(retry_after(locked) >= 1);
  CHECK(retry_after(locked) <= 2);

  std::this_thread::sleep_for(std::chrono::milliseconds(2600));
  CHECK_STATUS(sign_in_raw(daemon, "eli@example.com", kPassword), 201);
  // Admins no longer see a lock (cleared, or a time that has passed).
  auto until = admin_member_entry(daemon, "eli@example.com")["locked_until"];
  INFO("locked_until: " << until.dump());
  CHECK((until.is_null() || (is_rfc3339(until) &&
                             *parse_rfc3339(until.get<std::string>()) <= std::chrono::system_clock::now())));
}

TEST_CASE("the next lock lasts longer", "[credentials][lockout]") {
  DaemonProcess daemon(options("sqlite", {kNoAddressLimit, "sign_in.lock_durations=[2s, 30s]"}));
  join(daemon, "fin@example.com");
  fail_five_sign_ins(daemon, "fin@example.com");
  auto first = sign_in_raw(daemon, "fin@example.com", kPassword);
  CHECK_PROBLEM(first, 429, "locked");
  CHECK(retry_after(first) >= 1);
  CHECK(retry_after(first) <= 2);

  std::this_thread::sleep_for(std::chrono::milliseconds(2600));
  // Failing again leads to the second lock (whether the count went on or
  // started over when the first lock ended).
  int status = 0;
  for (int i = 0; i < 6 && status != 429; ++i) status = status_of(sign_in_raw(daemon, "fin@example.com", kWrongPassword));
  CHECK(status == 429);
  auto second = sign_in_raw(daemon, "fin@example.com", kPassword);
  CHECK_PROBLEM(second, 429, "locked");
  CHECK(retry_after(second) >= 20);
  CHECK(retry_after(second) <= 30);
}

TEST_CASE("wrong answers lock the account at step-up, and spend a reset budget of their own", "[credentials][lockout][step_up][reset]") {
  DaemonProcess daemon(options("sqlite", {kNoAddressLimit}));
  auto account = join_confirmed(daemon, "gil@example.com");
  // Set on a session of its own: a first question counts as that session's step-up.
  auto setter = sign_in(daemon, account);
  set_question(daemon, setter.token, kQuestion, kAnswer, kPassword);
  auto s = sign_in(daemon, account);

  SECTION("at step-up") {
    for (int i = 0; i < 4; ++i) {
      auto wrong = step_up_raw(daemon, s.token, kPassword, "Grey Whale");
      CHECK_PROBLEM(wrong, 403, "wrong_answer");
      CHECK(body_of(wrong)["attempts_left"] == 4 - i);
    }
    auto fifth = step_up_raw(daemon, s.token, kPassword, "Grey Whale");
    INFO("fifth: " << describe(fifth));
    CHECK((status_of(fifth) == 403 || status_of(fifth) == 429));

    auto locked = step_up_raw(daemon, s.token, kPassword, kAnswer);
    CHECK_PROBLEM(locked, 429, "locked");
    CHECK(retry_after(locked) >= 1);
    CHECK_PROBLEM(sign_in_raw(daemon, "gil@example.com", kPassword), 429, "locked");
    // The session got no privilege out of it.
    CHECK(body_of(get(daemon, "/api/v1/session", bearer(s.token)))["privileged_until"].is_null());
  }
  SECTION("at a reset they have a budget of their own, and spending it kills the links") {
    std::string token = reset_token(daemon, "gil@example.com", "gil@example.com");
    for (int i = 0; i < 4; ++i) {
      auto wrong = complete_reset(daemon, token, "Grey Whale", kNewPassword, kNewPassword);
      CHECK_PROBLEM(wrong, 403, "wrong_answer");
      CHECK(body_of(wrong)["attempts_left"] == 4 - i);
    }
    auto fifth = complete_reset(daemon, token, "Grey Whale", kNewPassword, kNewPassword);
    CHECK_PROBLEM(fifth, 429, "locked");
    CHECK(retry_after(fifth) >= 60);
    // The link is dead: not even the right answer resets the password now.
    CHECK_PROBLEM(complete_reset(daemon, token, kAnswer, kNewPassword, kNewPassword), 410, "gone");
    // Someone with the mailbox cannot lock the member out of signing in.
    CHECK_STATUS(sign_in_raw(daemon, "gil@example.com", kPassword), 201);
    CHECK_PROBLEM(sign_in_raw(daemon, "gil@example.com", kNewPassword), 401, "bad_credentials");
    // A new link still meets the spent budget until it recovers.
    std::string fresh = reset_token(daemon, "gil@example.com", "gil@example.com");
    CHECK_PROBLEM(complete_reset(daemon, fresh, kAnswer, kNewPassword, kNewPassword), 429, "locked");
  }
}

TEST_CASE("failure counts and locks survive a restart", "[credentials][lockout][storage]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  KeptState state(backend);
  {
    DaemonProcess first(state.options({kNoAddressLimit}));
    join(first, "hap@example.com");
    for (int i = 0; i < 3; ++i) CHECK_PROBLEM(sign_in_raw(first, "hap@example.com", kWrongPassword), 401, "bad_credentials");
  }
  {
    // The three failures were remembered: two more lock the account.
    DaemonProcess second(state.options({kNoAddressLimit}));
    CHECK_PROBLEM(sign_in_raw(second, "hap@example.com", kWrongPassword), 401, "bad_credentials");
    auto fifth = sign_in_raw(second, "hap@example.com", kWrongPassword);
    INFO("fifth: " << describe(fifth));
    CHECK((status_of(fifth) == 401 || status_of(fifth) == 429));
    CHECK_PROBLEM(sign_in_raw(second, "hap@example.com", kPassword), 429, "locked");
  }
  {
    DaemonProcess third(state.options({kNoAddressLimit}));
    auto locked = sign_in_raw(third, "hap@example.com", kPassword);
    CHECK_PROBLEM(locked, 429, "locked");
    CHECK(retry_after(locked) >= 1);
    CHECK(is_rfc3339(admin_member_entry(third, "hap@example.com")["locked_until"]));
  }
}
