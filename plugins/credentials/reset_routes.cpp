// The forgotten password: a single-use link by mail, then the security
// answer (when the member set one) and the new password, twice.
#include "answer_normalizer.hpp"
#include "answers.hpp"
#include "notices.hpp"
#include "replies.hpp"
#include "routes.hpp"

#include <memberd/database.hpp>
#include <memberd/email_address.hpp>
#include <memberd/json.hpp>

namespace memberd::credentials {

namespace {

// The same answer whether or not the address belongs to anyone.
Response accepted() {
  return json_response(202, {{"status", "accepted"},
                             {"detail", "If this address belongs to an account, a reset link is on its way."}});
}

Response request_reset(Context& ctx, const Request& req) {
  auto email = normalize_email(string_field(req.json(), "email").value_or(""));
  if (!looks_like_email(email)) return validation_failed({{"email", "Enter a valid email address."}});
  // A flood of requests from one network is throttled; the account never locks.
  if (auto network = ctx.lockout.address(std::string(req.client_ip())); network.locked)
    return rate_limited(network.retry_after);
  auto member = ctx.host.accounts().find_by_email(email);
  if (!member) return accepted();
  auto lease = ctx.host.database().lease();
  Transaction tx(*lease);
  auto token = ctx.tokens.issue(tx.sql(), TokenKind::reset, member->member_id, ctx.settings.reset_token_lifetime);
  mail_reset_link(ctx.host, tx.sql(), member->email, ctx.settings.link_base + "/reset-password?token=" + token,
                  ctx.settings.reset_token_lifetime);
  ctx.host.events().publish(tx.sql(), "password.reset_requested", audit(req, member->member_id));
  tx.commit();
  return accepted();
}

std::optional<Response> unusable(const std::optional<TokenRecord>& record) {
  if (!record) return problem(404, "not_found", "Unknown link", "This reset link is not valid.");
  if (record->used || record->expired)
    return problem(410, "gone", "Link used or expired", "Ask for a new reset link.");
  return std::nullopt;
}

Response show_reset(Context& ctx, const Request& req) {
  auto record = ctx.tokens.find(TokenKind::reset, req.path_param("token"));
  if (auto refusal = unusable(record)) return *refusal;
  auto stored = stored_answer(ctx.host.database(), record->member_id);
  const Question* q = stored ? ctx.settings.question(stored->question_id) : nullptr;
  if (!stored) return json_response(200, {{"question_required", false}});
  return json_response(200, {{"question_required", true},
                             {"question_text", q ? q->text : "(the question you chose, no longer offered)"}});
}

Response complete_reset(Context& ctx, const Request& req) {
  auto record = ctx.tokens.find(TokenKind::reset, req.path_param("token"));
  if (auto refusal = unusable(record)) return *refusal;
  auto member = ctx.host.accounts().find_by_id(record->member_id);
  if (!member) return problem(410, "gone", "Link used or expired", "The account no longer exists.");

  auto password = string_field(req.json(), "new_password").value_or("");
  auto confirm = string_field(req.json(), "new_password_confirm").value_or("");
  FieldErrors errors;
  if (auto text = password_problem(ctx.policy, password, member->email)) errors.emplace_back("new_password", *text);
  else if (confirm != password) errors.emplace_back("new_password_confirm", "The two passwords differ.");
  if (!errors.empty()) return validation_failed(errors);

  if (auto state = ctx.lockout.account(member->email); state.locked) return locked(state.retry_after);
  if (auto stored = stored_answer(ctx.host.database(), member->member_id)) {
    auto answer = normalize_answer(string_field(req.json(), "answer").value_or("")).value_or("");
    if (answer.empty() || !ctx.host.accounts().verify_secret(stored->answer_hash, answer)) {
      auto state = count_failure(ctx, req, member->email, member->member_id, "answer");
      if (state.locked) return locked(state.retry_after);
      return wrong_secret("wrong_answer", "The answer is wrong", state.attempts_left);
    }
  }
  auto hash = ctx.host.accounts().hash_password(password);
  {
    auto lease = ctx.host.database().lease();
    Transaction tx(*lease);
    if (!ctx.tokens.consume(tx.sql(), *record))
      return problem(410, "gone", "Link used or expired", "This link was used already.");
    ctx.host.accounts().set_password(tx.sql(), member->member_id, hash);
    ctx.host.events().publish(tx.sql(), "password.reset", audit(req, member->member_id));
    mail_password_changed(ctx.host, tx.sql(), member->email, std::string(req.client_ip()));
    tx.commit();
  }
  count_success(ctx, member->email, member->member_id);
  ctx.host.accounts().revoke_sessions(member->member_id, "");
  return no_content();
}

}  // namespace

void add_reset_routes(Context& ctx) {
  ctx.host.add_route({"POST", "/api/v1/password-resets", Access::anyone, Body::json,
                      [&ctx](const Request& r) { return request_reset(ctx, r); }});
  ctx.host.add_route({"GET", "/api/v1/password-resets/{token}", Access::anyone, Body::none,
                      [&ctx](const Request& r) { return show_reset(ctx, r); }});
  ctx.host.add_route({"POST", "/api/v1/password-resets/{token}", Access::anyone, Body::json,
                      [&ctx](const Request& r) { return complete_reset(ctx, r); }});
}

}  // namespace memberd::credentials
