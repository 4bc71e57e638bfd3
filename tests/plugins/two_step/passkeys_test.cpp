// Passkeys through the API with a software authenticator built from a test
// key (test_authenticator.hpp): adding them (attestation "none" and
// "packed" self attestation), signing in with one alone and as the second
// step, naming and removing them; and what must be refused: a forged
// signature, another origin, a reused challenge, a counter going backwards,
// malformed input of every kind.
#include "test_authenticator.hpp"
#include "two_step_client.hpp"

#include <memberd/base64.hpp>

#include <catch2/catch.hpp>

using namespace memberd::test::credentials;
using namespace memberd::test::two_step;
using memberd::test::DaemonProcess;
using nlohmann::json;

namespace {

const std::string kOrigin = "https://market.example";

DaemonOptions passkey_options(const std::string& backend = "sqlite", std::vector<std::string> sets = {}) {
  sets.push_back("http.public_url=" + kOrigin);
  return two_step_options(backend, std::move(sets));
}

struct Registered {
  Session session;
  TestAuthenticator key{"market.example"};
  std::string user_handle;
  json added;
};

// With two-step on, adding a factor asks for the second step too: `proof`.
json creation_options(const DaemonProcess& d, const Session& s, const json& proof = nullptr) {
  json body{{"password", kPassword}};
  if (!proof.is_null()) body["second_step"] = proof;
  auto r = post(d, "/api/v1/me/two-step/passkeys/options", body, bearer(s.token));
  REQUIRE_STATUS(r, 200);
  return body_of(r)["publicKey"];
}

json recovery(const json& added, int i) {
  return {{"method", "recovery_code"}, {"code", added["recovery_codes"][i]}};
}

void register_passkey(const DaemonProcess& d, Registered& r, const std::string& name, bool packed,
                      const json& proof = nullptr) {
  auto options = creation_options(d, r.session, proof);
  CHECK(options["rp"]["id"] == "market.example");
  CHECK(options["authenticatorSelection"]["residentKey"] == "required");
  r.user_handle = *memberd::base64_decode(options["user"]["id"].get<std::string>());
  auto added = post(d, "/api/v1/me/two-step/passkeys",
                    {{"name", name}, {"credential", r.key.create(options["challenge"], kOrigin, packed)}},
                    bearer(r.session.token));
  REQUIRE_STATUS(added, 201);
  r.added = body_of(added);
  r.key.user_handle = r.user_handle;
}

std::string passkey_challenge(const DaemonProcess& d) {
  auto r = post_empty(d, "/api/v1/session/passkey/options");
  REQUIRE_STATUS(r, 200);
  CHECK(body_of(r)["publicKey"]["userVerification"] == "required");
  return body_of(r)["publicKey"]["challenge"].get<std::string>();
}

httplib::Result passkey_sign_in(const DaemonProcess& d, const json& credential) {
  return post(d, "/api/v1/session/passkey", {{"credential", credential}});
}

}  // namespace

TEST_CASE("passkeys: add, sign in alone and as the second step, rename, remove", "[two_step][passkeys]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess d(passkey_options(backend));
  join_confirmed(d, "mo@example.com");
  Registered mo;
  mo.session = sign_in(d, "mo@example.com", kPassword);
  register_passkey(d, mo, "  Laptop  ", false);
  CHECK(mo.added["passkey"]["name"] == "Laptop");
  CHECK(mo.added["enabled"] == true);
  CHECK(mo.added["recovery_codes"].size() == 10);  // the first factor brings them
  CHECK(!wait_for_mail(d, "mo@example.com", "A passkey was added").empty());

  // A passkey alone: no email, no password.
  auto alone = passkey_sign_in(d, mo.key.get(passkey_challenge(d), kOrigin, 1));
  REQUIRE_STATUS(alone, 201);
  CHECK(body_of(alone)["member_id"] == mo.session.member_id);
  CHECK(me(d, body_of(alone)["token"])["email"] == "mo@example.com");

  // The password now asks for a second step, which the passkey passes.
  auto first = sign_in_raw(d, "mo@example.com", kPassword);
  REQUIRE_STATUS(first, 202);
  CHECK(body_of(first)["second_step"]["methods"] == json::array({"passkey", "recovery_code"}));
  std::string challenge_token = body_of(first)["second_step"]["challenge"];
  auto options = post(d, "/api/v1/session/second-step/passkey-options", {{"challenge", challenge_token}});
  REQUIRE_STATUS(options, 200);
  CHECK(body_of(options)["publicKey"]["allowCredentials"][0]["id"] == mo.key.credential_id());
  auto second = post(d, "/api/v1/session/second-step",
                     {{"challenge", challenge_token}, {"method", "passkey"},
                      {"credential", mo.key.get(body_of(options)["publicKey"]["challenge"], kOrigin, 2, 0x01)}});
  REQUIRE_STATUS(second, 201);

  // A second passkey with packed self attestation; with two-step on, the
  // password alone no longer adds one.
  CHECK_PROBLEM(post(d, "/api/v1/me/two-step/passkeys/options", {{"password", kPassword}}, bearer(mo.session.token)),
                403, "second_step_required");
  Registered phone;
  phone.session = mo.session;
  register_passkey(d, phone, "Phone", true, recovery(mo.added, 0));
  CHECK(phone.added["recovery_codes"].empty());

  auto state = body_of(get(d, "/api/v1/me/two-step", bearer(mo.session.token)));
  REQUIRE(state["passkeys"].size() == 2);
  auto named = [&](const json& list, const std::string& name) {
    for (const auto& key : list)
      if (key["name"] == name) return key;
    FAIL("no passkey named " << name << " in " << list.dump());
    return json();
  };
  CHECK(named(state["passkeys"], "Laptop")["last_used_at"].is_string());
  CHECK(named(state["passkeys"], "Phone")["last_used_at"].is_null());
  std::string laptop = named(state["passkeys"], "Laptop")["id"], phone_id = named(state["passkeys"], "Phone")["id"];
  CHECK(laptop == mo.key.credential_id());

  auto renamed = d.http()->Patch("/api/v1/me/two-step/passkeys/" + laptop, bearer(mo.session.token),
                                 json{{"name", "Work laptop"}}.dump(), "application/json");
  CHECK_STATUS(renamed, 200);
  CHECK(named(body_of(get(d, "/api/v1/me/two-step", bearer(mo.session.token)))["passkeys"], "Work laptop")["id"] == laptop);
  // Removing one is for a session made with the second step, not one from
  // before two-step was on.
  CHECK_PROBLEM(del(d, "/api/v1/me/two-step/passkeys/" + laptop, bearer(mo.session.token)), 403,
                "second_step_session_required");
  const auto strong = bearer(body_of(second)["token"]);
  CHECK_STATUS(del(d, "/api/v1/me/two-step/passkeys/" + laptop, strong), 204);
  CHECK_PROBLEM(del(d, "/api/v1/me/two-step/passkeys/" + laptop, strong), 404, "not_found");
  // The last factor goes only by turning two-step off.
  CHECK_PROBLEM(del(d, "/api/v1/me/two-step/passkeys/" + phone_id, strong), 409, "last_factor");
  // A removed passkey signs nobody in.
  CHECK_PROBLEM(passkey_sign_in(d, mo.key.get(passkey_challenge(d), kOrigin, 3)), 401, "passkey_unknown");
}

TEST_CASE("passkeys: the step-up and a reset link take a passkey as the second step", "[two_step][passkeys][gates]") {
  DaemonProcess d(passkey_options());
  auto lee = joined_and_stepped_up(d, "lee@example.com");
  Registered key;
  key.session = lee.session;
  register_passkey(d, key, "Laptop", false);
  Registered other;  // another member's passkey proves nothing about lee
  join_confirmed(d, "ola@example.com");
  other.session = sign_in(d, "ola@example.com", kPassword);
  register_passkey(d, other, "Ola's", false);
  std::uint32_t counter = 1;

  // The step-up, signed in: options that list lee's own passkeys.
  json step{{"current_password", kPassword}, {"answer", kAnswer}};
  auto mine = post_empty(d, "/api/v1/me/two-step/passkeys/assertion-options", bearer(lee.session.token));
  REQUIRE_STATUS(mine, 200);
  CHECK(body_of(mine)["publicKey"]["allowCredentials"].size() == 1);
  step["second_step"] = {{"method", "passkey"},
                         {"credential", other.key.get(body_of(mine)["publicKey"]["challenge"], kOrigin, counter++, 0x01)}};
  CHECK_PROBLEM(post(d, "/api/v1/me/step-up", step, bearer(lee.session.token)), 403, "wrong_code");
  mine = post_empty(d, "/api/v1/me/two-step/passkeys/assertion-options", bearer(lee.session.token));
  step["second_step"]["credential"] = key.key.get(body_of(mine)["publicKey"]["challenge"], kOrigin, counter++, 0x01);
  REQUIRE_STATUS(post(d, "/api/v1/me/step-up", step, bearer(lee.session.token)), 200);

  // A reset link, signed out: options that name nobody.
  std::string link = reset_token(d, "lee@example.com", "lee@example.com");
  auto proof_options = [&] {
    auto r = post_empty(d, "/api/v1/two-step/passkey-proof-options");
    REQUIRE_STATUS(r, 200);
    CHECK(body_of(r)["publicKey"]["allowCredentials"].empty());
    return body_of(r)["publicKey"]["challenge"].get<std::string>();
  };
  json reset{{"answer", kAnswer}, {"new_password", "a passkey-proven passphrase 9"},
             {"new_password_confirm", "a passkey-proven passphrase 9"}};
  reset["second_step"] = {{"method", "passkey"}, {"credential", other.key.get(proof_options(), kOrigin, counter++, 0x01)}};
  CHECK_PROBLEM(post(d, "/api/v1/password-resets/" + link, reset), 403, "wrong_code");
  CHECK_STATUS(sign_in_raw(d, "lee@example.com", "a passkey-proven passphrase 9"), 401);  // nothing changed
  // A challenge is good once.
  std::string once = proof_options();
  reset["second_step"]["credential"] = key.key.get(once, kOrigin, counter++, 0x01);
  REQUIRE_STATUS(post(d, "/api/v1/password-resets/" + link, reset), 204);
  std::string again = reset_token(d, "lee@example.com", "lee@example.com");
  reset["second_step"]["credential"] = key.key.get(once, kOrigin, counter++, 0x01);
  CHECK_PROBLEM(post(d, "/api/v1/password-resets/" + again, reset), 403, "wrong_code");
  // The new password asks for the second step, as before the reset.
  CHECK_STATUS(sign_in_raw(d, "lee@example.com", "a passkey-proven passphrase 9"), 202);
}

TEST_CASE("passkeys: a squatter's passkey stops signing in as the owner's reset takes the account back",
          "[two_step][passkeys][reset]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess d(passkey_options(backend));
  // Someone joined with ana's address (never confirmed) and added a passkey.
  join(d, "ana@example.com", kPassword);
  Registered squatter;
  squatter.session = sign_in(d, "ana@example.com", kPassword);
  register_passkey(d, squatter, "Squatter's key", false);
  REQUIRE_STATUS(passkey_sign_in(d, squatter.key.get(passkey_challenge(d), kOrigin, 1)), 201);
  // A second step the squatter began before the reset dies with it too.
  std::string begun = challenge(d, "ana@example.com");

  std::string link = reset_token(d, "ana@example.com", "ana@example.com");
  REQUIRE_STATUS(complete_reset(d, link, "", "the owner's own passphrase 2026", "the owner's own passphrase 2026"), 204);
  // At once, not when the two_step plugin has heard of it: the core withdrew
  // the second step in the reset's transaction. (Which words depends on
  // whether two_step forgot the passkey before, during or after the check.)
  auto refused = passkey_sign_in(d, squatter.key.get(passkey_challenge(d), kOrigin, 2));
  CHECK_STATUS(refused, 401);
  CHECK_THAT(problem_type(refused), Catch::Matchers::EndsWith(":passkey_unknown") || Catch::Matchers::EndsWith(":passkey_refused"));
  CHECK_PROBLEM(post(d, "/api/v1/session/second-step",
                     {{"challenge", begun}, {"method", "recovery_code"}, {"code", squatter.added["recovery_codes"][0]}}),
                401, "challenge_expired");
  // The owner turns two-step on with a passkey of their own, maybe before
  // two_step heard of the reset: what the squatter set up stays dead.
  Registered owner;
  owner.session = sign_in(d, "ana@example.com", "the owner's own passphrase 2026");
  std::string owners_password = "the owner's own passphrase 2026";
  auto options = post(d, "/api/v1/me/two-step/passkeys/options", {{"password", owners_password}}, bearer(owner.session.token));
  REQUIRE_STATUS(options, 200);
  owner.user_handle = *memberd::base64_decode(body_of(options)["publicKey"]["user"]["id"].get<std::string>());
  REQUIRE_STATUS(post(d, "/api/v1/me/two-step/passkeys",
                      {{"name", "Ana's key"}, {"credential", owner.key.create(body_of(options)["publicKey"]["challenge"], kOrigin)}},
                      bearer(owner.session.token)),
                 201);
  owner.key.user_handle = owner.user_handle;
  CHECK_PROBLEM(passkey_sign_in(d, squatter.key.get(passkey_challenge(d), kOrigin, 3)), 401, "passkey_unknown");
  CHECK_STATUS(passkey_sign_in(d, owner.key.get(passkey_challenge(d), kOrigin, 1)), 201);
  auto state = body_of(get(d, "/api/v1/me/two-step", bearer(owner.session.token)));
  REQUIRE(state["passkeys"].size() == 1);
  CHECK(state["passkeys"][0]["name"] == "Ana's key");
  CHECK(state["recovery_codes"]["left"] == 10);
  auto second = challenge(d, "ana@example.com", owners_password);
  CHECK_PROBLEM(second_step(d, second, "recovery_code", squatter.added["recovery_codes"][1]), 401, "wrong_code");
}

TEST_CASE("passkeys: forged, foreign, replayed and cloned answers are refused", "[two_step][passkeys]") {
  DaemonProcess d(passkey_options("sqlite", {"sign_in.lock_after_failures=50"}));
  join_confirmed(d, "ned@example.com");
  Registered ned;
  ned.session = sign_in(d, "ned@example.com", kPassword);
  register_passkey(d, ned, "Key", false);
  REQUIRE_STATUS(passkey_sign_in(d, ned.key.get(passkey_challenge(d), kOrigin, 5)), 201);

  // A signature with one bit changed.
  auto forged = ned.key.get(passkey_challenge(d), kOrigin, 6);
  std::string signature = *memberd::base64_decode(forged["response"]["signature"].get<std::string>());
  signature[signature.size() / 2] ^= 0x01;
  forged["response"]["signature"] = b64url(signature);
  CHECK_PROBLEM(passkey_sign_in(d, forged), 401, "passkey_refused");
  // Another site's page asked.
  CHECK_PROBLEM(passkey_sign_in(d, ned.key.get(passkey_challenge(d), "https://evil.example", 7)), 401, "passkey_refused");
  // An answer to another ceremony.
  CHECK_PROBLEM(passkey_sign_in(d, ned.key.get(passkey_challenge(d), kOrigin, 7, 0x05, "webauthn.create")), 401,
                "passkey_refused");
  // Without user verification a passkey alone is not enough.
  CHECK_PROBLEM(passkey_sign_in(d, ned.key.get(passkey_challenge(d), kOrigin, 7, 0x01)), 401, "passkey_refused");
  // A challenge is used once, whatever the answer.
  std::string once = passkey_challenge(d);
  REQUIRE_STATUS(passkey_sign_in(d, ned.key.get(once, kOrigin, 8)), 201);
  CHECK_PROBLEM(passkey_sign_in(d, ned.key.get(once, kOrigin, 9)), 401, "challenge_expired");
  // A challenge nobody issued.
  CHECK_PROBLEM(passkey_sign_in(d, ned.key.get(b64url(std::string(32, 'x')), kOrigin, 9)), 401, "challenge_expired");
  // A counter that goes backwards: a cloned authenticator. Refused and logged.
  CHECK_PROBLEM(passkey_sign_in(d, ned.key.get(passkey_challenge(d), kOrigin, 3)), 401, "passkey_refused");
  CHECK(d.output().find("counter went backwards") != std::string::npos);
  // The user handle of another account.
  ned.key.user_handle = std::string(32, 'z');
  CHECK_PROBLEM(passkey_sign_in(d, ned.key.get(passkey_challenge(d), kOrigin, 10)), 401, "passkey_refused");
  ned.key.user_handle = ned.user_handle;
  REQUIRE_STATUS(passkey_sign_in(d, ned.key.get(passkey_challenge(d), kOrigin, 10)), 201);

  // Registration is checked as closely.
  TestAuthenticator other("market.example");
  auto add = [&](const json& credential) {
    return post(d, "/api/v1/me/two-step/passkeys", {{"name", "x"}, {"credential", credential}}, bearer(ned.session.token));
  };
  int code = 0;
  auto options = [&] { return creation_options(d, ned.session, recovery(ned.added, code++)); };
  CHECK_PROBLEM(add(other.create(options()["challenge"], "https://evil.example")), 422, "passkey_refused");
  CHECK_PROBLEM(add(other.create(options()["challenge"], kOrigin, false, 0x01)), 422,
                "passkey_refused");  // no user verification
  TestAuthenticator elsewhere("evil.example");
  CHECK_PROBLEM(add(elsewhere.create(options()["challenge"], kOrigin)), 422, "passkey_refused");
  std::string used = options()["challenge"];
  REQUIRE_STATUS(add(other.create(used, kOrigin, true)), 201);
  TestAuthenticator third("market.example");
  CHECK_PROBLEM(add(third.create(used, kOrigin)), 422, "passkey_refused");  // the challenge was used
  CHECK(body_of(get(d, "/api/v1/me/two-step", bearer(ned.session.token)))["passkeys"].size() == 2);
}

TEST_CASE("passkeys: malformed input gets a clear 4xx and changes nothing", "[two_step][passkeys][input]") {
  DaemonProcess d(passkey_options());
  join_confirmed(d, "oz@example.com");
  Registered oz;
  oz.session = sign_in(d, "oz@example.com", kPassword);
  const auto auth = bearer(oz.session.token);
  auto add = [&](const json& credential) {
    return post(d, "/api/v1/me/two-step/passkeys", {{"name", "x"}, {"credential", credential}}, auth);
  };
  auto with_response = [&](const std::string& challenge, const std::string& attestation) {
    return json{{"id", "AAAA"}, {"type", "public-key"},
                {"response", {{"clientDataJSON", b64url(client_data("webauthn.create", challenge, kOrigin))},
                              {"attestationObject", attestation}}}};
  };
  // Not CBOR at all, CBOR but not a map, a map without authData.
  CHECK_PROBLEM(add(with_response(creation_options(d, oz.session)["challenge"], b64url("not cbor \xff\xfe"))), 422,
                "passkey_refused");
  CHECK_PROBLEM(add(with_response(creation_options(d, oz.session)["challenge"], b64url("\x83\x01\x02\x03"))), 422,
                "passkey_refused");
  CHECK_PROBLEM(add(with_response(creation_options(d, oz.session)["challenge"], b64url("\xa1\x63""fmt\x64none"))), 422,
                "passkey_refused");
  // A CBOR length far past what was sent.
  CHECK_PROBLEM(add(with_response(creation_options(d, oz.session)["challenge"], b64url("\x5b\xff\xff\xff\xff\xff\xff\xff\xff"))),
                422, "passkey_refused");
  // Huge clientDataJSON, and text that is not base64url.
  json huge = with_response("x", b64url("x"));
  huge["response"]["clientDataJSON"] = b64url(std::string(20000, '{'));
  CHECK_PROBLEM(add(huge), 422, "validation");
  json not_base64 = with_response("x", "!!!not base64url!!!");
  CHECK_PROBLEM(add(not_base64), 422, "validation");
  CHECK_PROBLEM(add(json("a string")), 422, "validation");
  CHECK_PROBLEM(add(json::object()), 422, "validation");
  CHECK_PROBLEM(post(d, "/api/v1/me/two-step/passkeys", {{"name", "x"}}, auth), 422, "validation");
  // An assertion of a credential nobody registered.
  TestAuthenticator stranger("market.example");
  CHECK_PROBLEM(passkey_sign_in(d, stranger.get(passkey_challenge(d), kOrigin, 1)), 401, "passkey_unknown");
  CHECK_PROBLEM(post(d, "/api/v1/session/passkey", {{"credential", {{"id", "@@"}}}}), 422, "validation");
  // Nothing of that added a passkey or turned two-step on.
  auto state = body_of(get(d, "/api/v1/me/two-step", auth));
  CHECK(state["passkeys"].empty());
  CHECK(state["enabled"] == false);
  // Without a host name in the public URL there is no relying party.
  DaemonProcess plain(two_step_options());
  CHECK_PROBLEM(post_empty(plain, "/api/v1/session/passkey/options"), 409, "passkeys_unavailable");
}
