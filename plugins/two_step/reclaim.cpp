#include "reclaim.hpp"

#include "factors.hpp"

#include <memberd/sign_in_factors.hpp>

#include <nlohmann/json.hpp>

namespace memberd::two_step {

// An account taken back through a reset link (credentials: email.confirmed
// with how "reset") was never its owner's until now: whoever joined with the
// address set up any factor it has, and the owner must not meet it at their
// next sign-in. The core turned the second step off in the reset's own
// transaction (SignInFactors::withdraw_second_step), so none of these
// factors opened a session meanwhile; here they go.
void forget_factors_of_reclaimed_accounts(Context& ctx) {
  ctx.host.events().subscribe("two_step.reclaims", {"email.confirmed"},
                              [&ctx](const Event& event, UnitOfWork& work) -> Result<void> {
    auto payload = nlohmann::json::parse(event.payload, nullptr, false);
    if (!payload.is_object() || payload.value("how", "") != "reset") return {};
    auto member_id = payload.value("member_id", "");
    if (member_id.empty()) return {};
    // On again: the owner turned it on since the reset, which forgot the
    // stale factors then (forget_stale_factors); what is here is theirs.
    auto required = ctx.host.sign_in_factors().second_step_required(work, member_id);
    if (!required) return required.failure();
    if (*required) return {};
    // The bus runs a handler inside a transaction of its own, with its cursor.
    auto removed = remove_factors(work, member_id);
    if (!removed) return removed.failure();
    if (*removed)
      if (auto told = ctx.host.events().publish(work, "two_step.disabled", {{"member_id", member_id}, {"by", "reclaim"}});
          !told)
        return told;
    return {};
  });
}

}  // namespace memberd::two_step
