// The credentials plugin: the security-question catalogue, setting and
// replacing a member's question, and the step-up (password, then answer).
#include "support/credentials_client.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

using memberd::test::DaemonProcess;
using namespace memberd::test::credentials;
using nlohmann::json;

namespace {

std::string question_text(const DaemonProcess& d, const std::string& id) {
  auto catalogue = body_of(get(d, "/api/v1/security-questions"));
  for (const auto& q : catalogue)
    if (q["id"] == id) return q["text"].get<std::string>();
  FAIL("no question " << id << " in " << catalogue.dump());
  return {};
}

// Seconds from now until an RFC 3339 time.
long long seconds_until(const std::string& when) {
  auto t = parse_rfc3339(when);
  REQUIRE(t);
  return std::chrono::duration_cast<std::chrono::seconds>(*t - std::chrono::system_clock::now()).count();
}

}  // namespace

TEST_CASE("the default question catalogue needs no session", "[credentials][question]") {
  DaemonProcess daemon(options());
  auto res = get(daemon, "/api/v1/security-questions");
  REQUIRE_STATUS(res, 200);
  auto catalogue = body_of(res);
  REQUIRE(catalogue.is_array());
  // The issue asks for a good default list of 8 to 10.
  CHECK(catalogue.size() >= 8);
  CHECK(catalogue.size() <= 10);
  std::set<std::string> ids;
  for (const auto& q : catalogue) {
    INFO(q.dump());
    REQUIRE(q["id"].is_string());
    REQUIRE(q["text"].is_string());
    CHECK_FALSE(q["text"].get<std::string>().empty());
    ids.insert(q["id"].get<std::string>());
  }
  CHECK(ids.size() == catalogue.size());
  CHECK(ids.count("first_pet") == 1);
  CHECK(ids.count("birth_city") == 1);
}

TEST_CASE("the question catalogue comes from the config", "[credentials][question]") {
  DaemonProcess daemon(options("sqlite", {"credentials.security_questions=[{id: colour, text: \"Your favourite colour\"}, "
                                          "{id: street, text: \"The street you grew up on\"}]"}));
  auto catalogue = body_of(get(daemon, "/api/v1/security-questions"));
  CHECK(catalogue == json::array({{{"id", "colour"}, {"text", "Your favourite colour"}},
                                  {{"id", "street"}, {"text", "The street you grew up on"}}}));

  auto account = join_confirmed(daemon, "jon@example.com");
  auto s = sign_in(daemon, account);
  // A default id that this config dropped is unknown here.
  CHECK_FIELD_ERROR(set_question_raw(daemon, s.token, "first_pet", kAnswer, kPassword), "question_id");
  set_question(daemon, s.token, "street", "Rua Augusta", kPassword);
  auto mine = body_of(get(daemon, "/api/v1/me/security-question", bearer(s.token)));
  CHECK(mine == json{{"question_id", "street"}, {"text", "The street you grew up on"}});
}

TEST_CASE("set a question, step up, replace the question", "[credentials][question][step_up]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess daemon(options(backend));
  auto account = join_confirmed(daemon, "kim@example.com");
  auto s = sign_in(daemon, account);
  auto auth = bearer(s.token);

  CHECK_PROBLEM(get(daemon, "/api/v1/me/security-question", auth), 404, "not_found");
  CHECK(me(daemon, s.token)["security_question_set"] == false);
  // No step-up without a question: the client then guides the member to set one.
  CHECK_PROBLEM(step_up_raw(daemon, s.token, kPassword, kAnswer), 409, "security_question_required");

  // The first time, the current password is enough.
  CHECK_STATUS(set_question_raw(daemon, s.token, "first_pet", " Blue  Whale", kPassword), 200);
  // ... and it counts as the step-up (issue 29: the member on the way to
  // Change Password typed the password a third time). The privilege goes
  // to a new token, as a step-up's does: the token used before is dead.
  CHECK_STATUS(get(daemon, "/api/v1/me", auth), 401);
  auto other = sign_in(daemon, account);  // the session the rest replaces the question on
  auto mine = body_of(get(daemon, "/api/v1/me/security-question", bearer(other.token)));
  CHECK(mine["question_id"] == "first_pet");
  CHECK(mine["text"] == question_text(daemon, "first_pet"));
  CHECK(me(daemon, other.token)["security_question_set"] == true);

  // Replacing it needs a step-up, even with the right password.
  CHECK_PROBLEM(set_question_raw(daemon, other.token, "birth_city", "Lisbon", kPassword), 403, "step_up_required");
  CHECK(body_of(get(daemon, "/api/v1/me/security-question", bearer(other.token)))["question_id"] == "first_pet");

  auto step = step_up_raw(daemon, other.token, kPassword, "blue whale");
  REQUIRE_STATUS(step, 200);
  // The privilege goes to a new token (issue 8, item 8): the one used before
  // the step-up is dead, and the response sets the new one as cookies too.
  const std::string before = other.token;
  other.token = body_of(step)["token"].get<std::string>();
  CHECK(other.token != before);
  CHECK(body_of(step)["csrf_token"].is_string());
  CHECK(is_rfc3339(body_of(step)["expires_at"]));
  CHECK(step->get_header_value("Set-Cookie", 0).find("memberd_session=" + other.token) == 0);
  CHECK_STATUS(get(daemon, "/api/v1/me", bearer(before)), 401);
  auth = bearer(other.token);
  auto until = body_of(step)["privileged_until"];
  REQUIRE(is_rfc3339(until));
  // The default window is 10 minutes (whole seconds, a little slack).
  CHECK(seconds_until(until.get<std::string>()) > 9 * 60);
  CHECK(seconds_until(until.get<std::string>()) <= 10 * 60 + 5);
  // The host sees the same privilege on this session.
  CHECK(body_of(get(daemon, "/api/v1/session", auth))["privileged_until"] == until);

  // Inside the window the password is not asked again; a replacement keeps
  // the window it has (204, no new token).
  CHECK_STATUS(set_question_raw(daemon, other.token, "birth_city", "Lisbon", ""), 204);
  mine = body_of(get(daemon, "/api/v1/me/security-question", auth));
  CHECK(mine["question_id"] == "birth_city");
  CHECK(mine["text"] == question_text(daemon, "birth_city"));
  CHECK(body_of(get(daemon, "/api/v1/session", auth))["privileged_until"] == until);

  // The new answer is the one that counts now, on any session.
  auto third = sign_in(daemon, account);
  CHECK_PROBLEM(step_up_raw(daemon, third.token, kPassword, "blue whale"), 403, "wrong_answer");
  step_up(daemon, third.token, kPassword, "lisbon");

  check_log_has_none_of(daemon, {kPassword, " Blue  Whale", "blue whale", "Lisbon", "lisbon", s.token, other.token,
                                 third.token});
}

TEST_CASE("a first question is the step-up: the password changes next, without being asked again",
          "[credentials][question][step_up]") {
  DaemonProcess daemon(options());
  auto account = join_confirmed(daemon, "tia@example.com");
  auto s = sign_in(daemon, account);
  CHECK_PROBLEM(put(daemon, "/api/v1/me/password", {{"new_password", kNewPassword}, {"new_password_confirm", kNewPassword}},
                    bearer(s.token)),
                403, "step_up_required");

  auto set = set_question_raw(daemon, s.token, kQuestion, kAnswer, kPassword);
  REQUIRE_STATUS(set, 200);
  auto body = body_of(set);
  // The same answer as the step-up's, cookies included.
  REQUIRE(body["token"].is_string());
  CHECK(body["token"] != s.token);
  CHECK(body["csrf_token"].is_string());
  CHECK(is_rfc3339(body["expires_at"]));
  CHECK(set->get_header_value("Set-Cookie", 0).find("memberd_session=" + body["token"].get<std::string>()) == 0);
  REQUIRE(is_rfc3339(body["privileged_until"]));
  CHECK(seconds_until(body["privileged_until"].get<std::string>()) > 9 * 60);
  const std::string token = body["token"].get<std::string>();
  CHECK(body_of(get(daemon, "/api/v1/session", bearer(token)))["privileged_until"] == body["privileged_until"]);

  CHECK_STATUS(put(daemon, "/api/v1/me/password", {{"new_password", kNewPassword}, {"new_password_confirm", kNewPassword}},
                   bearer(token)),
               204);
  CHECK_STATUS(sign_in_raw(daemon, "tia@example.com", kNewPassword), 201);
}

TEST_CASE("a replacement inside the window: a password sent is checked, and the answer is not the password",
          "[credentials][question][step_up]") {
  DaemonProcess daemon(options());
  auto account = join_confirmed(daemon, "uma@example.com");
  auto s = sign_in(daemon, account);
  set_question(daemon, s.token, kQuestion, kAnswer, kPassword);  // privileged now

  // A wrong password is wrong even where none is needed, and counts.
  auto wrong = set_question_raw(daemon, s.token, "birth_city", "Lisbon", kWrongPassword);
  CHECK_PROBLEM(wrong, 403, "wrong_password");
  CHECK(body_of(wrong)["attempts_left"] == 4);
  // With no password sent, the answer is checked against the password itself.
  CHECK_FIELD_ERROR(set_question_raw(daemon, s.token, "birth_city", kPassword, ""), "answer");
  CHECK_FIELD_ERROR(set_question_raw(daemon, s.token, "birth_city", "uma@example.com", ""), "answer");
  CHECK(body_of(get(daemon, "/api/v1/me/security-question", bearer(s.token)))["question_id"] == kQuestion);
  CHECK_STATUS(set_question_raw(daemon, s.token, "birth_city", "Lisbon", kPassword), 204);
  check_log_has_none_of(daemon, {kPassword, kWrongPassword, kAnswer, "Lisbon", s.token});
}

TEST_CASE("outside a window a replacement is step_up_required before any field, a password or none",
          "[credentials][question][step_up]") {
  DaemonProcess daemon(options());
  auto account = join_confirmed(daemon, "vic@example.com");
  auto setter = sign_in(daemon, account);
  set_question(daemon, setter.token, kQuestion, kAnswer, kPassword);
  auto s = sign_in(daemon, account);  // no step-up on this one
  // The form the page drew inside a window that has since ended sends no
  // password: it must learn the window ended (the page then asks the
  // step-up again), not that a field it does not have is missing.
  CHECK_PROBLEM(put(daemon, "/api/v1/me/security-question", {{"question_id", "birth_city"}, {"answer", "Lisbon"}},
                    bearer(s.token)),
                403, "step_up_required");
  CHECK_PROBLEM(set_question_raw(daemon, s.token, "nope", "", ""), 403, "step_up_required");
  CHECK(body_of(get(daemon, "/api/v1/me/security-question", bearer(s.token)))["question_id"] == kQuestion);
}

TEST_CASE("a first question needs the password when the field is left out, and a right one starts the count over",
          "[credentials][question][step_up][lockout]") {
  DaemonProcess daemon(options("sqlite", {"credentials.address_failures_per_minute=1000"}));
  auto account = join_confirmed(daemon, "wes@example.com");
  auto s = sign_in(daemon, account);
  CHECK_FIELD_ERROR(put(daemon, "/api/v1/me/security-question", {{"question_id", kQuestion}, {"answer", kAnswer}},
                        bearer(s.token)),
                    "current_password");
  for (int left : {4, 3}) {
    auto wrong = set_question_raw(daemon, s.token, kQuestion, kAnswer, kWrongPassword);
    CHECK_PROBLEM(wrong, 403, "wrong_password");
    CHECK(body_of(wrong)["attempts_left"] == left);
  }
  // The first question is a step-up: like one, it ends the flow and the
  // failures before it no longer count toward the lock.
  set_question(daemon, s.token, kQuestion, kAnswer, kPassword);
  auto other = sign_in(daemon, account);
  auto after = step_up_raw(daemon, other.token, kWrongPassword, kAnswer);
  CHECK_PROBLEM(after, 403, "wrong_password");
  CHECK(body_of(after)["attempts_left"] == 4);
}

TEST_CASE("two first questions at once: one is set and steps up, the other needs the step-up",
          "[credentials][question][step_up][race]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess daemon(options(backend, {"credentials.address_failures_per_minute=1000"}));
  auto account = join_confirmed(daemon, "xia@example.com");
  constexpr int kSessions = 5;  // within the per-member cap of questions an hour
  std::vector<std::string> tokens;
  for (int i = 0; i < kSessions; ++i) tokens.push_back(sign_in(daemon, account).token);

  std::mutex mutex;
  std::map<std::string, int> outcomes;  // "200", "403 step_up_required", ...
  std::atomic<int> ready{0};
  std::vector<std::thread> setters;
  for (int i = 0; i < kSessions; ++i)
    setters.emplace_back([&, i] {
      httplib::Client client("127.0.0.1", daemon.port());
      client.set_read_timeout(60, 0);
      ++ready;
      while (ready < kSessions) std::this_thread::yield();
      const json body{{"question_id", kQuestion}, {"answer", "answer number " + std::to_string(i)},
                      {"current_password", kPassword}};
      auto res = client.Put("/api/v1/me/security-question", bearer(tokens[static_cast<std::size_t>(i)]), body.dump(),
                            "application/json");
      std::string outcome = res ? std::to_string(res->status) : "no answer";
      if (res && res->status != 200) outcome += " " + json::parse(res->body, nullptr, false).value("type", "");
      std::lock_guard lock(mutex);
      ++outcomes[outcome];
    });
  for (auto& t : setters) t.join();
  std::string seen;
  for (const auto& [outcome, count] : outcomes) seen += outcome + " x" + std::to_string(count) + "; ";
  INFO(seen);
  CHECK(outcomes["200"] == 1);
  CHECK(outcomes["403 urn:memberd:problem:step_up_required"] == kSessions - 1);
  // One answer is the member's, and it was the one a step-up now takes.
  auto checker = sign_in(daemon, account);
  int right = 0;
  for (int i = 0; i < kSessions; ++i) {
    auto step = step_up_raw(daemon, checker.token, kPassword, "answer number " + std::to_string(i));
    if (status_of(step) == 200) {
      ++right;
      checker.token = body_of(step)["token"].get<std::string>();
    }
  }
  CHECK(right == 1);
}

TEST_CASE("a member changes the security question at most five times an hour",
          "[credentials][question][rate_limit]") {
  DaemonProcess daemon(options());
  auto account = join_confirmed(daemon, "yan@example.com");
  auto s = sign_in(daemon, account);
  set_question(daemon, s.token, kQuestion, kAnswer, kPassword);  // 1, and the step-up
  for (int i = 2; i <= 5; ++i) {
    INFO("change " << i);
    CHECK_STATUS(set_question_raw(daemon, s.token, "birth_city", "Place " + std::to_string(i), ""), 204);
  }
  // The sixth would be one more mail and one more answer checked against the
  // password: refused before either.
  auto sixth = set_question_raw(daemon, s.token, "birth_city", kPassword, "");
  CHECK_PROBLEM(sixth, 429, "rate_limited");
  CHECK(retry_after(sixth) > 0);
  CHECK(body_of(get(daemon, "/api/v1/me/security-question", bearer(s.token)))["question_id"] == "birth_city");
}

TEST_CASE("setting a question validates its fields", "[credentials][question]") {
  DaemonProcess daemon(options());
  auto account = join_confirmed(daemon, "lea@example.com");
  auto s = sign_in(daemon, account);

  CHECK_FIELD_ERROR(set_question_raw(daemon, s.token, "favourite_wine", kAnswer, kPassword), "question_id");
  CHECK_FIELD_ERROR(set_question_raw(daemon, s.token, kQuestion, "", kPassword), "answer");
  CHECK_FIELD_ERROR(set_question_raw(daemon, s.token, kQuestion, "   ", kPassword), "answer");
  // An answer that is the email or the password guards nothing.
  CHECK_FIELD_ERROR(set_question_raw(daemon, s.token, kQuestion, "lea@example.com", kPassword), "answer");
  CHECK_FIELD_ERROR(set_question_raw(daemon, s.token, kQuestion, kPassword, kPassword), "answer");

  auto wrong = set_question_raw(daemon, s.token, kQuestion, kAnswer, kWrongPassword);
  CHECK_PROBLEM(wrong, 403, "wrong_password");

  // None of the refusals set anything.
  CHECK_PROBLEM(get(daemon, "/api/v1/me/security-question", bearer(s.token)), 404, "not_found");
  CHECK(me(daemon, s.token)["security_question_set"] == false);
  // And the routes need a session.
  CHECK_PROBLEM(put(daemon, "/api/v1/me/security-question",
                    {{"question_id", kQuestion}, {"answer", kAnswer}, {"current_password", kPassword}}),
                401, "unauthenticated");
  CHECK_PROBLEM(get(daemon, "/api/v1/me/security-question"), 401, "unauthenticated");
  CHECK_PROBLEM(post(daemon, "/api/v1/me/step-up", {{"current_password", kPassword}, {"answer", kAnswer}}), 401,
                "unauthenticated");
}

TEST_CASE("a cookie-authenticated question change needs the CSRF token", "[credentials][question][csrf]") {
  DaemonProcess daemon(options());
  auto account = join_confirmed(daemon, "max@example.com");
  auto s = sign_in(daemon, account);
  httplib::Headers cookies{{"Cookie", "memberd_session=" + s.session_cookie + "; memberd_csrf=" + s.csrf_cookie}};
  json body{{"question_id", kQuestion}, {"answer", kAnswer}, {"current_password", kPassword}};

  CHECK_PROBLEM(put(daemon, "/api/v1/me/security-question", body, cookies), 403, "csrf");
  CHECK(me(daemon, s.token)["security_question_set"] == false);
  auto with_token = cookies;
  with_token.emplace("X-CSRF-Token", s.csrf_cookie);
  auto set = put(daemon, "/api/v1/me/security-question", body, with_token);
  REQUIRE_STATUS(set, 200);
  CHECK(me(daemon, body_of(set)["token"].get<std::string>())["security_question_set"] == true);
}

TEST_CASE("step-up checks the password first, then the answer, and counts down", "[credentials][step_up]") {
  DaemonProcess daemon(options("sqlite", {"credentials.address_failures_per_minute=1000"}));
  auto account = join_confirmed(daemon, "ned@example.com");
  // Set on a session of its own: a first question counts as that session's step-up.
  auto setter = sign_in(daemon, account);
  set_question(daemon, setter.token, kQuestion, kAnswer, kPassword);
  auto s = sign_in(daemon, account);

  auto wrong_password = step_up_raw(daemon, s.token, kWrongPassword, kAnswer);
  CHECK_PROBLEM(wrong_password, 403, "wrong_password");
  CHECK(body_of(wrong_password)["attempts_left"] == 4);

  auto wrong_answer = step_up_raw(daemon, s.token, kPassword, "Grey Whale");
  CHECK_PROBLEM(wrong_answer, 403, "wrong_answer");
  CHECK(body_of(wrong_answer)["attempts_left"] == 3);

  // Both wrong: the password is checked first, and it is one failure.
  auto both = step_up_raw(daemon, s.token, kWrongPassword, "Grey Whale");
  CHECK_PROBLEM(both, 403, "wrong_password");
  CHECK(body_of(both)["attempts_left"] == 2);

  // Failed step-ups gave no privilege.
  CHECK_PROBLEM(put(daemon, "/api/v1/me/password", {{"new_password", kNewPassword}, {"new_password_confirm", kNewPassword}},
                    bearer(s.token)),
                403, "step_up_required");
  CHECK(body_of(get(daemon, "/api/v1/session", bearer(s.token)))["privileged_until"].is_null());

  // A success resets the count.
  step_up(daemon, s.token, kPassword, kAnswer);
  auto again = step_up_raw(daemon, s.token, kPassword, "Grey Whale");
  CHECK_PROBLEM(again, 403, "wrong_answer");
  CHECK(body_of(again)["attempts_left"] == 4);

  check_log_has_none_of(daemon, {kPassword, kWrongPassword, kAnswer, "Grey Whale", s.token});
}

TEST_CASE("answers are compared after normalisation", "[credentials][step_up]") {
  DaemonProcess daemon(options());
  auto account = join_confirmed(daemon, "ola@example.com");
  auto s = sign_in(daemon, account);
  set_question(daemon, s.token, kQuestion, " Blue  Whale", kPassword);

  for (const std::string answer : {"blue whale", "BLUE WHALE ", "\tBlue Whale\n",
                                   "\xEF\xBC\xA2\xEF\xBD\x8C\xEF\xBD\x95\xEF\xBD\x85 whale"}) {  // full-width "Ｂｌｕｅ"
    INFO("answer: " << answer);
    auto step = step_up_raw(daemon, s.token, kPassword, answer);
    CHECK_STATUS(step, 200);
    if (status_of(step) == 200) s.token = body_of(step)["token"].get<std::string>();
  }
  // Spaces separate words: they are not dropped.
  CHECK_PROBLEM(step_up_raw(daemon, s.token, kPassword, "bluewhale"), 403, "wrong_answer");
}

TEST_CASE("the step-up window comes from the config", "[credentials][step_up]") {
  DaemonProcess daemon(options("sqlite", {"credentials.step_up_minutes=2"}));
  auto account = join_confirmed(daemon, "pia@example.com");
  auto s = sign_in(daemon, account);
  set_question(daemon, s.token, kQuestion, kAnswer, kPassword);
  auto until = step_up(daemon, s.token, kPassword, kAnswer);
  CHECK(seconds_until(until) > 60);
  CHECK(seconds_until(until) <= 2 * 60 + 5);
  // The privilege belongs to that session only.
  auto other = sign_in(daemon, account);
  CHECK_PROBLEM(put(daemon, "/api/v1/me/password", {{"new_password", kNewPassword}, {"new_password_confirm", kNewPassword}},
                    bearer(other.token)),
                403, "step_up_required");
}
