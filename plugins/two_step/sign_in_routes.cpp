// The second step of sign-in: the challenge the password step gave the
// client, and a code from the app or a recovery code.
#include "code_check.hpp"
#include "remembered_devices.hpp"
#include "routes.hpp"

#include <memberd/json.hpp>
#include <memberd/session_cookies.hpp>
#include <memberd/sign_in_factors.hpp>

#include <nlohmann/json.hpp>

namespace memberd::two_step {

namespace {

Response second_step(Context& ctx, const Request& req) {
  auto& work = req.work();
  auto& factors = ctx.host.sign_in_factors();
  auto challenge = string_field(req.json(), "challenge").value_or("");
  auto parsed = parse_code(req.json());
  if (auto* bad = std::get_if<std::pair<std::string, std::string>>(&parsed)) return field_problem(bad->first, bad->second);
  const Code& code = std::get<Code>(parsed);

  auto member_id = factors.challenged_member(work, challenge, req);
  if (!member_id && member_id.failure().refusal == Refusal::not_found)
    return problem(401, "challenge_expired", "Sign in again",
                   "This sign-in has expired or was already used: sign in with your password again.");
  if (!member_id) return refusal_problem(member_id.failure());
  auto member = ctx.host.accounts().find_by_id(work, *member_id);
  if (!member) return refusal_problem(member.failure());

  std::optional<OpenedSession> session;
  std::string device, remember_token;
  auto remember = req.json().find("remember");
  bool wants_remembered = remember != req.json().end() && remember->is_boolean() && remember->get<bool>() &&
                          ctx.settings.remember_device_for.count() > 0;
  auto outcome = check_code(ctx, req, *member_id, member->email, code, GuessKind::sign_in, [&]() -> Result<void> {
    auto trusted = ctx.host.sign_in_guard().trust_device(work, *member_id, device_token(req));
    if (!trusted) return trusted.failure();
    device = *trusted;
    auto opened = factors.complete(work, challenge, req, SignInMethod::second_step);
    if (!opened) return opened.failure();
    session = *opened;
    if (wants_remembered) {
      auto token = remember_device(ctx, req, *member_id);
      if (!token) return token.failure();
      remember_token = *token;
    }
    return ctx.host.events().publish(work, "session.created",
                                     {{"member_id", *member_id},
                                      {"session_id", opened->session_id},
                                      {"ip", req.client_ip()},
                                      {"user_agent", req.user_agent()},
                                      {"method", "second_step"},
                                      {"second_step", code.kind == CodeKind::app        ? "totp"
                                                     : code.kind == CodeKind::passkey ? "passkey"
                                                                                      : "recovery_code"}});
  });
  if (!outcome && outcome.failure().refusal == Refusal::not_found)
    return problem(401, "challenge_expired", "Sign in again",
                   "This sign-in has expired or was already used: sign in with your password again.");
  if (!outcome) return refusal_problem(outcome.failure());
  if (!outcome->right) return wrong_code(401, outcome->attempts_left);
  ctx.host.metrics().increment("sign_ins_total", "Sign-ins finished with a second step");
  auto r = json_response(201, {{"token", session->token},
                               {"csrf_token", session->csrf_token},
                               {"expires_at", session->expires_at},
                               {"member_id", *member_id}});
  add_session_cookies(r, *session, ctx.host.secure_cookies());
  add_device_cookie(r, device, ctx.host.sign_in_guard().trusted_device_lifetime(), ctx.host.secure_cookies());
  if (!remember_token.empty()) set_remember_cookie(ctx, r, remember_token);
  return r;
}

}  // namespace

void add_sign_in_routes(Context& ctx) {
  ctx.host.add_route({"POST", "/api/v1/session/second-step", Access::anyone, Body::json,
                      [&ctx](const Request& r) { return second_step(ctx, r); }});
}

}  // namespace memberd::two_step
