// What an admin may do about a member's credentials (issue 32), for the
// console's "Sign-in and recovery" panel: see where the member stands
// (address confirmed, security question, an email change waiting), send
// them a password reset, and remove a security question its owner lost.
// Each action gives a reason, and its audit record commits with it.
#include "answers.hpp"
#include "confirmation.hpp"
#include "notices.hpp"
#include "replies.hpp"
#include "routes.hpp"

#include <memberd/admin_reason.hpp>
#include <memberd/database.hpp>
#include <memberd/json.hpp>

#include <variant>

namespace memberd::credentials {

namespace {

// The member the path names, or the answer to give.
std::variant<Member, Response> named_member(Context& ctx, const Request& req) {
  auto member = ctx.host.accounts().find_by_id(req.work(), req.path_param("member_id"));
  if (member) return *member;
  if (member.failure().refusal == Refusal::not_found)
    return problem(404, "not_found", "No such member", "There is no member with this id.");
  return refusal_problem(member.failure());
}

Response standing(Context& ctx, const Request& req) {
  auto member = named_member(ctx, req);
  if (auto* refusal = std::get_if<Response>(&member)) return *refusal;
  const std::string& id = std::get<Member>(member).member_id;
  auto& work = req.work();
  auto confirmed = email_confirmed(work, id);
  if (!confirmed) return refusal_problem(confirmed.failure());
  auto answer = stored_answer(work, id);
  if (!answer) return refusal_problem(answer.failure());
  auto pending = ctx.tokens.newest_live(work, TokenKind::verify_email, id);
  if (!pending) return refusal_problem(pending.failure());
  nlohmann::json question = nullptr;
  if (*answer) {
    const Question* q = ctx.settings.question((*answer)->question_id);
    question = {{"id", (*answer)->question_id}, {"text", q ? q->text : "(a question no longer offered)"}};
  }
  nlohmann::json change = nullptr;
  if (*pending)
    change = {{"new_email", (*pending)->new_email},
              {"expires_at", ctx.host.clock().format(TimePoint(std::chrono::seconds((*pending)->expires_at)))}};
  return json_response(200, {{"member_id", id},
                             {"email_confirmed", *confirmed},
                             {"security_question", question},
                             {"pending_email_change", change}});
}

// The member's forgotten-password link, sent by an admin (the member asked
// support). Counted with the member's own requests, so no admin can flood
// their inbox either.
Response send_reset(Context& ctx, const Request& req) {
  if (auto refused = refuse_without_reason(req)) return *refused;
  auto found = named_member(ctx, req);
  if (auto* refusal = std::get_if<Response>(&found)) return *refusal;
  const Member& member = std::get<Member>(found);
  auto& work = req.work();
  MEMBERD_TRY(ctx.host.rate_limits().hit(work, "reset_account:" + member.member_id,
                                         ctx.settings.resets_per_account_per_hour, std::chrono::hours(1)));
  auto tx = WriteTransaction::open(work);
  if (!tx) return refusal_problem(tx.failure());
  auto token = ctx.tokens.issue(work, TokenKind::reset, member.member_id, ctx.settings.reset_token_lifetime);
  if (!token) return refusal_problem(token.failure());
  MEMBERD_TRY(mail_reset_link(ctx.host, work, member.email,
                              ctx.settings.link_base + "/#/credentials/reset-password?token=" + *token,
                              ctx.settings.reset_token_lifetime));
  auto event = audit(req, member.member_id);
  event["by"] = "admin";
  MEMBERD_TRY(ctx.host.events().publish(work, "password.reset_requested", event));
  MEMBERD_TRY(ctx.host.record_admin_action(work, nlohmann::json{{"to", member.email}}.dump()));
  MEMBERD_TRY(tx->commit());
  return json_response(202, {{"status", "sent"}, {"detail", "A reset link is on its way to " + member.email + "."}});
}

// An owner who lost the answer and proved the address to support: the
// question goes, and the address (only) hears of it with a link to choose
// a new one. Only for a confirmed address: whoever joined with an address
// nobody confirmed takes the account back through a reset link instead.
Response clear_question(Context& ctx, const Request& req) {
  if (auto refused = refuse_without_reason(req)) return *refused;
  auto found = named_member(ctx, req);
  if (auto* refusal = std::get_if<Response>(&found)) return *refusal;
  const Member& member = std::get<Member>(found);
  auto& work = req.work();
  auto confirmed = email_confirmed(work, member.member_id);
  if (!confirmed) return refusal_problem(confirmed.failure());
  if (!*confirmed)
    return problem(409, "address_unconfirmed", "The address is not confirmed",
                   "Nobody has confirmed this member's address yet, so no one has proved they own it. Send a "
                   "password reset instead: its link proves the address.");
  auto tx = WriteTransaction::open(work);
  if (!tx) return refusal_problem(tx.failure());
  auto answer = stored_answer(work, member.member_id);
  if (!answer) return refusal_problem(answer.failure());
  if (!*answer)
    return problem(409, "no_question", "No security question", "This member has no security question to remove.");
  MEMBERD_TRY(remove_answer(ctx.host.changes(), work, member.member_id));
  MEMBERD_TRY(mail_question_cleared(ctx.host, work, member.email,
                                    ctx.settings.link_base + "/#/credentials/security-question"));
  auto event = audit(req, member.member_id);
  event["by"] = "admin";
  MEMBERD_TRY(ctx.host.events().publish(work, "security_question.cleared", event));
  MEMBERD_TRY(ctx.host.record_admin_action(work, nlohmann::json{{"question_id", (*answer)->question_id}}.dump()));
  MEMBERD_TRY(tx->commit());
  return no_content();
}

}  // namespace

void add_admin_routes(Context& ctx) {
  ctx.host.add_route({"GET", "/api/v1/admin/members/{member_id}/credentials", Access::admin, Body::none,
                      [&ctx](const Request& r) { return standing(ctx, r); }});
  ctx.host.add_route({"POST", "/api/v1/admin/members/{member_id}/password-reset", Access::admin, Body::json,
                      [&ctx](const Request& r) { return send_reset(ctx, r); }});
  ctx.host.name_admin_action("POST", "/api/v1/admin/members/{member_id}/password-reset",
                             "credentials.password_reset_send");
  ctx.host.add_route({"DELETE", "/api/v1/admin/members/{member_id}/security-question", Access::admin, Body::json,
                      [&ctx](const Request& r) { return clear_question(ctx, r); }});
  ctx.host.name_admin_action("DELETE", "/api/v1/admin/members/{member_id}/security-question",
                             "credentials.question_clear");
}

}  // namespace memberd::credentials
