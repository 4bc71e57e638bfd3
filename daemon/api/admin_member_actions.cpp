// What an admin may do to a member (issue 32), each with a reason the audit
// log keeps: unlock the sign-in lock, disable and enable the account, grant
// and remove the admin role. Each is one transaction: the change, its event
// and its audit record commit together or not at all. Plugins add their own
// (credentials: send a password reset, clear the security question).
#include "api/account_closure.hpp"
#include "api/acting_admin.hpp"
#include "api/core_services.hpp"
#include "audit/admin_audit_log.hpp"
#include "auth/accounts_service.hpp"
#include "auth/member_standing.hpp"
#include "auth/sign_in_guard.hpp"
#include "events/event_bus.hpp"
#include "util/time_format.hpp"

#include <memberd/admin_reason.hpp>
#include <memberd/json.hpp>
#include <memberd/problem.hpp>

#include <functional>
#include <memory>

namespace memberd {

namespace {

// A change to one member: returns whether anything changed (false: it
// already was so, which is no error).
using MemberChange = std::function<Result<bool>(UnitOfWork&, const Member&)>;

Response member_action(CoreServices& core, const Request& req, const std::string& event, const MemberChange& change) {
  if (auto refused = refuse_without_reason(req)) return *refused;
  auto& work = req.work();
  const std::string id = req.path_param("member_id");
  auto member = core.accounts.find_by_id(work, id);
  if (!member && member.failure().refusal == Refusal::not_found)
    return problem(404, "not_found", "No such member", "There is no member with this id.");
  if (!member) return refusal_problem(member.failure());
  auto tx = WriteTransaction::open(work);
  if (!tx) return refusal_problem(tx.failure());
  auto changed = change(work, *member);
  if (!changed && changed.failure().refusal == Refusal::conflict)
    return problem(409, "last_admin", "The only enabled admin", changed.failure().detail);
  if (!changed) return refusal_problem(changed.failure());
  if (*changed) {
    auto published = core.events.publish(work, event,
                                         {{"member_id", id}, {"by", acting_admin(req)}, {"ip", req.client_ip()}});
    if (!published) return refusal_problem(published.failure());
  }
  if (auto recorded = core.audit->record(work, nlohmann::json{{"changed", *changed}}.dump()); !recorded)
    return refusal_problem(recorded.failure());
  if (auto done = tx->commit(); !done) return refusal_problem(done.failure());
  return Response{204, "application/json; charset=utf-8", "", {}};
}

// Closing a member's account for them (they asked support): as if they
// had asked themselves: the grace period, the mails, and signing in within
// it keeps the account. (To keep them out meanwhile, disable it too.)
Response close_account(CoreServices& core, const Request& req) {
  if (auto refused = refuse_without_reason(req)) return *refused;
  auto& work = req.work();
  auto member = core.accounts.find_by_id(work, req.path_param("member_id"));
  if (!member && member.failure().refusal == Refusal::not_found)
    return problem(404, "not_found", "No such member", "There is no member with this id.");
  if (!member) return refusal_problem(member.failure());
  auto at = core.closure->schedule(work, *member, acting_admin(req), [&]() -> Result<void> {
    return core.audit->record(work, nlohmann::json{{"grace_seconds", core.closure->grace().count()}}.dump());
  });
  if (!at && at.failure().refusal == Refusal::conflict)
    return problem(409, "last_admin", "The only enabled admin", at.failure().detail);
  if (!at) return refusal_problem(at.failure());
  return json_response(202, {{"closes_at", format_rfc3339(*at)}});
}

Route action(CoreServices& core, const char* method, const char* suffix, std::string event, MemberChange change) {
  return {method, std::string("/api/v1/admin/members/{member_id}/") + suffix, Access::admin, Body::json,
          [&core, event = std::move(event), change = std::move(change)](const Request& req) {
            return member_action(core, req, event, change);
          }};
}

}  // namespace

std::vector<Route> admin_member_action_routes(CoreServices& core) {
  auto standing = std::make_shared<MemberStanding>(core.sessions);
  std::vector<Route> routes;
  // The account lock after wrong passwords, answers or codes; the member's
  // own reset would also lift it.
  routes.push_back(action(core, "POST", "unlock", "member.unlocked", [&core](UnitOfWork& work, const Member& m) {
    if (auto unlocked = core.sign_in.unlock(work, m.email, m.member_id); !unlocked) return Result<bool>(unlocked.failure());
    return Result<bool>(true);
  }));
  routes.push_back(action(core, "POST", "disable", "member.disabled", [&core, standing](UnitOfWork& work, const Member& m) {
    return standing->disable(work, m.member_id, to_unix(core.clock.now()));
  }));
  routes.push_back(action(core, "POST", "enable", "member.enabled", [standing](UnitOfWork& work, const Member& m) {
    return standing->enable(work, m.member_id);
  }));
  routes.push_back(action(core, "PUT", "roles/admin", "member.admin_granted", [standing](UnitOfWork& work, const Member& m) {
    return standing->grant_admin(work, m.member_id);
  }));
  routes.push_back(action(core, "DELETE", "roles/admin", "member.admin_removed", [standing](UnitOfWork& work, const Member& m) {
    return standing->remove_admin(work, m.member_id);
  }));
  routes.push_back({"POST", "/api/v1/admin/members/{member_id}/close", Access::admin, Body::json,
                    [&core](const Request& req) { return close_account(core, req); }});
  return routes;
}

}  // namespace memberd
