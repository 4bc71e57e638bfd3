// The member's subscriptions (openapi.yaml beside it), and an admin's view
// and change of one member's.
#include "routes.hpp"
#include "subscriptions.hpp"

#include <memberd/json.hpp>
#include <memberd/problem.hpp>

namespace memberd::email_service {

Result<nlohmann::json> subscription_state(Context& ctx, UnitOfWork& work, const std::string& member_id) {
  auto choices = recorded_choices(work, member_id);
  if (!choices) return choices.failure();
  nlohmann::json categories = nlohmann::json::array();
  for (const auto& c : ctx.settings.categories) {
    categories.push_back({{"id", c.id},
                          {"label", c.label},
                          {"description", c.description},
                          {"subscribed", is_subscribed(*choices, c)}});
  }
  return nlohmann::json{{"categories", categories}};
}

namespace {

Response state_of(Context& ctx, UnitOfWork& work, const std::string& member_id) {
  auto state = subscription_state(ctx, work, member_id);
  if (!state) return refusal_problem(state.failure());
  return json_response(200, *state);
}

Response get_subscriptions(Context& ctx, const Request& req) {
  if (req.caller().member_id.empty()) return problem(403, "member_only", "Members only", "Sign in as the member.");
  return state_of(ctx, req.work(), req.caller().member_id);
}

// {"trade_alerts": false, ...}: the categories named change, the others
// stay. `by` is who changed them: "member", or "admin" for the console.
Response change_subscriptions(Context& ctx, const Request& req, const std::string& member_id, const char* by) {
  const auto& body = req.json();
  if (!body.is_object())
    return problem(422, "validation", "Some fields need attention",
                   "Send an object of category ids and true or false, e.g. {\"trade_alerts\": false}.");
  std::vector<std::pair<std::string, std::string>> errors;
  for (const auto& [id, value] : body.items()) {
    if (!ctx.settings.category(id)) errors.emplace_back(id, "There is no such mail category.");
    else if (!value.is_boolean()) errors.emplace_back(id, "Give true (send me these) or false (do not).");
  }
  if (!errors.empty()) return problem(422, "validation", "Some fields need attention", {}, errors);

  auto& work = req.work();
  auto before = recorded_choices(work, member_id);
  if (!before) return refusal_problem(before.failure());
  nlohmann::json changes = nlohmann::json::object();
  for (const auto& [id, value] : body.items()) {
    // A choice the member confirms is recorded too: a later change of the
    // category's default must not overturn it.
    if (!before->count(id) || is_subscribed(*before, *ctx.settings.category(id)) != value.get<bool>())
      changes[id] = value.get<bool>();
  }
  if (!changes.empty()) {
    auto tx = WriteTransaction::open(work);
    if (!tx) return refusal_problem(tx.failure());
    auto now = ctx.host.clock().unix_now();
    for (const auto& [id, value] : changes.items())
      MEMBERD_TRY(record_choice(work, member_id, id, value.get<bool>(), now, by));
    nlohmann::json event{{"member_id", member_id}, {"changes", changes}, {"by", by}, {"ip", req.client_ip()}};
    if (std::string(by) == "admin")
      event["admin"] = req.caller().socket_operator ? "operator" : req.caller().member_id;
    MEMBERD_TRY(ctx.host.events().publish(work, "email.subscriptions_changed", event));
    // An admin's change is an admin action: its record commits with it.
    if (std::string(by) == "admin") MEMBERD_TRY(ctx.host.record_admin_action(work, nlohmann::json{{"changes", changes}}.dump()));
    MEMBERD_TRY(tx->commit());
  }
  return state_of(ctx, work, member_id);
}

Response put_subscriptions(Context& ctx, const Request& req) {
  const auto& caller = req.caller();
  if (caller.member_id.empty()) return problem(403, "member_only", "Members only", "Sign in as the member.");
  return change_subscriptions(ctx, req, caller.member_id, "member");
}

// The console's view of one member's choices (support: "stop sending me
// these"). An unknown member is a 404, not an empty list.
Response admin_subscriptions(Context& ctx, const Request& req) {
  auto member = ctx.host.accounts().find_by_id(req.work(), req.path_param("member_id"));
  if (!member) return refusal_problem(member.failure());
  if (req.method() == "GET") return state_of(ctx, req.work(), member->member_id);
  return change_subscriptions(ctx, req, member->member_id, "admin");
}

}  // namespace

void add_routes(Context& ctx) {
  ctx.host.add_route({"GET", "/api/v1/me/email-subscriptions", Access::member, Body::none,
                      [&ctx](const Request& r) { return get_subscriptions(ctx, r); }});
  ctx.host.add_route({"PUT", "/api/v1/me/email-subscriptions", Access::member, Body::json,
                      [&ctx](const Request& r) { return put_subscriptions(ctx, r); }});
  ctx.host.add_route({"GET", "/api/v1/admin/members/{member_id}/email-subscriptions", Access::admin, Body::none,
                      [&ctx](const Request& r) { return admin_subscriptions(ctx, r); }});
  ctx.host.add_route({"PUT", "/api/v1/admin/members/{member_id}/email-subscriptions", Access::admin, Body::json,
                      [&ctx](const Request& r) { return admin_subscriptions(ctx, r); }});
  ctx.host.name_admin_action("PUT", "/api/v1/admin/members/{member_id}/email-subscriptions",
                             "email_service.subscriptions_set");
}

}  // namespace memberd::email_service
