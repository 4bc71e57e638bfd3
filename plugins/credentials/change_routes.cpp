// Changing email (verified by a link to the new address) and password; both
// need a fresh step-up, which the host enforces (Access::privileged).
#include "confirmation.hpp"
#include "email_change.hpp"
#include "notices.hpp"
#include "replies.hpp"
#include "routes.hpp"

#include <memberd/database.hpp>
#include <memberd/email_address.hpp>
#include <memberd/json.hpp>
#include <memberd/session_cookies.hpp>

namespace memberd::credentials {

namespace {

constexpr const char* kTakenByOther = "Another member uses this address.";

Response change_email(Context& ctx, const Request& req) {
  const auto& caller = req.caller();
  // The socket operator passes Access::privileged but is no member.
  if (caller.member_id.empty()) return problem(403, "member_only", "Members only", "Sign in as the member.");
  // Moving a never-proven account to another address would launder it.
  if (auto refusal = refuse_unconfirmed(req, "change your email address")) return *refusal;
  auto new_email = normalize_email(string_field(req.json(), "new_email").value_or(""));
  auto confirm = normalize_email(string_field(req.json(), "new_email_confirm").value_or(""));
  FieldErrors errors;
  if (!looks_like_email(new_email)) errors.emplace_back("new_email", "Enter a valid email address.");
  else if (new_email == caller.email) errors.emplace_back("new_email", "This is already your email address.");
  else if (confirm != new_email) errors.emplace_back("new_email_confirm", "The two email addresses differ.");
  if (!errors.empty()) return validation_failed(errors);

  auto& work = req.work();
  // Counted before the address is looked up, per member and per network: a
  // session with a step-up must not probe addresses or mail each one.
  MEMBERD_TRY(count_for_network(ctx, req, "email_change", ctx.settings.email_changes_per_network_per_hour,
                                std::chrono::hours(1), "Too many email changes from your network; try again later."));
  MEMBERD_TRY(count_for_member(ctx, req, "email_change", ctx.settings.email_changes_per_member_per_hour,
                               std::chrono::hours(1), "Too many email changes; try again later."));
  auto holder = ctx.host.accounts().find_by_email(work, new_email);
  if (!holder && holder.failure().refusal != Refusal::not_found) return refusal_problem(holder.failure());
  // Changed at once, the taken address cannot be hidden: the member would see
  // their address unchanged.
  if (holder && !ctx.settings.verify_new_email) return email_taken("new_email", kTakenByOther);

  auto tx = WriteTransaction::open(work);
  if (!tx) return refusal_problem(tx.failure());
  auto event = audit(req, caller.member_id);
  if (!ctx.settings.verify_new_email) {
    // The unique index decides between two concurrent changes to one address.
    auto changed = ctx.host.accounts().set_email(work, caller.member_id, new_email);
    if (!changed && changed.failure().refusal == Refusal::taken) return email_taken("new_email", kTakenByOther);
    if (!changed) return refusal_problem(changed.failure());
    // No older link may undo the change; whoever else is signed in is out.
    MEMBERD_TRY(ctx.tokens.revoke_all(work, caller.member_id));
    auto revoked = ctx.host.accounts().revoke_sessions(work, caller.member_id, caller.session_id);
    if (!revoked) return refusal_problem(revoked.failure());
    event["old_email"] = caller.email;
    event["new_email"] = new_email;
    event["verified"] = false;  // changed without a link (credentials.verify_new_email off)
    MEMBERD_TRY(ctx.host.events().publish(work, "email.changed", event));
    MEMBERD_TRY(mail_email_changed(ctx.host, work, caller.email, new_email));
    MEMBERD_TRY(tx->commit());
    return json_response(200, {{"email", new_email}});
  }
  // A taken address is answered as a free one (no oracle): its owner is
  // told instead of sent a link, and the member's notice below is the same.
  MEMBERD_TRY(send_email_change_link(ctx, work, caller.member_id, new_email, caller.session_id, static_cast<bool>(holder)));
  if (holder) event["address_in_use"] = true;
  MEMBERD_TRY(mail_email_change_requested(ctx.host, work, caller.email, new_email, std::string(req.client_ip())));
  event["new_email"] = new_email;
  MEMBERD_TRY(ctx.host.events().publish(work, "email.change_requested", event));
  MEMBERD_TRY(tx->commit());
  return json_response(202, {{"pending_email", new_email}});
}

Response verify_email(Context& ctx, const Request& req) {
  auto& work = req.work();
  auto usable = usable_token(ctx.tokens, work, TokenKind::verify_email, req.path_param("token"),
                             "This verification link is not valid.",
                             "Ask for a new verification from your account settings.");
  if (auto* refusal = std::get_if<Response>(&usable)) return std::move(*refusal);
  const TokenRecord& token = std::get<TokenRecord>(usable);
  auto member = ctx.host.accounts().find_by_id(work, token.member_id);
  if (!member && member.failure().refusal == Refusal::not_found)
    return problem(410, "gone", "Link used or expired", "The account no longer exists.");
  if (!member) return refusal_problem(member.failure());

  auto tx = WriteTransaction::open(work);
  if (!tx) return refusal_problem(tx.failure());
  auto consumed = ctx.tokens.consume(work, token);
  if (!consumed) return refusal_problem(consumed.failure());
  if (!*consumed) return problem(410, "gone", "Link used or expired", "This link was used already.");
  auto changed = ctx.host.accounts().set_email(work, member->member_id, token.new_email);
  if (!changed && changed.failure().refusal == Refusal::taken)
    return problem(409, "email_taken", "Email already registered", "Another member took this address meanwhile.");
  if (!changed) return refusal_problem(changed.failure());
  // Every other link of the member dies, and every session but the one that
  // asked for the change is signed out.
  MEMBERD_TRY(ctx.tokens.revoke_all(work, member->member_id));
  auto revoked = ctx.host.accounts().revoke_sessions(work, member->member_id, token.session_id);
  if (!revoked) return refusal_problem(revoked.failure());
  auto event = audit(req, member->member_id);
  event["old_email"] = member->email;
  event["new_email"] = token.new_email;
  event["verified"] = true;  // the member opened the link mailed to it
  MEMBERD_TRY(ctx.host.events().publish(work, "email.changed", event));
  MEMBERD_TRY(mail_email_changed(ctx.host, work, member->email, token.new_email));
  MEMBERD_TRY(tx->commit());
  return json_response(200, {{"email", token.new_email}});
}

Response change_password(Context& ctx, const Request& req) {
  const auto& caller = req.caller();
  if (caller.member_id.empty()) return problem(403, "member_only", "Members only", "Sign in as the member.");
  auto password = string_field(req.json(), "new_password").value_or("");
  auto confirm = string_field(req.json(), "new_password_confirm").value_or("");
  FieldErrors errors;
  if (auto text = ctx.host.password_rules().problem(password, caller.email)) errors.emplace_back("new_password", *text);
  else if (confirm != password) errors.emplace_back("new_password_confirm", "The two passwords differ.");
  if (!errors.empty()) return validation_failed(errors);

  auto& work = req.work();
  auto hash = ctx.host.accounts().hash_password(work, password);
  if (!hash) return refusal_problem(hash.failure());
  auto tx = WriteTransaction::open(work);
  if (!tx) return refusal_problem(tx.failure());
  MEMBERD_TRY(ctx.host.accounts().set_password(work, caller.member_id, *hash));
  MEMBERD_TRY(ctx.host.events().publish(work, "password.changed", audit(req, caller.member_id)));
  MEMBERD_TRY(mail_password_changed(ctx.host, work, caller.email, std::string(req.client_ip())));
  // No reset link mailed before the change may change the password again.
  MEMBERD_TRY(ctx.tokens.revoke_all(work, caller.member_id));
  // Whoever else holds a session with the old password is out, in the same commit.
  auto revoked = ctx.host.accounts().revoke_sessions(work, caller.member_id, caller.session_id);
  if (!revoked) return refusal_problem(revoked.failure());
  // Devices trusted with the old password lose their own guess budget; this one keeps it.
  MEMBERD_TRY(ctx.host.sign_in_guard().forget_devices(work, caller.member_id, device_token(req)));
  MEMBERD_TRY(tx->commit());
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
