// An email change the member asked for and has not confirmed yet, as the
// Change Email Address page shows it: the new address and when its link
// was sent (GET), the link again (POST .../resend), or no change after all
// (DELETE). Asking for a change is PUT /api/v1/me/email (change_routes.cpp),
// behind the step-up; these only act on what that asked for, so a session
// without a fresh step-up may use them.
#include "email_change.hpp"
#include "replies.hpp"
#include "routes.hpp"

#include <memberd/database.hpp>
#include <memberd/json.hpp>

namespace memberd::credentials {

namespace {

Response members_only() { return problem(403, "member_only", "Members only", "Sign in as the member."); }

Response nothing_waiting() {
  return problem(404, "not_found", "No email change is waiting",
                 "There is no change of email address waiting for its link: it was confirmed, cancelled or has "
                 "expired. Ask for the change again if you still want it.");
}

Response pending_change(Context& ctx, const Request& req) {
  const auto& caller = req.caller();
  if (caller.member_id.empty()) return members_only();
  auto live = ctx.tokens.newest_live(req.work(), TokenKind::verify_email, caller.member_id);
  if (!live) return refusal_problem(live.failure());
  if (!*live) return json_response(200, {{"pending", nullptr}});
  const auto& clock = ctx.host.clock();
  return json_response(
      200, {{"pending",
             {{"new_email", (*live)->new_email},
              {"requested_at", clock.format(TimePoint(std::chrono::seconds((*live)->created_at)))},
              {"expires_at", clock.format(TimePoint(std::chrono::seconds((*live)->expires_at)))}}}});
}

// The link again, to the address the member asked for (a new link: only
// hashes are kept, so the old one cannot be sent twice, and it stops
// working). Counted with the changes themselves, per member and network.
// The session that stays signed in once the link is used is still the one
// that asked with a step-up: a session without one must not choose it.
Response resend_link(Context& ctx, const Request& req) {
  const auto& caller = req.caller();
  if (caller.member_id.empty()) return members_only();
  auto& work = req.work();
  MEMBERD_TRY(count_for_network(ctx, req, "email_change", ctx.settings.email_changes_per_network_per_hour,
                                std::chrono::hours(1), "Too many email changes from your network; try again later."));
  MEMBERD_TRY(count_for_member(ctx, req, "email_change", ctx.settings.email_changes_per_member_per_hour,
                               std::chrono::hours(1), "Too many email changes; try again later."));
  auto tx = WriteTransaction::open(work);
  if (!tx) return refusal_problem(tx.failure());
  // Read under the write lock: a newer change, a cancel or the link's use
  // that commits meanwhile is seen, never undone.
  auto live = ctx.tokens.newest_live(work, TokenKind::verify_email, caller.member_id, true);
  if (!live) return refusal_problem(live.failure());
  if (!*live) return nothing_waiting();
  const LiveToken waiting = **live;
  auto holder = ctx.host.accounts().find_by_email(work, waiting.new_email);
  if (!holder && holder.failure().refusal != Refusal::not_found) return refusal_problem(holder.failure());
  MEMBERD_TRY(send_email_change_link(ctx, work, caller.member_id, waiting.new_email, waiting.session_id,
                                     static_cast<bool>(holder)));
  auto event = audit(req, caller.member_id);
  event["new_email"] = waiting.new_email;
  MEMBERD_TRY(ctx.host.events().publish(work, "email.change_resent", event));
  MEMBERD_TRY(tx->commit());
  return json_response(202, {{"pending_email", waiting.new_email}});
}

Response cancel_change(Context& ctx, const Request& req) {
  const auto& caller = req.caller();
  if (caller.member_id.empty()) return members_only();
  auto& work = req.work();
  auto tx = WriteTransaction::open(work);
  if (!tx) return refusal_problem(tx.failure());
  auto live = ctx.tokens.newest_live(work, TokenKind::verify_email, caller.member_id, true);
  if (!live) return refusal_problem(live.failure());
  if (!*live) return nothing_waiting();
  auto ended = ctx.tokens.revoke_all(work, caller.member_id, TokenKind::verify_email);
  if (!ended) return refusal_problem(ended.failure());
  // Used by its link between the read and now: there is nothing to cancel.
  if (*ended == 0) return nothing_waiting();
  auto event = audit(req, caller.member_id);
  event["new_email"] = (*live)->new_email;
  MEMBERD_TRY(ctx.host.events().publish(work, "email.change_cancelled", event));
  MEMBERD_TRY(tx->commit());
  return no_content();
}

}  // namespace

void add_email_change_routes(Context& ctx) {
  ctx.host.add_route({"GET", "/api/v1/me/email/change", Access::member, Body::none,
                      [&ctx](const Request& r) { return pending_change(ctx, r); }});
  ctx.host.add_route({"POST", "/api/v1/me/email/change/resend", Access::member, Body::none,
                      [&ctx](const Request& r) { return resend_link(ctx, r); }});
  ctx.host.add_route({"DELETE", "/api/v1/me/email/change", Access::member, Body::none,
                      [&ctx](const Request& r) { return cancel_change(ctx, r); }});
}

}  // namespace memberd::credentials
