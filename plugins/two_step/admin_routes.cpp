// The console's view of a member's two-step verification: their factors
// (kind, name, added, last used; never a secret) and what admins did, and
// removing every factor once the member proved who they are some other way
// (they lost their phone and their codes), with a reason that is kept.
#include "factors.hpp"
#include "mails.hpp"
#include "passkeys.hpp"
#include "routes.hpp"

#include <memberd/database.hpp>
#include <memberd/json.hpp>
#include <memberd/sign_in_factors.hpp>
#include <memberd/text.hpp>

#include <nlohmann/json.hpp>

namespace memberd::two_step {

namespace {

constexpr std::size_t kMinReason = 10, kMaxReason = 500;

nlohmann::json time_of(const Context& ctx, std::int64_t t) {
  if (t == 0) return nullptr;
  return ctx.host.clock().format(std::chrono::system_clock::time_point(std::chrono::seconds(t)));
}

// Who acts: the admin's email, or the operator on the local socket.
std::string acting(const Request& req) {
  return req.caller().socket_operator ? std::string("operator") : req.caller().email;
}

Result<nlohmann::json> actions_of(const Context& ctx, UnitOfWork& work, const std::string& member_id) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  auto out = nlohmann::json::array();
  std::string action, by, reason;
  long long at = 0;
  soci::statement st = ((*sql)->prepare << "SELECT action, acted_by, reason, at FROM two_step_admin_actions"
                                           " WHERE member_id = :m ORDER BY at DESC, id DESC",
                        soci::use(member_id), soci::into(action), soci::into(by), soci::into(reason), soci::into(at));
  st.execute();
  while (st.fetch()) out.push_back({{"action", action}, {"by", by}, {"reason", reason}, {"at", time_of(ctx, at)}});
  return out;
}

}  // namespace

Result<nlohmann::json> two_step_view(Context& ctx, UnitOfWork& work, const std::string& member_id) {
  auto required = ctx.host.sign_in_factors().second_step_required(work, member_id);
  if (!required) return required.failure();
  auto state = read_factors(work, member_id);
  if (!state) return state.failure();
  auto keys = member_passkeys(work, member_id);
  if (!keys) return keys.failure();
  auto actions = actions_of(ctx, work, member_id);
  if (!actions) return actions.failure();
  auto factors = nlohmann::json::array();
  if (state->app_on)
    factors.push_back({{"kind", "app"}, {"name", "Authenticator app"}, {"added_at", time_of(ctx, state->app_added)},
                       {"last_used_at", time_of(ctx, state->app_last_used)}});
  for (const auto& key : *keys)
    factors.push_back({{"kind", "passkey"}, {"name", key.name}, {"added_at", time_of(ctx, key.created_at)},
                       {"last_used_at", time_of(ctx, key.last_used_at)}});
  if (state->codes_made)
    factors.push_back({{"kind", "recovery_codes"}, {"name", std::to_string(state->codes_left) + " of 10 left"},
                       {"added_at", time_of(ctx, state->codes_made)}, {"last_used_at", nullptr}});
  return nlohmann::json{{"enabled", *required}, {"factors", factors}, {"actions", *actions}};
}

namespace {

Response show(Context& ctx, const Request& req) {
  auto& work = req.work();
  std::string member_id = req.path_param("member_id");
  auto member = ctx.host.accounts().find_by_id(work, member_id);
  if (!member) return refusal_problem(member.failure());
  auto view = two_step_view(ctx, work, member_id);
  if (!view) return refusal_problem(view.failure());
  (*view)["member_id"] = member_id;
  (*view)["email"] = member->email;
  return json_response(200, *view);
}

Response remove_all(Context& ctx, const Request& req) {
  auto& work = req.work();
  std::string member_id = req.path_param("member_id");
  std::string reason = valid_utf8(string_field(req.json(), "reason").value_or(""));
  while (!reason.empty() && std::isspace(static_cast<unsigned char>(reason.back()))) reason.pop_back();
  if (reason.size() < kMinReason || reason.size() > kMaxReason)
    return field_problem("reason", "Say how the member proved who they are (10 to 500 characters): it is kept.");
  auto member = ctx.host.accounts().find_by_id(work, member_id);
  if (!member) return refusal_problem(member.failure());
  auto required = ctx.host.sign_in_factors().second_step_required(work, member_id);
  if (!required) return refusal_problem(required.failure());
  if (!*required) return problem(409, "two_step_off", "This member's two-step verification is already off");
  std::string by = acting(req);
  auto tx = WriteTransaction::open(work);
  if (!tx) return refusal_problem(tx.failure());
  if (auto removed = remove_factors(work, member_id); !removed) return refusal_problem(removed.failure());
  MEMBERD_TRY(ctx.host.sign_in_factors().require_second_step(work, member_id, false));
  auto sql = work.connection();
  if (!sql) return refusal_problem(sql.failure());
  long long now = ctx.host.clock().unix_now();
  **sql << "INSERT INTO two_step_admin_actions (member_id, action, acted_by, reason, at)"
           " VALUES (:m, 'removed_factors', :b, :r, :t)",
      soci::use(member_id), soci::use(by), soci::use(reason), soci::use(now);
  MEMBERD_TRY(ctx.host.events().publish(work, "two_step.disabled",
                                        {{"member_id", member_id}, {"by", "admin"}, {"admin", by}, {"reason", reason}}));
  MEMBERD_TRY(mail_removed_by_admin(ctx, work, member->email, req));
  MEMBERD_TRY(ctx.host.record_admin_action(work, "{}"));
  MEMBERD_TRY(tx->commit());
  ctx.host.logger().info("an admin removed a member's second step", {{"member_id", member_id}, {"by", by}});
  return show(ctx, req);
}

}  // namespace

void add_admin_routes(Context& ctx) {
  ctx.host.add_route({"GET", "/api/v1/admin/members/{member_id}/two-step", Access::admin, Body::none,
                      [&ctx](const Request& r) { return show(ctx, r); }});
  ctx.host.add_route({"POST", "/api/v1/admin/members/{member_id}/two-step/removal", Access::admin, Body::json,
                      [&ctx](const Request& r) { return remove_all(ctx, r); }});
  ctx.host.name_admin_action("POST", "/api/v1/admin/members/{member_id}/two-step/removal", "two_step.remove");
}

}  // namespace memberd::two_step
