// Changing email (verified by a link to the new address) and password; both
// need a fresh step-up, which the host enforces (Access::privileged).
#include "notices.hpp"
#include "replies.hpp"
#include "routes.hpp"

#include <memberd/database.hpp>
#include <memberd/email_address.hpp>
#include <memberd/json.hpp>

namespace memberd::credentials {

namespace {

Response change_email(Context& ctx, const Request& req) {
  const auto& caller = req.caller();
  auto new_email = normalize_email(string_field(req.json(), "new_email").value_or(""));
  auto confirm = normalize_email(string_field(req.json(), "new_email_confirm").value_or(""));
  FieldErrors errors;
  if (!looks_like_email(new_email)) errors.emplace_back("new_email", "Enter a valid email address.");
  else if (new_email == caller.email) errors.emplace_back("new_email", "This is already your email address.");
  else if (confirm != new_email) errors.emplace_back("new_email_confirm", "The two email addresses differ.");
  if (!errors.empty()) return validation_failed(errors);
  if (ctx.host.accounts().find_by_email(new_email))
    return problem(409, "email_taken", "Email already registered", "Another member uses this address.",
                   {{"new_email", "This address is already registered."}});

  auto lease = ctx.host.database().lease();
  Transaction tx(*lease);
  auto event = audit(req, caller.member_id);
  if (!ctx.settings.verify_new_email) {
    ctx.host.accounts().set_email(tx.sql(), caller.member_id, new_email);
    event["old_email"] = caller.email;
    event["new_email"] = new_email;
    ctx.host.events().publish(tx.sql(), "email.changed", event);
    mail_email_changed(ctx.host, tx.sql(), caller.email, new_email);
    tx.commit();
    return json_response(200, {{"email", new_email}});
  }
  auto token = ctx.tokens.issue(tx.sql(), TokenKind::verify_email, caller.member_id,
                                ctx.settings.verification_token_lifetime, new_email);
  mail_verify_new_email(ctx.host, tx.sql(), new_email, ctx.settings.link_base + "/verify-email?token=" + token,
                        ctx.settings.verification_token_lifetime);
  mail_email_change_requested(ctx.host, tx.sql(), caller.email, new_email, std::string(req.client_ip()));
  event["new_email"] = new_email;
  ctx.host.events().publish(tx.sql(), "email.change_requested", event);
  tx.commit();
  return json_response(202, {{"pending_email", new_email}});
}

Response verify_email(Context& ctx, const Request& req) {
  auto record = ctx.tokens.find(TokenKind::verify_email, req.path_param("token"));
  if (!record) return problem(404, "not_found", "Unknown link", "This verification link is not valid.");
  if (record->used || record->expired)
    return problem(410, "gone", "Link used or expired", "Ask for a new verification from your account settings.");
  auto member = ctx.host.accounts().find_by_id(record->member_id);
  if (!member) return problem(410, "gone", "Link used or expired", "The account no longer exists.");
  if (auto holder = ctx.host.accounts().find_by_email(record->new_email); holder && holder->member_id != member->member_id)
    return problem(409, "email_taken", "Email already registered", "Another member took this address meanwhile.");

  auto lease = ctx.host.database().lease();
  Transaction tx(*lease);
  if (!ctx.tokens.consume(tx.sql(), *record))
    return problem(410, "gone", "Link used or expired", "This link was used already.");
  ctx.host.accounts().set_email(tx.sql(), member->member_id, record->new_email);
  auto event = audit(req, member->member_id);
  event["old_email"] = member->email;
  event["new_email"] = record->new_email;
  ctx.host.events().publish(tx.sql(), "email.changed", event);
  mail_email_changed(ctx.host, tx.sql(), member->email, record->new_email);
  tx.commit();
  return json_response(200, {{"email", record->new_email}});
}

Response change_password(Context& ctx, const Request& req) {
  const auto& caller = req.caller();
  if (caller.member_id.empty()) return problem(403, "member_only", "Members only", "Sign in as the member.");
  auto password = string_field(req.json(), "new_password").value_or("");
  auto confirm = string_field(req.json(), "new_password_confirm").value_or("");
  FieldErrors errors;
  if (auto text = password_problem(ctx.policy, password, caller.email)) errors.emplace_back("new_password", *text);
  else if (confirm != password) errors.emplace_back("new_password_confirm", "The two passwords differ.");
  if (!errors.empty()) return validation_failed(errors);

  auto hash = ctx.host.accounts().hash_password(password);
  {
    auto lease = ctx.host.database().lease();
    Transaction tx(*lease);
    ctx.host.accounts().set_password(tx.sql(), caller.member_id, hash);
    ctx.host.events().publish(tx.sql(), "password.changed", audit(req, caller.member_id));
    mail_password_changed(ctx.host, tx.sql(), caller.email, std::string(req.client_ip()));
    tx.commit();
  }
  // Whoever else holds a session with the old password is out.
  ctx.host.accounts().revoke_sessions(caller.member_id, caller.session_id);
  return no_content();
}

}  // namespace

void add_change_routes(Context& ctx) {
  ctx.host.add_route({"PUT", "/api/v1/me/email", Access::privileged, Body::json,
                      [&ctx](const Request& r) { return change_email(ctx, r); }});
  ctx.host.add_route({"POST", "/api/v1/email-verifications/{token}", Access::anyone, Body::none,
                      [&ctx](const Request& r) { return verify_email(ctx, r); }});
  ctx.host.add_route({"PUT", "/api/v1/me/password", Access::privileged, Body::json,
                      [&ctx](const Request& r) { return change_password(ctx, r); }});
}

}  // namespace memberd::credentials
