// Passkeys (WebAuthn): adding one from this browser, naming and removing
// them, signing in with one alone (a discoverable credential: no email
// typed), and the options for using one as the second step.
#include "code_check.hpp"
#include "credential_json.hpp"
#include "factors.hpp"
#include "mails.hpp"
#include "passkeys.hpp"
#include "recovery_codes.hpp"
#include "routes.hpp"
#include "wrong_guesses.hpp"

#include <memberd/base64.hpp>
#include <memberd/client_network.hpp>
#include <memberd/database.hpp>
#include <memberd/json.hpp>
#include <memberd/session_cookies.hpp>
#include <memberd/sign_in_factors.hpp>
#include <memberd/text.hpp>

#include <nlohmann/json.hpp>

namespace memberd::two_step {

namespace {

constexpr int kCeremonyMilliseconds = 300000;

std::optional<Response> no_relying_party(const Context& ctx) {
  if (!ctx.rp.id.empty()) return std::nullopt;
  return problem(409, "passkeys_unavailable", "Passkeys are not available here",
                 "The operator must set http.public_url to an address with a host name for passkeys to work.");
}

nlohmann::json algorithms() {
  return nlohmann::json::array({{{"type", "public-key"}, {"alg", kCoseEs256}},
                                {{"type", "public-key"}, {"alg", kCoseEdDsa}},
                                {{"type", "public-key"}, {"alg", kCoseRs256}}});
}

nlohmann::json descriptors(const std::vector<PasskeyRow>& keys) {
  auto out = nlohmann::json::array();
  for (const auto& key : keys) out.push_back({{"type", "public-key"}, {"id", key.credential_id}});
  return out;
}

Response refused(const std::string& why) {
  return Problem(422, "passkey_refused", "This passkey cannot be used").detail(why).field("credential", why).response();
}

// POST /api/v1/me/two-step/passkeys/options: what navigator.credentials.create() needs.
Response creation_options(Context& ctx, const Request& req) {
  if (auto none = no_relying_party(ctx)) return *none;
  const auto& caller = req.caller();
  if (auto refusal = password_problem(ctx, req)) return *refusal;
  if (auto refusal = second_step_problem(ctx, req)) return *refusal;
  auto keys = member_passkeys(req.work(), caller.member_id);
  if (!keys) return refusal_problem(keys.failure());
  if (keys->size() >= kMaxPasskeysPerMember)
    return problem(409, "too_many_passkeys", "You have the most passkeys there can be",
                   "Remove one you no longer use first.");
  auto challenge = issue_ceremony_challenge(ctx, req, CeremonyPurpose::register_key, caller.member_id);
  if (!challenge) return refusal_problem(challenge.failure());
  return json_response(
      200, {{"publicKey",
             {{"challenge", *challenge},
              {"rp", {{"id", ctx.rp.id}, {"name", ctx.settings.issuer}}},
              {"user", {{"id", base64_encode(passkey_user_handle(ctx, caller.member_id), Base64::url)},
                        {"name", caller.email},
                        {"displayName", caller.email}}},
              {"pubKeyCredParams", algorithms()},
              {"timeout", kCeremonyMilliseconds},
              {"attestation", "none"},
              {"authenticatorSelection",
               {{"residentKey", "required"}, {"requireResidentKey", true}, {"userVerification", "required"}}},
              {"excludeCredentials", descriptors(*keys)}}}});
}

std::string passkey_name(const nlohmann::json& body) {
  std::string name = valid_utf8(string_field(body, "name").value_or(""), 64);
  while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.pop_back();
  while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) name.erase(0, 1);
  return name;
}

nlohmann::json passkey_json(const Context& ctx, const PasskeyRow& row) {
  auto time = [&](std::int64_t t) -> nlohmann::json {
    if (t == 0) return nullptr;
    return ctx.host.clock().format(std::chrono::system_clock::time_point(std::chrono::seconds(t)));
  };
  return {{"id", row.credential_id}, {"name", row.name}, {"created_at", time(row.created_at)},
          {"last_used_at", time(row.last_used_at)}};
}

// POST /api/v1/me/two-step/passkeys: the browser's new credential.
Response add(Context& ctx, const Request& req) {
  if (auto none = no_relying_party(ctx)) return *none;
  auto& work = req.work();
  const auto& caller = req.caller();
  std::string name = passkey_name(req.json());
  if (name.empty()) name = "Passkey";
  auto credential = req.json().find("credential");
  auto read = read_credential(credential == req.json().end() ? nlohmann::json() : *credential, CeremonyKind::create);
  if (auto* bad = std::get_if<std::pair<std::string, std::string>>(&read)) return field_problem(bad->first, bad->second);
  const auto& answer = std::get<CredentialJson>(read);
  std::string challenge = echoed_challenge(answer.client_data_json);
  auto issued = use_ceremony_challenge(ctx, req, CeremonyPurpose::register_key, challenge);
  if (!issued) return refusal_problem(issued.failure());
  if (!*issued || **issued != caller.member_id)
    return refused("This passkey answered a request that has expired or was already used. Try again.");
  auto made = verify_registration(ctx.rp, answer.client_data_json, answer.attestation_object, challenge);
  if (auto* why = std::get_if<WebauthnRefusal>(&made)) {
    ctx.host.logger().info("passkey not added", {{"member_id", caller.member_id}, {"reason", *why}});
    return refused(*why);
  }
  const auto& key = std::get<NewPasskey>(made);
  auto keys = member_passkeys(work, caller.member_id);
  if (!keys) return refusal_problem(keys.failure());
  if (keys->size() >= kMaxPasskeysPerMember)
    return problem(409, "too_many_passkeys", "You have the most passkeys there can be", "Remove one first.");
  auto required = ctx.host.sign_in_factors().second_step_required(work, caller.member_id);
  if (!required) return refusal_problem(required.failure());
  // The first factor turns two-step verification on and brings the codes
  // (any stale ones go: forget_stale_factors).
  std::vector<std::string> codes = !*required ? new_recovery_codes() : std::vector<std::string>{};
  auto now = ctx.host.clock().unix_now();
  PasskeyRow row{base64_encode(key.credential_id, Base64::url), caller.member_id, name,
                 StoredPasskey{key.public_key, key.cose_alg, key.sign_count}, now, 0};
  auto tx = WriteTransaction::open(work);
  if (!tx) return refusal_problem(tx.failure());
  if (!*required) MEMBERD_TRY(forget_stale_factors(work, caller.member_id));
  auto added = add_passkey(work, row);
  if (!added) return refusal_problem(added.failure());
  if (!*added) return problem(409, "passkey_exists", "This passkey is already registered");
  if (!codes.empty()) MEMBERD_TRY(replace_recovery_codes(ctx, work, caller.member_id, codes, now));
  if (!*required) {
    MEMBERD_TRY(ctx.host.sign_in_factors().require_second_step(work, caller.member_id, true));
    // Sessions opened on the password alone end as two-step turns on.
    auto ended = ctx.host.accounts().revoke_sessions(work, caller.member_id, caller.session_id);
    if (!ended) return refusal_problem(ended.failure());
  }
  MEMBERD_TRY(ctx.host.events().publish(work, "two_step.passkey_added",
                                        {{"member_id", caller.member_id}, {"format", key.format}, {"ip", req.client_ip()}}));
  if (!*required) {
    MEMBERD_TRY(ctx.host.events().publish(work, "two_step.enabled",
                                          {{"member_id", caller.member_id}, {"factor", "passkey"}, {"ip", req.client_ip()}}));
  }
  MEMBERD_TRY(mail_passkey_added(ctx, work, caller.email, req, name));
  MEMBERD_TRY(tx->commit());
  auto r = json_response(201, {{"passkey", passkey_json(ctx, row)}, {"enabled", true}, {"recovery_codes", codes}});
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

Response rename(const Request& req) {
  std::string name = passkey_name(req.json());
  if (name.empty()) return field_problem("name", "Give the passkey a name, such as the device it is on.");
  auto renamed = rename_passkey(req.work(), req.caller().member_id, req.path_param("id"), name);
  if (!renamed) return refusal_problem(renamed.failure());
  if (!*renamed) return problem(404, "not_found", "No such passkey of yours");
  return json_response(200, {{"id", req.path_param("id")}, {"name", name}});
}

// Removing the last factor would be turning two-step off, which asks for
// the password and a code: that route's work, not this one's.
Response remove(Context& ctx, const Request& req) {
  auto& work = req.work();
  const auto& caller = req.caller();
  // Removing a factor is for a session that passed the second step (or was
  // opened by a passkey), not one made before two-step was on.
  if (req.sign_in_method() == SignInMethod::password)
    return problem(403, "second_step_session_required", "Sign in with your second step first",
                   "This session was opened with your password alone; sign in again to remove a passkey.");
  auto tx = WriteTransaction::open(work);
  if (!tx) return refusal_problem(tx.failure());
  // Read inside the transaction, the rows locked: two removals at once must
  // not both see a factor left and take away the last one.
  auto keys = member_passkeys(work, caller.member_id, true);
  if (!keys) return refusal_problem(keys.failure());
  auto state = read_factors(work, caller.member_id);
  if (!state) return refusal_problem(state.failure());
  std::string id = req.path_param("id");
  const PasskeyRow* found = nullptr;
  for (const auto& key : *keys)
    if (key.credential_id == id) found = &key;
  if (!found) return problem(404, "not_found", "No such passkey of yours");
  if (keys->size() == 1 && !state->app_on)
    return problem(409, "last_factor", "This is your only way to pass two-step verification",
                   "Turn two-step verification off instead, or set up an authenticator app first.");
  std::string name = found->name;
  auto removed = remove_passkey(work, caller.member_id, id);
  if (!removed) return refusal_problem(removed.failure());
  MEMBERD_TRY(ctx.host.events().publish(work, "two_step.passkey_removed", {{"member_id", caller.member_id}, {"ip", req.client_ip()}}));
  MEMBERD_TRY(mail_passkey_removed(ctx, work, caller.email, req, name));
  MEMBERD_TRY(tx->commit());
  return Response{204, "application/json; charset=utf-8", "", {}};
}

// Options for navigator.credentials.get() that name no account: the
// browser offers the passkeys it holds for this site, and nobody learns
// whose passkeys exist. Anyone may ask, so the client's network has a
// budget (shared by both uses).
Response discoverable_options(Context& ctx, const Request& req, CeremonyPurpose purpose,
                              const char* user_verification) {
  if (auto none = no_relying_party(ctx)) return *none;
  MEMBERD_TRY(ctx.host.rate_limits().hit(req.work(), "passkey_options:" + client_network(req.client_ip()),
                                         ctx.settings.passkey_sign_ins_per_network_per_minute,
                                         std::chrono::seconds{60}));
  auto challenge = issue_ceremony_challenge(ctx, req, purpose, "");
  if (!challenge) return refusal_problem(challenge.failure());
  return json_response(200, {{"publicKey",
                              {{"challenge", *challenge},
                               {"rpId", ctx.rp.id},
                               {"timeout", kCeremonyMilliseconds},
                               {"userVerification", user_verification},
                               {"allowCredentials", nlohmann::json::array()}}}});
}

// A passkey alone signs in: its user verified (a PIN, a fingerprint).
Response sign_in_options(Context& ctx, const Request& req) {
  return discoverable_options(ctx, req, CeremonyPurpose::sign_in, "required");
}

// A passkey as the second step of another plugin's flow (the step-up, a
// password reset through a mailed link: signed out, so the member is not
// known here). The answer is sent there as second_step: {method:
// "passkey", credential} and counts only when one of that member's
// passkeys signed it (use_code).
Response proof_options(Context& ctx, const Request& req) {
  return discoverable_options(ctx, req, CeremonyPurpose::second_step, "preferred");
}

Response second_step_options(Context& ctx, const Request& req, const std::string& member_id) {
  if (auto none = no_relying_party(ctx)) return *none;
  auto keys = member_passkeys(req.work(), member_id);
  if (!keys) return refusal_problem(keys.failure());
  if (keys->empty()) return problem(409, "no_passkey", "No passkey is registered for this account");
  auto challenge = issue_ceremony_challenge(ctx, req, CeremonyPurpose::second_step, member_id);
  if (!challenge) return refusal_problem(challenge.failure());
  return json_response(200, {{"publicKey",
                              {{"challenge", *challenge},
                               {"rpId", ctx.rp.id},
                               {"timeout", kCeremonyMilliseconds},
                               {"userVerification", "preferred"},
                               {"allowCredentials", descriptors(*keys)}}}});
}

Response passkey_failed(int status, const char* slug, const std::string& why) {
  return problem(status, slug, "Signing in with this passkey did not work", why);
}

// POST /api/v1/session/passkey: a passkey alone, its user verified by the
// authenticator (a PIN or a fingerprint): no password, no second step.
Response sign_in(Context& ctx, const Request& req) {
  if (auto none = no_relying_party(ctx)) return *none;
  auto& work = req.work();
  auto credential = req.json().find("credential");
  auto read = read_credential(credential == req.json().end() ? nlohmann::json() : *credential, CeremonyKind::get);
  if (auto* bad = std::get_if<std::pair<std::string, std::string>>(&read)) return field_problem(bad->first, bad->second);
  const auto& answer = std::get<CredentialJson>(read);
  std::string challenge = echoed_challenge(answer.client_data_json);
  auto issued = use_ceremony_challenge(ctx, req, CeremonyPurpose::sign_in, challenge);
  if (!issued) return refusal_problem(issued.failure());
  if (!*issued) return passkey_failed(401, "challenge_expired", "This sign-in has expired or was already used. Try again.");
  auto row = find_passkey(work, answer.id);
  if (!row) return refusal_problem(row.failure());
  if (!*row) return passkey_failed(401, "passkey_unknown", "This passkey is not registered here.");
  const PasskeyRow& key = **row;
  // A discoverable credential names its account (WebAuthn L2 7.2 step 6):
  // with no account chosen beforehand, the handle must be there and match.
  if (answer.user_handle.empty() || !ctx.host.secrets().equal(answer.user_handle, passkey_user_handle(ctx, key.member_id)))
    return passkey_failed(401, "passkey_refused", "This passkey does not belong to its account.");
  auto member = ctx.host.accounts().find_by_id(work, key.member_id);
  if (!member) return refusal_problem(member.failure());
  // The same lock as every other way into the account.
  auto& guard = ctx.host.sign_in_guard();
  auto attempt = guard.reserve(work, member->email, key.member_id, device_token(req));
  if (!attempt) return refusal_problem(attempt.failure());
  auto checked = verify_assertion(ctx.rp, answer.client_data_json, answer.authenticator_data, answer.signature,
                                  challenge, key.key, true);
  bool right = std::holds_alternative<CheckedAssertion>(checked);
  std::optional<OpenedSession> session;
  std::string device;
  if (right) {
    auto tx = WriteTransaction::open(work);
    if (!tx) {
      (void)guard.release(work, *attempt);
      return refusal_problem(tx.failure());
    }
    auto recorded = record_passkey_use(work, key.credential_id, key.key.sign_count,
                                       std::get<CheckedAssertion>(checked).sign_count, ctx.host.clock().unix_now());
    if (!recorded) return refusal_problem(recorded.failure());
    right = *recorded;
    if (right) {
      MEMBERD_TRY(guard.succeeded(work, *attempt));
      auto trusted = guard.trust_device(work, key.member_id, device_token(req));
      if (!trusted) return refusal_problem(trusted.failure());
      device = *trusted;
      auto opened = ctx.host.sign_in_factors().open_session(work, key.member_id, req, SignInMethod::passkey);
      if (!opened && opened.failure().refusal == Refusal::not_found) {
        // The member's second step went (an account taken back by its
        // address's owner) before this plugin forgot the passkey.
        tx->rollback();
        (void)guard.release(work, *attempt);
        return passkey_failed(401, "passkey_unknown", "This passkey is not registered here.");
      }
      if (!opened) return refusal_problem(opened.failure());
      session = *opened;
      MEMBERD_TRY(ctx.host.events().publish(work, "session.created",
                                            {{"member_id", key.member_id},
                                             {"session_id", opened->session_id},
                                             {"ip", req.client_ip()},
                                             {"user_agent", req.user_agent()},
                                             {"method", "passkey"}}));
      MEMBERD_TRY(tx->commit());
    } else {
      tx->rollback();
    }
  }
  if (!right) {
    auto why = std::holds_alternative<WebauthnRefusal>(checked) ? std::get<WebauthnRefusal>(checked)
                                                                 : std::string("This passkey answer was already used.");
    ctx.host.logger().warn("passkey sign-in refused", {{"member_id", key.member_id}, {"reason", why}});
    auto state = guard.failed(work, *attempt);
    if (!state) return refusal_problem(state.failure());
    // A refused passkey was a try to get in.
    record_wrong_guess(ctx, req, key.member_id, "passkey", GuessKind::sign_in, *attempt, *state);
    if (state->locked)
      return refusal_problem(Failure{Refusal::locked, state->retry_after, "This account is locked for a while.", 0});
    return passkey_failed(401, "passkey_refused", why);
  }
  ctx.host.metrics().increment("passkey_sign_ins_total", "Sign-ins with a passkey alone");
  auto r = json_response(201, {{"token", session->token},
                               {"csrf_token", session->csrf_token},
                               {"expires_at", session->expires_at},
                               {"member_id", key.member_id}});
  add_session_cookies(r, *session, ctx.host.secure_cookies());
  add_device_cookie(r, device, guard.trusted_device_lifetime(), ctx.host.secure_cookies());
  return r;
}

}  // namespace

Response passkey_second_step_options(Context& ctx, const Request& req) {
  auto challenge = string_field(req.json(), "challenge").value_or("");
  auto member_id = ctx.host.sign_in_factors().challenged_member(req.work(), challenge, req);
  if (!member_id && member_id.failure().refusal == Refusal::not_found)
    return problem(401, "challenge_expired", "Sign in again",
                   "This sign-in has expired or was already used: sign in with your password again.");
  if (!member_id) return refusal_problem(member_id.failure());
  return second_step_options(ctx, req, *member_id);
}

void add_passkey_routes(Context& ctx) {
  auto& host = ctx.host;
  host.add_route({"POST", "/api/v1/me/two-step/passkeys/options", Access::member, Body::json,
                  [&ctx](const Request& r) { return creation_options(ctx, r); }});
  host.add_route({"POST", "/api/v1/me/two-step/passkeys", Access::member, Body::json,
                  [&ctx](const Request& r) { return add(ctx, r); }});
  host.add_route({"PATCH", "/api/v1/me/two-step/passkeys/{id}", Access::member, Body::json,
                  [](const Request& r) { return rename(r); }});
  host.add_route({"DELETE", "/api/v1/me/two-step/passkeys/{id}", Access::member, Body::none,
                  [&ctx](const Request& r) { return remove(ctx, r); }});
  // A passkey as the step-up's second step (the member is signed in).
  host.add_route({"POST", "/api/v1/me/two-step/passkeys/assertion-options", Access::member, Body::none,
                  [&ctx](const Request& r) { return second_step_options(ctx, r, r.caller().member_id); }});
  // A passkey as the second step of a flow whose member is signed out (a reset link).
  host.add_route({"POST", "/api/v1/two-step/passkey-proof-options", Access::anyone, Body::none,
                  [&ctx](const Request& r) { return proof_options(ctx, r); }});
  host.add_route({"POST", "/api/v1/session/passkey/options", Access::anyone, Body::none,
                  [&ctx](const Request& r) { return sign_in_options(ctx, r); }});
  host.add_route({"POST", "/api/v1/session/passkey", Access::anyone, Body::json,
                  [&ctx](const Request& r) { return sign_in(ctx, r); }});
  host.add_route({"POST", "/api/v1/session/second-step/passkey-options", Access::anyone, Body::json,
                  [&ctx](const Request& r) { return passkey_second_step_options(ctx, r); }});
}

}  // namespace memberd::two_step
