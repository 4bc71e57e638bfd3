// Join, sign in, sign out, and the member's own record.
#include "answers.hpp"
#include "notices.hpp"
#include "replies.hpp"
#include "routes.hpp"

#include <memberd/database.hpp>
#include <memberd/email_address.hpp>
#include <memberd/json.hpp>

namespace memberd::credentials {

namespace {

Response join(Context& ctx, const Request& req) {
  const auto& body = req.json();
  auto email = string_field(body, "email").value_or("");
  auto email_confirm = string_field(body, "email_confirm").value_or("");
  auto password = string_field(body, "password").value_or("");
  auto password_confirm = string_field(body, "password_confirm").value_or("");
  std::string normalized = normalize_email(email);
  FieldErrors errors;
  // Every field's problem at once: the member fixes the form in one go.
  if (!looks_like_email(normalized)) errors.emplace_back("email", "Enter a valid email address.");
  if (normalize_email(email_confirm) != normalized)
    errors.emplace_back("email_confirm", "The two email addresses differ.");
  if (auto problem_text = password_problem(ctx.policy, password, normalized))
    errors.emplace_back("password", *problem_text);
  if (password_confirm != password) errors.emplace_back("password_confirm", "The two passwords differ.");
  if (!errors.empty()) return validation_failed(errors);

  auto hash = ctx.host.accounts().hash_password(password);
  auto lease = ctx.host.database().lease();
  Transaction tx(*lease);
  auto id = ctx.host.accounts().create_member(tx.sql(), normalized, hash, {});
  if (!id)
    return problem(409, "email_taken", "Email already registered", "Sign in, or reset your password.",
                   {{"email", "This address is already registered."}});
  ctx.host.events().publish(tx.sql(), "member.created", {{"member_id", *id}, {"by", "self"}, {"ip", req.client_ip()}});
  mail_welcome(ctx.host, tx.sql(), normalized);
  tx.commit();
  return json_response(201, {{"member_id", *id}});
}

Response sign_in(Context& ctx, const Request& req) {
  auto email = normalize_email(string_field(req.json(), "email").value_or(""));
  auto password = string_field(req.json(), "password").value_or("");
  FieldErrors errors;
  if (email.empty()) errors.emplace_back("email", "Enter your email address.");
  if (password.empty()) errors.emplace_back("password", "Enter your password.");
  if (!errors.empty()) return validation_failed(errors);

  if (auto network = ctx.lockout.address(std::string(req.client_ip())); network.locked)
    return rate_limited(network.retry_after);
  if (auto account = ctx.lockout.account(email); account.locked) return locked(account.retry_after);

  auto member = ctx.host.accounts().find_by_email(email);
  // Unknown emails cost the same hash and get the same answer as wrong passwords.
  auto check = ctx.host.accounts().verify_password(member ? member->member_id : std::string(), password);
  if (check == PasswordCheck::busy)
    return problem(503, "busy", "Busy", "Too many sign-ins at once; try again shortly.").with_header("Retry-After", "1");
  if (check == PasswordCheck::wrong) {
    auto state = count_failure(ctx, req, email, member ? member->member_id : std::string(), "password");
    if (state.locked) return locked(state.retry_after);
    return problem(401, "bad_credentials", "Email or password is wrong", "Check both and try again.");
  }
  count_success(ctx, email, member->member_id);
  auto session = ctx.host.accounts().open_session(member->member_id, req.client_ip(), req.user_agent());
  {
    auto lease = ctx.host.database().lease();
    Transaction tx(*lease);
    auto event = audit(req, member->member_id);
    event["session_id"] = session.session_id;
    ctx.host.events().publish(tx.sql(), "session.created", event);
    tx.commit();
  }
  ctx.host.metrics().increment("sign_ins_total", "Successful sign-ins");
  auto r = json_response(201, {{"token", session.token},
                               {"csrf_token", session.csrf_token},
                               {"expires_at", session.expires_at},
                               {"member_id", member->member_id},
                               // Recorded by the security_level plugin; until it exists there is none.
                               {"last_sign_in", nullptr}});
  add_session_cookies(r, session, ctx.host.secure_cookies());
  return r;
}

Response sign_out(Context& ctx, const Request& req) {
  if (!req.caller().session_id.empty()) ctx.host.accounts().revoke_session(req.caller().session_id);
  auto r = no_content();
  clear_session_cookies(r, ctx.host.secure_cookies());
  return r;
}

Response me(Context& ctx, const Request& req) {
  if (req.caller().member_id.empty())
    return problem(403, "member_only", "Members only", "This is a member's own record; sign in as the member.");
  // The session already carries the member (kept current by the host): one
  // query for what only this plugin knows.
  const auto& caller = req.caller();
  bool question_set = stored_answer(ctx.host.database(), caller.member_id).has_value();
  return json_response(200, {{"member_id", caller.member_id},
                             {"email", caller.email},
                             {"roles", caller.roles},
                             {"security_question_set", question_set},
                             {"created_at", caller.member_since}});
}

}  // namespace

void add_account_routes(Context& ctx) {
  ctx.host.add_route({"POST", "/api/v1/members", Access::anyone, Body::json, [&ctx](const Request& r) { return join(ctx, r); }});
  ctx.host.add_route({"POST", "/api/v1/session", Access::anyone, Body::json, [&ctx](const Request& r) { return sign_in(ctx, r); }});
  ctx.host.add_route({"DELETE", "/api/v1/session", Access::member, Body::none, [&ctx](const Request& r) { return sign_out(ctx, r); }});
  ctx.host.add_route({"GET", "/api/v1/me", Access::member, Body::none, [&ctx](const Request& r) { return me(ctx, r); }});
}

}  // namespace memberd::credentials
