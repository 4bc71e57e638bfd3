// Confirming the address a member joined with: the link from the welcome
// mail (its landing page POSTs the token; a GET changes nothing, since mail
// scanners fetch links), and asking for a new link.
#include "confirmation.hpp"
#include "replies.hpp"
#include "routes.hpp"

#include <memberd/database.hpp>
#include <memberd/json.hpp>
#include <memberd/problem.hpp>

namespace memberd::credentials {

namespace {

// New links a member may ask for per hour: enough for a slow or lost mail,
// too few to flood their (or a squatted victim's) mailbox.
constexpr int kResendsPerHour = 3;

Response confirm(Context& ctx, const Request& req) {
  auto& work = req.work();
  auto usable = usable_token(ctx.tokens, work, TokenKind::confirm_email, req.path_param("token"),
                             "This confirmation link is not valid.",
                             "Sign in and ask for a new confirmation link from Account Settings.");
  if (auto* refusal = std::get_if<Response>(&usable)) return std::move(*refusal);
  const TokenRecord& token = std::get<TokenRecord>(usable);
  auto member = ctx.host.accounts().find_by_id(work, token.member_id);
  if (!member && member.failure().refusal == Refusal::not_found)
    return problem(410, "gone", "Link used or expired", "The account no longer exists.");
  if (!member) return refusal_problem(member.failure());
  // A link proves only the address it was mailed to.
  if (member->email != token.new_email)
    return problem(410, "gone", "Link used or expired", "The account's email address changed since this link was sent.");

  auto tx = WriteTransaction::open(work);
  if (!tx) return refusal_problem(tx.failure());
  auto consumed = ctx.tokens.consume(work, token);
  if (!consumed) return refusal_problem(consumed.failure());
  if (!*consumed) return problem(410, "gone", "Link used or expired", "This link was used already.");
  MEMBERD_TRY(mark_confirmed(ctx, work, req, member->member_id, member->email, "link"));
  MEMBERD_TRY(tx->commit());
  return json_response(200, {{"email", member->email}, {"email_confirmed", true}});
}

Response resend(Context& ctx, const Request& req) {
  const auto& caller = req.caller();
  if (caller.member_id.empty())
    return problem(403, "member_only", "Members only", "A confirmation link belongs to a member.");
  auto& work = req.work();
  auto confirmed = email_confirmed(work, caller.member_id);
  if (!confirmed) return refusal_problem(confirmed.failure());
  if (*confirmed)
    return problem(409, "already_confirmed", "Your email address is already confirmed",
                   "There is nothing more to do.");
  MEMBERD_TRY(count_for_member(ctx, req, "confirm_resend", kResendsPerHour, std::chrono::hours(1),
                               "We sent you several links already. Check your spam folder, or ask again later."));
  auto tx = WriteTransaction::open(work);
  if (!tx) return refusal_problem(tx.failure());
  MEMBERD_TRY(mail_new_confirmation(ctx, work, caller.member_id, caller.email));
  MEMBERD_TRY(tx->commit());
  return json_response(202, {{"status", "sent"}, {"email", caller.email}});
}

}  // namespace

void add_confirmation_routes(Context& ctx) {
  ctx.host.add_route({"POST", "/api/v1/email-confirmations/{token}", Access::anyone, Body::none,
                      [&ctx](const Request& r) { return confirm(ctx, r); }});
  ctx.host.add_route({"POST", "/api/v1/me/email/confirmation", Access::member, Body::none,
                      [&ctx](const Request& r) { return resend(ctx, r); }});
}

}  // namespace memberd::credentials
