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

void count_success(Context& ctx, const std::string& email, const std::string& member_id) {
  ctx.lockout.account_succeeded(email);
  ctx.host.accounts().set_locked_until(member_id, TimePoint{});
}

}  // namespace memberd::credentials
