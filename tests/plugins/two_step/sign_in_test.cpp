// Two-step verification at sign-in, end to end against Debian's oathtool:
// enrolment, the second step, replay, drift, recovery codes, the shared
// lock, turning it off, and failing closed when the plugin is gone.
#include "two_step_client.hpp"

#include "support/throwaway_postgres.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

using namespace memberd::test::credentials;
using namespace memberd::test::two_step;
using memberd::test::DaemonProcess;
using nlohmann::json;

TEST_CASE("an authenticator app: enrol, sign in, each code once, a little drift", "[two_step][sign_in]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess d(two_step_options(backend));
  auto ann = enrol(d, "ann@example.com");

  auto state = body_of(get(d, "/api/v1/me/two-step", bearer(ann.member.session.token)));
  CHECK(state["enabled"] == true);
  CHECK(state["app"]["state"] == "on");
  CHECK(state["recovery_codes"]["left"] == 10);
  CHECK(!wait_for_mail(d, "ann@example.com", "Two-step verification is on").empty());

  // The right password alone is not a session any more.
  auto first = sign_in_raw(d, "ann@example.com", kPassword);
  REQUIRE_STATUS(first, 202);
  CHECK(cookie_value(first, "memberd_session").empty());
  CHECK(body_of(first).contains("token") == false);
  CHECK(body_of(first)["second_step"]["methods"] == json::array({"totp", "recovery_code"}));
  std::string challenge_token = body_of(first)["second_step"]["challenge"];

  // The step after now (the phone a little fast); the confirmation used the one before.
  std::string code = oathtool(ann.secret, 30);
  auto signed_in = second_step(d, challenge_token, "totp", code.substr(0, 3) + " " + code.substr(3));
  REQUIRE_STATUS(signed_in, 201);
  CHECK(me(d, body_of(signed_in)["token"])["email"] == "ann@example.com");
  CHECK_FALSE(cookie_value(signed_in, "memberd_session").empty());
  // The challenge is used up.
  CHECK_PROBLEM(second_step(d, challenge_token, "totp", oathtool(ann.secret)), 401, "challenge_expired");

  // The same code again, on a new challenge: refused (replay), and so is
  // any older step.
  CHECK_PROBLEM(second_step(d, challenge(d, "ann@example.com"), "totp", code), 401, "wrong_code");
  CHECK_PROBLEM(second_step(d, challenge(d, "ann@example.com"), "totp", oathtool(ann.secret)), 401, "wrong_code");
  // Two steps away is too far, either way.
  CHECK_PROBLEM(second_step(d, challenge(d, "ann@example.com"), "totp", oathtool(ann.secret, 90)), 401, "wrong_code");

  check_log_has_none_of(d, {kPassword, ann.secret, challenge_token, ann.recovery_codes[0]});
}

TEST_CASE("the database down in the middle of a sign-in: 503 with Retry-After, then the same challenge works",
          "[two_step][outage][postgresql]") {
  memberd::test::ThrowawayPostgres postgres;
  auto options = two_step_options("postgresql", {"sessions.cache_ttl=0s"});
  options.database_url = postgres.url();
  DaemonProcess d(options);
  auto eve = enrol(d, "eve@example.com");
  std::string challenge_token = challenge(d, "eve@example.com");

  postgres.stop("fast");
  for (const auto& r : {second_step(d, challenge_token, "totp", oathtool(eve.secret, 30)),
                        sign_in_raw(d, "eve@example.com", kPassword)}) {
    CHECK_PROBLEM(r, 503, "unavailable");
    CHECK(r->get_header_value("Retry-After") != "");
  }
  postgres.start();
  // The pool reconnects on its next lease; nothing was used up meanwhile.
  int status = 0;
  for (int i = 0; i < 150; ++i) {
    auto r = second_step(d, challenge_token, "totp", oathtool(eve.secret, 30));
    status = status_of(r);
    if (status != 503) {
      INFO(describe(r));
      CHECK(status == 201);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(status == 201);
  CHECK(d.output().find("handler failed") == std::string::npos);
}

TEST_CASE("recovery codes: each once, and the member is mailed", "[two_step][recovery]") {
  DaemonProcess d(two_step_options());
  auto bo = enrol(d, "bo@example.com");
  auto used = second_step(d, challenge(d, "bo@example.com"), "recovery_code", " " + bo.recovery_codes[3] + " ");
  REQUIRE_STATUS(used, 201);
  CHECK(!wait_for_mail(d, "bo@example.com", "A recovery code was used").empty());
  CHECK_PROBLEM(second_step(d, challenge(d, "bo@example.com"), "recovery_code", bo.recovery_codes[3]), 401,
                "wrong_code");
  // Upper case and without the hyphen is the same code.
  std::string typed = bo.recovery_codes[4];
  typed.erase(5, 1);
  for (auto& c : typed) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  REQUIRE_STATUS(second_step(d, challenge(d, "bo@example.com"), "recovery_code", typed), 201);
  auto state = body_of(get(d, "/api/v1/me/two-step", bearer(body_of(used)["token"])));
  CHECK(state["recovery_codes"]["left"] == 8);

  // New codes void the old ones; they ask for the password again.
  const auto auth = bearer(bo.member.session.token);
  CHECK_PROBLEM(post(d, "/api/v1/me/two-step/recovery-codes", {{"password", "not it"}}, auth), 403, "wrong_password");
  CHECK_PROBLEM(post(d, "/api/v1/me/two-step/recovery-codes", json::object(), auth), 422, "validation");
  // The password and a session are not enough: the second step too.
  CHECK_PROBLEM(post(d, "/api/v1/me/two-step/recovery-codes", {{"password", kPassword}}, auth), 403,
                "second_step_required");
  auto renewed = post(d, "/api/v1/me/two-step/recovery-codes",
                      {{"password", kPassword},
                       {"second_step", {{"method", "recovery_code"}, {"code", bo.recovery_codes[6]}}}},
                      auth);
  REQUIRE_STATUS(renewed, 201);
  CHECK(body_of(renewed)["recovery_codes"].size() == 10);
  CHECK_PROBLEM(second_step(d, challenge(d, "bo@example.com"), "recovery_code", bo.recovery_codes[5]), 401,
                "wrong_code");
  REQUIRE_STATUS(second_step(d, challenge(d, "bo@example.com"), "recovery_code",
                             body_of(renewed)["recovery_codes"][0].get<std::string>()),
                 201);
}

TEST_CASE("wrong codes count on the password's lock", "[two_step][lock]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess d(two_step_options(backend, {"sign_in.lock_after_failures=4"}));
  auto cy = enrol(d, "cy@example.com");
  CHECK_PROBLEM(sign_in_raw(d, "cy@example.com", "a wrong password, once"), 401, "bad_credentials");
  // The right password clears nothing: the codes guessed next go on counting.
  std::string c1 = challenge(d, "cy@example.com");
  auto wrong = second_step(d, c1, "totp", "000000");
  CHECK_PROBLEM(wrong, 401, "wrong_code");
  CHECK(body_of(wrong)["attempts_left"] == 2);
  CHECK_PROBLEM(second_step(d, c1, "totp", "111111"), 401, "wrong_code");
  auto locked = second_step(d, c1, "recovery_code", "aaaaa-aaaaa");
  CHECK_PROBLEM(locked, 429, "locked");
  CHECK(retry_after(locked) >= 1);
  // Locked for the password too, and for the right code.
  CHECK_PROBLEM(sign_in_raw(d, "cy@example.com", kPassword), 429, "locked");
  CHECK_PROBLEM(second_step(d, c1, "totp", oathtool(cy.secret, 30)), 429, "locked");
}

TEST_CASE("the challenge belongs to the client that asked, and bad input changes nothing", "[two_step][input]") {
  DaemonProcess d(two_step_options());
  auto di = enrol(d, "di@example.com");
  std::string c = challenge(d, "di@example.com");
  // Another browser with the token: as if it had expired.
  CHECK_PROBLEM(second_step(d, c, "totp", oathtool(di.secret, 30), {{"User-Agent", "another browser"}}), 401,
                "challenge_expired");
  CHECK_PROBLEM(second_step(d, "not-a-challenge", "totp", oathtool(di.secret, 30)), 401, "challenge_expired");
  CHECK_PROBLEM(second_step(d, std::string(5000, 'x'), "totp", "123456"), 401, "challenge_expired");
  for (std::string bad : {"12345", "1234567", "12a456", "", "１２３４５６"}) {
    INFO("code " << bad);
    auto r = second_step(d, c, "totp", bad);
    CHECK_PROBLEM(r, 422, "validation");
    CHECK(has_field_error(body_of(r), "code"));
  }
  CHECK_PROBLEM(second_step(d, c, "sms", "123456"), 422, "validation");
  CHECK_PROBLEM(second_step(d, c, "recovery_code", "not a code!"), 422, "validation");
  CHECK_STATUS(d.http()->Post("/api/v1/session/second-step", "{not json", "application/json"), 400);
  // None of that used the challenge up or counted.
  REQUIRE_STATUS(second_step(d, c, "totp", oathtool(di.secret, 30)), 201);
}

TEST_CASE("turning it off needs the password and a code", "[two_step][off]") {
  DaemonProcess d(two_step_options());
  auto ed = enrol(d, "ed@example.com");
  const auto auth = bearer(ed.member.session.token);
  auto off = [&](const std::string& password, const std::string& code) {
    return post(d, "/api/v1/me/two-step/turn-off", {{"password", password}, {"method", "recovery_code"}, {"code", code}},
                auth);
  };
  CHECK_PROBLEM(off("", ed.recovery_codes[0]), 422, "validation");
  CHECK_PROBLEM(off("not my password", ed.recovery_codes[0]), 403, "wrong_password");
  CHECK_PROBLEM(off(kPassword, "aaaaa-aaaaa"), 403, "wrong_code");
  REQUIRE_STATUS(off(kPassword, ed.recovery_codes[0]), 200);
  CHECK(!wait_for_mail(d, "ed@example.com", "Two-step verification is off").empty());
  CHECK(body_of(get(d, "/api/v1/me/two-step", auth))["enabled"] == false);
  // The password alone signs in again.
  REQUIRE_STATUS(sign_in_raw(d, "ed@example.com", kPassword), 201);
  CHECK_PROBLEM(off(kPassword, ed.recovery_codes[1]), 409, "two_step_off");
}

TEST_CASE("without the plugin, enrolled members are refused, others sign in", "[two_step][fail_closed]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess d(two_step_options(backend));
  auto fay = enrol(d, "fay@example.com");
  join(d, "gus@example.com");

  auto operator_socket = d.unix_socket();
  REQUIRE_STATUS(operator_socket->Post("/api/v1/admin/plugins/two_step/unload"), 200);
  auto refused = sign_in_raw(d, "fay@example.com", kPassword);
  CHECK_PROBLEM(refused, 503, "unavailable");
  CHECK(retry_after(refused) >= 1);
  CHECK(body_of(refused)["detail"].get<std::string>().find("Two-step verification is unavailable") != std::string::npos);
  CHECK(cookie_value(refused, "memberd_session").empty());
  // The refusal counted nothing: the password was right.
  REQUIRE_STATUS(sign_in_raw(d, "gus@example.com", kPassword), 201);

  REQUIRE_STATUS(operator_socket->Post("/api/v1/admin/plugins/two_step/reload"), 200);
  REQUIRE_STATUS(second_step(d, challenge(d, "fay@example.com"), "totp", oathtool(fay.secret, 30)), 201);
}

TEST_CASE("hot swaps of two_step during sign-ins: nobody in on the password alone, nobody failed",
          "[two_step][swap]") {
  DaemonProcess d(two_step_options());
  auto hal = enrol(d, "hal@example.com");
  std::atomic<bool> done{false};
  std::atomic<int> challenges{0}, other{0};
  std::thread signer([&] {
    while (!done) {
      auto r = sign_in_raw(d, "hal@example.com", kPassword);
      if (status_of(r) == 202)
        ++challenges;
      else
        ++other;
    }
  });
  auto operator_socket = d.unix_socket();
  for (int i = 0; i < 5; ++i) REQUIRE_STATUS(operator_socket->Post("/api/v1/admin/plugins/two_step/reload"), 200);
  done = true;
  signer.join();
  CHECK(challenges > 0);
  CHECK(other == 0);
}

TEST_CASE("two_step does not start without its key, and says so", "[two_step][key]") {
  auto o = two_step_options();
  o.env.erase("MEMBERD_TWO_STEP_KEY");
  DaemonProcess d(o);
  auto error = load_error(d, "two_step");
  CHECK(error.find("MEMBERD_TWO_STEP_KEY") != std::string::npos);
  CHECK(error.find("openssl rand -hex 32") != std::string::npos);

  auto readable = two_step_options();
  std::string path = d.data_dir() + "/readable.key";
  { std::ofstream(path) << kKey << "\n"; }
  std::filesystem::permissions(path, std::filesystem::perms::others_read, std::filesystem::perm_options::add);
  readable.sets.push_back("two_step.secret_key_file=" + path);
  DaemonProcess d2(readable);
  CHECK(load_error(d2, "two_step").find("chmod o-r") != std::string::npos);
}

TEST_CASE("an admin sees a member's factors and removes them with a reason that is kept", "[two_step][admin]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess d(two_step_options(backend));
  auto pat = enrol(d, "pat@example.com");
  const std::string path = "/api/v1/admin/members/" + pat.member.account.member_id + "/two-step";
  auto shown = get(d, path, admin(d));
  REQUIRE_STATUS(shown, 200);
  auto view = body_of(shown);
  CHECK(view["enabled"] == true);
  REQUIRE(view["factors"].size() == 2);
  CHECK(view["factors"][0]["kind"] == "app");
  CHECK(view["factors"][1]["name"] == "10 of 10 left");
  CHECK(view.dump().find(pat.secret.substr(0, 4)) == std::string::npos);  // never a secret
  // Members may not; a reason is needed.
  CHECK_PROBLEM(get(d, path, bearer(pat.member.session.token)), 403, "forbidden");
  CHECK_PROBLEM(post(d, path + "/removal", {{"reason", "short"}}, admin(d)), 422, "validation");
  CHECK(body_of(get(d, path, admin(d)))["enabled"] == true);

  auto removed = post(d, path + "/removal", {{"reason", "Called from the number on file; passport seen on video."}},
                      admin(d));
  REQUIRE_STATUS(removed, 200);
  CHECK(body_of(removed)["enabled"] == false);
  CHECK(body_of(removed)["factors"].empty());
  REQUIRE(body_of(removed)["actions"].size() == 1);
  CHECK(body_of(removed)["actions"][0]["by"] == "admin@memberd.local");
  CHECK(body_of(removed)["actions"][0]["reason"] == "Called from the number on file; passport seen on video.");
  CHECK(!wait_for_mail(d, "pat@example.com", "removed from your account").empty());
  REQUIRE_STATUS(sign_in_raw(d, "pat@example.com", kPassword), 201);
  CHECK_PROBLEM(post(d, path + "/removal", {{"reason", "Called from the number on file again."}}, admin(d)), 409,
                "two_step_off");
  CHECK_PROBLEM(get(d, "/api/v1/admin/members/no-such-member/two-step", admin(d)), 404, "not_found");
}

TEST_CASE("remember this device: opt-in, listed, forgotten, ended by a password change", "[two_step][remember]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess d(two_step_options(backend));
  auto sam = enrol(d, "sam@example.com");
  // Not asked: nothing remembered.
  auto plain = second_step(d, challenge(d, "sam@example.com"), "recovery_code", sam.recovery_codes[0]);
  REQUIRE_STATUS(plain, 201);
  CHECK(cookie_value(plain, "memberd_two_step_device").empty());

  auto asked = post(d, "/api/v1/session/second-step", {{"challenge", challenge(d, "sam@example.com")},
                                                       {"method", "recovery_code"}, {"code", sam.recovery_codes[1]},
                                                       {"remember", true}});
  REQUIRE_STATUS(asked, 201);
  std::string cookie = cookie_value(asked, "memberd_two_step_device");
  REQUIRE(!cookie.empty());
  CHECK(set_cookie_header(asked, "memberd_two_step_device").find("HttpOnly") != std::string::npos);
  const httplib::Headers on_this_browser{{"Cookie", "memberd_two_step_device=" + cookie}};
  auto sign_in_here = [&] {
    return post(d, "/api/v1/session", {{"email", "sam@example.com"}, {"password", kPassword}}, on_this_browser);
  };
  // This browser: the password alone. Another: the second step, as before.
  REQUIRE_STATUS(sign_in_here(), 201);
  REQUIRE_STATUS(sign_in_raw(d, "sam@example.com", kPassword), 202);
  // Another member's cookie does nothing for this one.
  auto other = enrol(d, "tia@example.com");
  CHECK_STATUS(post(d, "/api/v1/session", {{"email", "tia@example.com"}, {"password", kPassword}}, on_this_browser), 202);

  // Listed, and forgotten from the page.
  std::string token = body_of(asked)["token"];
  auto state = body_of(get(d, "/api/v1/me/two-step", bearer(token)));
  REQUIRE(state["remembered_devices"].size() == 1);
  std::string id = state["remembered_devices"][0]["id"];
  CHECK(cookie.find(id) == std::string::npos);  // the id is not the token
  CHECK_STATUS(del(d, "/api/v1/me/two-step/remembered-devices/" + id, bearer(token)), 204);
  CHECK_STATUS(sign_in_here(), 202);
  CHECK_PROBLEM(del(d, "/api/v1/me/two-step/remembered-devices/" + id, bearer(token)), 404, "not_found");

  // Remembered again, then the password changes (with the step-up's second step): forgotten.
  auto again = post(d, "/api/v1/session/second-step", {{"challenge", challenge(d, "sam@example.com")},
                                                      {"method", "recovery_code"}, {"code", sam.recovery_codes[2]},
                                                      {"remember", true}});
  REQUIRE_STATUS(again, 201);
  const httplib::Headers again_here{{"Cookie", "memberd_two_step_device=" + cookie_value(again, "memberd_two_step_device")}};
  REQUIRE_STATUS(post(d, "/api/v1/session", {{"email", "sam@example.com"}, {"password", kPassword}}, again_here), 201);
  std::string t = body_of(again)["token"];
  auto stepped = post(d, "/api/v1/me/step-up",
                      {{"current_password", kPassword}, {"answer", kAnswer},
                       {"second_step", {{"method", "recovery_code"}, {"code", sam.recovery_codes[3]}}}},
                      bearer(t));
  REQUIRE_STATUS(stepped, 200);
  REQUIRE_STATUS(put(d, "/api/v1/me/password", {{"new_password", "a brand new passphrase 77"},
                                                {"new_password_confirm", "a brand new passphrase 77"}},
                     bearer(body_of(stepped)["token"])),
                 204);
  int status = 0;
  for (int i = 0; i < 100 && status != 202; ++i) {
    status = status_of(post(d, "/api/v1/session", {{"email", "sam@example.com"}, {"password", "a brand new passphrase 77"}},
                            again_here));
    if (status != 202) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK(status == 202);
  (void)other;
}
