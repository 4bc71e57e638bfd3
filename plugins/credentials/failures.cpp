#include "notices.hpp"
#include "replies.hpp"
#include "routes.hpp"

#include <memberd/database.hpp>

namespace memberd::credentials {

LockState count_failure(Context& ctx, const Request& request, const std::string& email, const std::string& member_id,
                        const char* what) {
  ctx.lockout.address_failed(std::string(request.client_ip()));
  LockState state = ctx.lockout.account_failed(email);
  auto lease = ctx.host.database().lease();
  Transaction tx(*lease);
  auto event = audit(request, member_id);
  event["what"] = what;
  if (member_id.empty()) event["member_id"] = nullptr;
  ctx.host.events().publish(tx.sql(), "signin.failed", event);
  if (state.locked && !member_id.empty()) {
    ctx.host.events().publish(tx.sql(), "account.locked",
                              {{"member_id", member_id}, {"seconds", state.retry_after.count()}, {"ip", request.client_ip()}});
    mail_account_locked(ctx.host, tx.sql(), email, state.retry_after);
  }
  tx.commit();
  if (state.locked && !member_id.empty())
    ctx.host.accounts().set_locked_until(member_id, ctx.host.clock().now() + state.retry_after);
  ctx.host.metrics().increment("failures_total", "Wrong passwords and answers", {{"what", what}});
  return state;
}

std::optional<Response> check_current_password(Context& ctx, const Request& request, const std::string& password) {
  const auto& caller = request.caller();
  if (auto state = ctx.lockout.account(caller.email); state.locked) return locked(state.retry_after);
  auto check = ctx.host.accounts().verify_password(caller.member_id, password);
  if (check == PasswordCheck::busy)
    return problem(503, "busy", "Busy", "Try again shortly.").with_header("Retry-After", "1");
  if (check == PasswordCheck::ok) return std::nullopt;
  auto state = count_failure(ctx, request, caller.email, caller.member_id, "password");
  if (state.locked) return locked(state.retry_after);
  return wrong_secret("wrong_password", "The current password is wrong", state.attempts_left);
}

void count_success(Context& ctx, const std::string& email, const std::string& member_id) {
  ctx.lockout.account_succeeded(email);
  ctx.host.accounts().set_locked_until(member_id, TimePoint{});
}

}  // namespace memberd::credentials
