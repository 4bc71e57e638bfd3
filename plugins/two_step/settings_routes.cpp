// The member's "Two-Step Verification" page: what is on, setting up an
// authenticator app, recovery codes, turning it off.
#include "code_check.hpp"
#include "factors.hpp"
#include "mails.hpp"
#include "passkeys.hpp"
#include "remembered_devices.hpp"
#include "qr_svg.hpp"
#include "recovery_codes.hpp"
#include "routes.hpp"
#include "totp.hpp"

#include <memberd/database.hpp>
#include <memberd/json.hpp>
#include <memberd/session_cookies.hpp>
#include <memberd/sign_in_factors.hpp>
#include <memberd/utc_time.hpp>

#include <nlohmann/json.hpp>

#include <openssl/crypto.h>

namespace memberd::two_step {

namespace {


nlohmann::json time_or_null(const Context& ctx, std::int64_t unix_seconds) {
  if (unix_seconds == 0) return nullptr;
  return ctx.host.clock().format(std::chrono::system_clock::time_point(std::chrono::seconds(unix_seconds)));
}

nlohmann::json state_json(const Context& ctx, const FactorState& state, bool required,
                          const std::vector<PasskeyRow>& keys, const std::vector<RememberedDevice>& devices) {
  auto remembered = nlohmann::json::array();
  for (const auto& d : devices)
    remembered.push_back({{"id", d.id}, {"user_agent", d.user_agent}, {"created_at", time_or_null(ctx, d.created_at)},
                          {"expires_at", time_or_null(ctx, d.expires_at)},
                          {"last_used_at", time_or_null(ctx, d.last_used_at)}});
  auto passkeys = nlohmann::json::array();
  for (const auto& key : keys)
    passkeys.push_back({{"id", key.credential_id}, {"name", key.name}, {"created_at", time_or_null(ctx, key.created_at)},
                        {"last_used_at", time_or_null(ctx, key.last_used_at)}});
  return {{"enabled", required},
          {"passkeys", passkeys},
          {"remembered_devices", remembered},
          {"passkeys_available", !ctx.rp.id.empty()},
          {"app", {{"state", state.app_on ? "on" : state.app_pending ? "pending" : "off"},
                   {"added_at", time_or_null(ctx, state.app_on ? state.app_added : 0)},
                   {"last_used_at", time_or_null(ctx, state.app_last_used)}}},
          {"recovery_codes", {{"left", state.codes_left}, {"made_at", time_or_null(ctx, state.codes_made)}}}};
}

Response show(Context& ctx, const Request& req) {
  auto& work = req.work();
  const auto& member_id = req.caller().member_id;
  auto state = read_factors(work, member_id);
  if (!state) return refusal_problem(state.failure());
  auto required = ctx.host.sign_in_factors().second_step_required(work, member_id);
  if (!required) return refusal_problem(required.failure());
  auto keys = member_passkeys(work, member_id);
  if (!keys) return refusal_problem(keys.failure());
  auto devices = remembered_devices(ctx, work, member_id);
  if (!devices) return refusal_problem(devices.failure());
  return json_response(200, state_json(ctx, *state, *required, *keys, *devices));
}

// A new secret for the app, shown once as a QR code and as text; it counts
// for nothing until a code from the app confirms it.
Response start_app(Context& ctx, const Request& req) {
  auto& work = req.work();
  const auto& caller = req.caller();
  if (auto refused = password_problem(ctx, req)) return *refused;
  if (auto refused = second_step_problem(ctx, req)) return *refused;
  std::string secret = new_totp_secret();
  auto stored = store_pending_app(ctx, work, caller.member_id, secret, ctx.host.clock().unix_now());
  if (!stored) {
    OPENSSL_cleanse(secret.data(), secret.size());
    return refusal_problem(stored.failure());
  }
  if (!*stored) {
    OPENSSL_cleanse(secret.data(), secret.size());
    return problem(409, "app_already_on", "An authenticator app is already set up",
                   "Turn two-step verification off first to move it to another app.");
  }
  std::string uri = otpauth_uri(secret, ctx.settings.issuer, caller.email);
  std::string text = base32(secret);
  OPENSSL_cleanse(secret.data(), secret.size());
  // Groups of four, as apps show a key to type.
  std::string grouped;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i && i % 4 == 0) grouped += ' ';
    grouped += text[i];
  }
  auto r = json_response(201, {{"secret", grouped}, {"otpauth_uri", uri}, {"qr_svg", qr_svg(uri)}});
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

Response confirm_app(Context& ctx, const Request& req) {
  auto& work = req.work();
  const auto& caller = req.caller();
  auto parsed = parse_code({{"method", "totp"}, {"code", string_field(req.json(), "code").value_or("")}});
  if (auto* bad = std::get_if<std::pair<std::string, std::string>>(&parsed)) return field_problem(bad->first, bad->second);
  auto app = read_app_secret(ctx, work, caller.member_id);
  if (!app) return refusal_problem(app.failure());
  if (!*app) return problem(409, "no_app_pending", "Set up the app first", "Start again: scan the new QR code.");
  if ((*app)->confirmed) return problem(409, "app_already_on", "An authenticator app is already set up");
  auto now = ctx.host.clock().unix_now();
  auto step = totp_match((*app)->secret, std::get<Code>(parsed).value, now, (*app)->last_counter);
  OPENSSL_cleanse((*app)->secret.data(), (*app)->secret.size());
  if (!step) return field_problem("code", "That code is not right. Check the time on your phone and try the newest code.");

  auto state = read_factors(work, caller.member_id);
  if (!state) return refusal_problem(state.failure());
  auto required = ctx.host.sign_in_factors().second_step_required(work, caller.member_id);
  if (!required) return refusal_problem(required.failure());
  // The first codes come with the app (turning two-step on, stale ones go);
  // a member who has two-step on with a passkey keeps theirs.
  std::vector<std::string> codes =
      !*required || state->codes_left == 0 ? new_recovery_codes() : std::vector<std::string>{};
  auto tx = WriteTransaction::open(work);
  if (!tx) return refusal_problem(tx.failure());
  if (!*required) MEMBERD_TRY(forget_stale_factors(work, caller.member_id));
  auto confirmed = use_app_step(work, caller.member_id, *step, true, now);
  if (!confirmed) return refusal_problem(confirmed.failure());
  if (!*confirmed) return problem(409, "app_already_on", "An authenticator app is already set up");
  if (!codes.empty()) MEMBERD_TRY(replace_recovery_codes(ctx, work, caller.member_id, codes, now));
  if (!*required) {
    MEMBERD_TRY(ctx.host.sign_in_factors().require_second_step(work, caller.member_id, true));
    // Sessions opened on the password alone end as it turns on: one left
    // open elsewhere must not outlive the protection.
    auto ended = ctx.host.accounts().revoke_sessions(work, caller.member_id, caller.session_id);
    if (!ended) return refusal_problem(ended.failure());
  }
  MEMBERD_TRY(ctx.host.events().publish(work, "two_step.enabled",
                                        {{"member_id", caller.member_id}, {"factor", "totp"}, {"ip", req.client_ip()}}));
  MEMBERD_TRY(mail_two_step_on(ctx, work, caller.email, req));
  MEMBERD_TRY(tx->commit());
  auto r = json_response(200, {{"enabled", true}, {"recovery_codes", codes}});
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

Response new_codes(Context& ctx, const Request& req) {
  auto& work = req.work();
  const auto& caller = req.caller();
  auto required = ctx.host.sign_in_factors().second_step_required(work, caller.member_id);
  if (!required) return refusal_problem(required.failure());
  if (!*required)
    return problem(409, "two_step_off", "Two-step verification is off", "Turn it on first; the codes come with it.");
  if (auto refused = password_problem(ctx, req)) return *refused;
  if (auto refused = second_step_problem(ctx, req)) return *refused;
  auto codes = new_recovery_codes();
  auto tx = WriteTransaction::open(work);
  if (!tx) return refusal_problem(tx.failure());
  MEMBERD_TRY(replace_recovery_codes(ctx, work, caller.member_id, codes, ctx.host.clock().unix_now()));
  MEMBERD_TRY(ctx.host.events().publish(work, "two_step.recovery_codes_replaced",
                                        {{"member_id", caller.member_id}, {"ip", req.client_ip()}}));
  MEMBERD_TRY(mail_new_recovery_codes(ctx, work, caller.email, req));
  MEMBERD_TRY(tx->commit());
  auto r = json_response(201, {{"recovery_codes", codes}});
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

// Turning it off asks for the password and a second step: a session left
// open on a shared computer must not be enough to strip the account.
Response turn_off(Context& ctx, const Request& req) {
  auto& work = req.work();
  const auto& caller = req.caller();
  auto parsed = parse_code(req.json());
  if (auto* bad = std::get_if<std::pair<std::string, std::string>>(&parsed)) return field_problem(bad->first, bad->second);
  auto required = ctx.host.sign_in_factors().second_step_required(work, caller.member_id);
  if (!required) return refusal_problem(required.failure());
  if (!*required) return problem(409, "two_step_off", "Two-step verification is already off");
  if (auto refused = password_problem(ctx, req)) return *refused;
  auto outcome = check_code(ctx, req, caller.member_id, caller.email, std::get<Code>(parsed), GuessKind::in_session,
                            [&]() -> Result<void> {
    if (auto removed = remove_factors(work, caller.member_id); !removed) return removed.failure();
    if (auto off = ctx.host.sign_in_factors().require_second_step(work, caller.member_id, false); !off) return off;
    if (auto told = ctx.host.events().publish(work, "two_step.disabled",
                                              {{"member_id", caller.member_id}, {"by", "member"}, {"ip", req.client_ip()}});
        !told)
      return told;
    return mail_two_step_off(ctx, work, caller.email, req);
  });
  if (!outcome) return refusal_problem(outcome.failure());
  if (!outcome->right) return wrong_code(403, outcome->attempts_left);
  return json_response(200, {{"enabled", false}});
}

Response forget(const Request& req) {
  auto forgotten = forget_device(req.work(), req.caller().member_id, req.path_param("id"));
  if (!forgotten) return refusal_problem(forgotten.failure());
  if (!*forgotten) return problem(404, "not_found", "No such remembered browser of yours");
  return Response{204, "application/json; charset=utf-8", "", {}};
}

}  // namespace

void add_settings_routes(Context& ctx) {
  ctx.host.add_route({"DELETE", "/api/v1/me/two-step/remembered-devices/{id}", Access::member, Body::none,
                      [](const Request& r) { return forget(r); }});
  ctx.host.add_route({"GET", "/api/v1/me/two-step", Access::member, Body::none,
                      [&ctx](const Request& r) { return show(ctx, r); }});
  // Changes to how the account is protected ask for the password again
  // (the page's form), not a step-up: the security answer is not a factor.
  ctx.host.add_route({"POST", "/api/v1/me/two-step/app", Access::member, Body::json,
                      [&ctx](const Request& r) { return start_app(ctx, r); }});
  ctx.host.add_route({"POST", "/api/v1/me/two-step/app/confirm", Access::member, Body::json,
                      [&ctx](const Request& r) { return confirm_app(ctx, r); }});
  ctx.host.add_route({"POST", "/api/v1/me/two-step/recovery-codes", Access::member, Body::json,
                      [&ctx](const Request& r) { return new_codes(ctx, r); }});
  ctx.host.add_route({"POST", "/api/v1/me/two-step/turn-off", Access::member, Body::json,
                      [&ctx](const Request& r) { return turn_off(ctx, r); }});
}

}  // namespace memberd::two_step
