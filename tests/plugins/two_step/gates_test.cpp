// The seed's gates with two-step verification on: the step-up (before a
// change of email, password or question) and the password reset ask for a
// second step too, so neither the security answer nor the mailed link is a
// way around it; an account reclaimed through a reset loses the squatter's
// factors.
#include "two_step_client.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

using namespace memberd::test::credentials;
using namespace memberd::test::two_step;
using memberd::test::DaemonProcess;
using nlohmann::json;

namespace {

json proof(const std::string& method, const std::string& code) { return {{"method", method}, {"code", code}}; }

// A session of `email` opened through the second step with recovery code `code`.
std::string signed_in_with_code(const DaemonProcess& d, const std::string& email, const std::string& code) {
  auto r = second_step(d, challenge(d, email), "recovery_code", code);
  REQUIRE_STATUS(r, 201);
  return body_of(r)["token"].get<std::string>();
}

}  // namespace

TEST_CASE("the step-up asks a member with two-step for a code as well", "[two_step][gates]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess d(two_step_options(backend));
  auto ivy = enrol(d, "ivy@example.com");
  std::string token = signed_in_with_code(d, "ivy@example.com", ivy.recovery_codes[0]);
  const json answer{{"current_password", kPassword}, {"answer", kAnswer}};

  // Without a proof: asked for, nothing counted.
  CHECK_PROBLEM(post(d, "/api/v1/me/step-up", answer, bearer(token)), 403, "second_step_required");
  auto wrong = answer;
  wrong["second_step"] = proof("totp", "000000");
  CHECK_PROBLEM(post(d, "/api/v1/me/step-up", wrong, bearer(token)), 403, "wrong_code");
  // The right password and answer with a used recovery code: still no.
  auto used = answer;
  used["second_step"] = proof("recovery_code", ivy.recovery_codes[0]);
  CHECK_PROBLEM(post(d, "/api/v1/me/step-up", used, bearer(token)), 403, "wrong_code");
  auto right = answer;
  right["second_step"] = proof("totp", oathtool(ivy.secret, 30));
  auto stepped = post(d, "/api/v1/me/step-up", right, bearer(token));
  REQUIRE_STATUS(stepped, 200);
  token = body_of(stepped)["token"].get<std::string>();
  CHECK_STATUS(put(d, "/api/v1/me/password", {{"new_password", "a brand new passphrase 77"},
                                              {"new_password_confirm", "a brand new passphrase 77"}},
                   bearer(token)),
               204);
}

TEST_CASE("a reset needs the second step too, unless it reclaims an account", "[two_step][gates][reset]") {
  DaemonProcess d(two_step_options());
  auto jo = enrol(d, "jo@example.com");
  std::string link = reset_token(d, "jo@example.com", "jo@example.com");
  auto shown = body_of(get(d, "/api/v1/password-resets/" + link));
  CHECK(shown["question_required"] == true);
  CHECK(shown["second_step_required"] == true);

  json body{{"answer", kAnswer}, {"new_password", "a brand new passphrase 77"},
            {"new_password_confirm", "a brand new passphrase 77"}};
  CHECK_PROBLEM(post(d, "/api/v1/password-resets/" + link, body), 403, "second_step_required");
  body["second_step"] = proof("recovery_code", "aaaaa-aaaaa");
  CHECK_PROBLEM(post(d, "/api/v1/password-resets/" + link, body), 403, "wrong_code");
  body["second_step"] = proof("recovery_code", jo.recovery_codes[2]);
  REQUIRE_STATUS(post(d, "/api/v1/password-resets/" + link, body), 204);
  // The reset changed the password, not the second step.
  REQUIRE_STATUS(sign_in_raw(d, "jo@example.com", "a brand new passphrase 77"), 202);

  // A squatter joined with kim's address (never confirmed) and set up an app.
  join(d, "kim@example.com", "the squatter's password 1");
  auto squatter = sign_in(d, "kim@example.com", "the squatter's password 1");
  auto started = post(d, "/api/v1/me/two-step/app", {{"password", "the squatter's password 1"}}, bearer(squatter.token));
  REQUIRE_STATUS(started, 201);
  REQUIRE_STATUS(post(d, "/api/v1/me/two-step/app/confirm", {{"code", oathtool(body_of(started)["secret"], -30)}},
                      bearer(squatter.token)),
                 200);
  // Kim's reset link alone takes the account back, and the squatter's app goes.
  std::string kims = reset_token(d, "kim@example.com", "kim@example.com");
  CHECK(body_of(get(d, "/api/v1/password-resets/" + kims))["second_step_required"] == false);
  REQUIRE_STATUS(complete_reset(d, kims, "", "a reclaimed passphrase 2024", "a reclaimed passphrase 2024"), 204);
  // Off as the reset commits (the core withdrew it), not once two_step hears of it.
  CHECK_STATUS(sign_in_raw(d, "kim@example.com", "a reclaimed passphrase 2024"), 201);
  // And the factors themselves go: kim's own app starts from nothing.
  auto kim = sign_in(d, "kim@example.com", "a reclaimed passphrase 2024");
  int apps = 1;
  for (int i = 0; i < 100 && apps != 0; ++i) {
    apps = body_of(get(d, "/api/v1/me/two-step", bearer(kim.token)))["app"]["state"] == "off" ? 0 : 1;
    if (apps != 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK(apps == 0);
}

TEST_CASE("a reset's codes count on the reset's own budget, not the account's lock", "[two_step][gates][reset]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess d(two_step_options(backend));
  auto jo = enrol(d, "jo@example.com");
  // Someone keeps jo's account locked by guessing the password.
  for (int i = 0; i < 4; ++i) CHECK_STATUS(sign_in_raw(d, "jo@example.com", "a guess that is wrong " + std::to_string(i)), 401);
  CHECK_PROBLEM(sign_in_raw(d, "jo@example.com", "the fifth wrong guess"), 429, "locked");
  CHECK_PROBLEM(sign_in_raw(d, "jo@example.com", kPassword), 429, "locked");

  // Jo still resets, from a browser never used before: link, answer, code.
  json body{{"answer", kAnswer}, {"new_password", "a brand new passphrase 77"},
            {"new_password_confirm", "a brand new passphrase 77"}, {"second_step", proof("totp", oathtool(jo.secret, 30))}};
  REQUIRE_STATUS(post(d, "/api/v1/password-resets/" + reset_token(d, "jo@example.com", "jo@example.com"), body), 204);
  CHECK_STATUS(sign_in_raw(d, "jo@example.com", "a brand new passphrase 77"), 202);  // and the lock ended with it

  // Guessing with a link runs out the link's budget, one for answers and
  // codes together, and kills the links; it locks nothing else.
  std::string link = reset_token(d, "jo@example.com", "jo@example.com");
  body["new_password"] = body["new_password_confirm"] = "another passphrase of jo 88";
  body["second_step"] = proof("totp", "000000");
  body["answer"] = "not the answer";
  for (int i = 0; i < 2; ++i) CHECK_PROBLEM(post(d, "/api/v1/password-resets/" + link, body), 403, "wrong_answer");
  body["answer"] = kAnswer;
  for (int i = 0; i < 2; ++i) CHECK_PROBLEM(post(d, "/api/v1/password-resets/" + link, body), 403, "wrong_code");
  CHECK_PROBLEM(post(d, "/api/v1/password-resets/" + link, body), 429, "locked");
  body["second_step"] = proof("recovery_code", jo.recovery_codes[0]);
  CHECK_STATUS(post(d, "/api/v1/password-resets/" + link, body), 410);
  CHECK_STATUS(sign_in_raw(d, "jo@example.com", "a brand new passphrase 77"), 202);
}

TEST_CASE("two_step records each wrong guess as what it was: at the sign-in, in a session, with a reset link",
          "[two_step][gates][security_level]") {
  auto options = two_step_options();
  options.plugins.push_back("security_level");
  DaemonProcess d(options);
  auto ria = enrol(d, "ria@example.com");
  const auto auth = bearer(ria.member.session.token);
  // At the sign-in: a wrong code after the right password.
  CHECK_PROBLEM(second_step(d, challenge(d, "ria@example.com"), "totp", "000000"), 401, "wrong_code");
  // Inside the session: a wrong password and a wrong code while turning it off.
  CHECK_PROBLEM(post(d, "/api/v1/me/two-step/turn-off", {{"password", "not my password"}, {"code", "000000"}}, auth),
                403, "wrong_password");
  CHECK_PROBLEM(post(d, "/api/v1/me/two-step/turn-off", {{"password", kPassword}, {"code", "000000"}}, auth), 403,
                "wrong_code");
  // With a reset link: a wrong code.
  json reset{{"answer", kAnswer}, {"new_password", "a brand new passphrase 77"},
             {"new_password_confirm", "a brand new passphrase 77"}, {"second_step", proof("totp", "000000")}};
  CHECK_PROBLEM(post(d, "/api/v1/password-resets/" + reset_token(d, "ria@example.com", "ria@example.com"), reset), 403,
                "wrong_code");

  json failures = json::array();
  for (int i = 0; i < 100 && failures.size() < 4; ++i) {
    failures = json::array();
    auto page = body_of(get(d, "/api/v1/me/sign-ins", auth));  // kept: a range over a temporary's member dangles
    for (const auto& r : page["items"])
      if (r["outcome"] == "failure") failures.push_back(r);
    if (failures.size() < 4) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  REQUIRE(failures.size() == 4);  // newest first
  CHECK(failures[0]["kind"] == "mailed_link");
  CHECK(failures[0]["what"] == "second_step_app");
  CHECK(failures[1]["kind"] == "in_session");
  CHECK(failures[1]["what"] == "second_step_app");
  CHECK(failures[2]["kind"] == "in_session");
  CHECK(failures[2]["what"] == "password");
  CHECK(failures[3]["kind"] == "sign_in");
  CHECK(failures[3]["what"] == "second_step_app");
}

TEST_CASE("a first security question is no step-up for a member with two-step", "[two_step][gates]") {
  DaemonProcess d(two_step_options());
  auto lu = join_confirmed(d, "lu@example.com");
  auto session = sign_in(d, lu);
  auto started = post(d, "/api/v1/me/two-step/app", {{"password", kPassword}}, bearer(session.token));
  REQUIRE_STATUS(started, 201);
  REQUIRE_STATUS(post(d, "/api/v1/me/two-step/app/confirm", {{"code", oathtool(body_of(started)["secret"], -30)}},
                      bearer(session.token)),
                 200);
  auto set = put(d, "/api/v1/me/security-question",
                 {{"question_id", kQuestion}, {"answer", kAnswer}, {"current_password", kPassword}},
                 bearer(session.token));
  CHECK_STATUS(set, 204);  // set, but no privilege (it would be 200 with a new token)
  CHECK_PROBLEM(put(d, "/api/v1/me/password", {{"new_password", "a brand new passphrase 77"},
                                               {"new_password_confirm", "a brand new passphrase 77"}},
                    bearer(session.token)),
                403, "step_up_required");
}

TEST_CASE("the console's sign-in asks an admin with two-step for the second step too", "[two_step][gates][console]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess d(two_step_options(backend));
  // The bootstrap admin turns on an authenticator app.
  auto admin_session = post(d, "/api/v1/admin/session", {{"email", memberd::test::kAdminEmail},
                                                        {"password", memberd::test::kAdminPassword}});
  REQUIRE_STATUS(admin_session, 201);
  std::string token = body_of(admin_session)["token"];
  auto started = post(d, "/api/v1/me/two-step/app", {{"password", memberd::test::kAdminPassword}}, bearer(token));
  REQUIRE_STATUS(started, 201);
  std::string secret = body_of(started)["secret"];
  REQUIRE_STATUS(post(d, "/api/v1/me/two-step/app/confirm", {{"code", oathtool(secret, -30)}}, bearer(token)), 200);

  // The password alone opens no console session any more.
  auto again = post(d, "/api/v1/admin/session", {{"email", memberd::test::kAdminEmail},
                                                {"password", memberd::test::kAdminPassword}});
  REQUIRE_STATUS(again, 202);
  CHECK(cookie_value(again, "memberd_session").empty());
  // The audit log has the sign-in once the second step ends it, not before
  // (the console's route never sees it end), and one record for it.
  auto console_sign_ins = [&] {
    auto r = d.unix_socket()->Get("/api/v1/admin/audit?action=console.sign_in");
    REQUIRE(r);
    REQUIRE(r->status == 200);
    return json::parse(r->body)["items"];
  };
  REQUIRE(console_sign_ins().size() == 1);
  auto finished = second_step(d, body_of(again)["second_step"]["challenge"], "totp", oathtool(secret, 30));
  REQUIRE_STATUS(finished, 201);
  CHECK_STATUS(get(d, "/api/v1/admin/members", bearer(body_of(finished)["token"])), 200);
  auto recorded = console_sign_ins();
  REQUIRE(recorded.size() == 2);
  CHECK(recorded[0]["admin"] == memberd::test::kAdminEmail);
  CHECK(recorded[0]["result"] == "done");
  CHECK(recorded[0]["ip"] == "127.0.0.1");
  // Told apart from the password-only sign-in before it.
  CHECK(recorded[0]["detail"]["method"] == "second_step");
  CHECK(recorded[1]["detail"]["method"] == "password");
  // A member's sign-in through the same second step is no admin action.
  auto ivy = enrol(d, "ivy@example.com");
  REQUIRE_STATUS(second_step(d, challenge(d, "ivy@example.com"), "recovery_code", ivy.recovery_codes[0]), 201);
  CHECK(console_sign_ins().size() == 2);

  // Without the plugin: refused, never let in on the password; the socket still acts.
  REQUIRE_STATUS(d.unix_socket()->Post("/api/v1/admin/plugins/two_step/unload"), 200);
  CHECK_PROBLEM(post(d, "/api/v1/admin/session", {{"email", memberd::test::kAdminEmail},
                                                  {"password", memberd::test::kAdminPassword}}),
                503, "unavailable");
  CHECK_STATUS(d.unix_socket()->Get("/api/v1/admin/members"), 200);
}

TEST_CASE("two-step verification raises the security level, and the advice suggests it", "[two_step][security_level]") {
  auto o = two_step_options();
  o.plugins.push_back("security_level");
  DaemonProcess d(o);
  auto ro = joined_and_stepped_up(d, "ro@example.com");
  auto level = [&]() { return body_of(get(d, "/api/v1/me/security", bearer(ro.session.token))); };
  auto check = [](const json& s, const std::string& id) {
    for (const auto& c : s["checks"])
      if (c["id"] == id) return c;
    return json();
  };
  auto before = level();
  CHECK(before["level"] == "high");
  CHECK(check(before, "two_step")["ok"] == false);
  CHECK(check(before, "two_step")["suggestion"] == true);
  CHECK(check(before, "two_step")["advice"].get<std::string>().find("two-step") != std::string::npos);

  auto started = post(d, "/api/v1/me/two-step/app", {{"password", kPassword}}, bearer(ro.session.token));
  REQUIRE_STATUS(started, 201);
  REQUIRE_STATUS(post(d, "/api/v1/me/two-step/app/confirm", {{"code", oathtool(body_of(started)["secret"], -30)}},
                      bearer(ro.session.token)),
                 200);
  json after;
  for (int i = 0; i < 50 && (after = level())["level"] != "very_high"; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(after["level"] == "very_high");
  CHECK(check(after, "two_step")["ok"] == true);
  CHECK(check(after, "passkey")["ok"] == false);  // the next suggestion
}
