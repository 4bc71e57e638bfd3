// The member's account as a whole (issue 32): "Download my data" and
// closing the account, with its grace period to change one's mind. Both
// take the step-up (a recent password or security answer, and the second
// step where the member has one): whoever finds a signed-in browser may
// neither take the data nor end the account.
#include "api/account_closure.hpp"
#include "api/core_services.hpp"
#include "api/mailed_export.hpp"
#include "api/member_archive.hpp"
#include "auth/accounts_service.hpp"
#include "auth/rate_limits_service.hpp"
#include "events/event_bus.hpp"
#include "util/time_format.hpp"

#include <memberd/json.hpp>
#include <memberd/problem.hpp>
#include <memberd/session_cookies.hpp>

#include <variant>

namespace memberd {

namespace {

// The signed-in member, or the answer to give (the operator on the socket
// has no account of their own).
std::variant<Member, Response> own_account(CoreServices& core, const Request& req) {
  if (req.caller().member_id.empty())
    return problem(403, "member_only", "Members only", "This is a member's own account; sign in as the member.");
  auto member = core.accounts.find_by_id(req.work(), req.caller().member_id);
  if (!member) return refusal_problem(member.failure());
  return *member;
}

// The archive as a file to save, named by today's date.
Response archive_file(CoreServices& core, std::string archive) {
  std::string day = format_rfc3339(core.clock.now()).substr(0, 10);
  return Response{200, "application/x-tar", std::move(archive),
                  {{"Content-Disposition", "attachment; filename=\"memberd-data-" + day + ".tar\""}}};
}

Response export_data(CoreServices& core, const Request& req) {
  auto found = own_account(core, req);
  if (auto* refusal = std::get_if<Response>(&found)) return *refusal;
  const Member& member = std::get<Member>(found);
  auto& work = req.work();
  // Counted before the work: each export reads everything the member has.
  if (auto allowed = core.rate_limits.hit(work, "data_export:" + member.member_id, core.exports_per_day,
                                          std::chrono::hours(24));
      !allowed) {
    if (allowed.failure().refusal != Refusal::rate_limited) return refusal_problem(allowed.failure());
    Failure wait = allowed.failure();
    wait.detail = "You asked for your data " + std::to_string(core.exports_per_day) +
                  " times today; you can ask again tomorrow.";
    return refusal_problem(wait);
  }
  auto archive = build_member_archive(core, work, member);
  if (!archive) return refusal_problem(archive.failure());
  // A large archive goes by a mailed link, where a page can take it; with
  // no such page it is answered at once whatever its size.
  bool large = static_cast<std::int64_t>(archive->size()) > core.export_at_once_bytes;
  std::string page = large ? export_page_url(core) : std::string();
  auto tx = WriteTransaction::open(work);
  if (!tx) return refusal_problem(tx.failure());
  std::optional<TimePoint> expires;
  if (!page.empty()) {
    auto kept = mail_export(core, work, member, *archive, page);
    if (!kept) return refusal_problem(kept.failure());
    expires = *kept;
  }
  if (auto told = core.events.publish(work, "member.data_exported",
                                      {{"member_id", member.member_id}, {"ip", req.client_ip()},
                                       {"bytes", archive->size()}, {"delivery", expires ? "mail" : "download"}});
      !told)
    return refusal_problem(told.failure());
  if (auto done = tx->commit(); !done) return refusal_problem(done.failure());
  if (expires)
    return json_response(202, {{"delivery", "mail"}, {"bytes", archive->size()}, {"expires_at", format_rfc3339(*expires)}});
  return archive_file(core, std::move(*archive));
}

// The archive behind a mailed link, for the member it was made for, behind
// the step-up like the ask: the mailbox alone, or a browser left signed in,
// is not enough.
Response download_mailed(CoreServices& core, const Request& req) {
  if (req.caller().member_id.empty())
    return problem(403, "member_only", "Members only", "This is a member's own data; sign in as the member.");
  auto token = string_field(req.json(), "token");
  if (!token || token->empty())
    return problem(422, "validation", "Some fields need attention", {}, {{"token", "The link's token is missing."}});
  auto archive = mailed_export(core, req.work(), req.caller().member_id, *token);
  if (!archive) return refusal_problem(archive.failure());
  if (!*archive)
    return problem(404, "export_gone", "This link no longer works",
                   "The link has expired or is for another account. Ask for your data again.");
  return archive_file(core, std::move(**archive));
}

// When the account closes (null: it is not to), and the grace a closure
// asked now would have, for the page to say before the member asks.
nlohmann::json closure_json(CoreServices& core, const std::optional<TimePoint>& at) {
  return {{"closes_at", at ? nlohmann::json(format_rfc3339(*at)) : nlohmann::json(nullptr)},
          {"grace_seconds", core.closure->grace().count()}};
}

Response show_closure(CoreServices& core, const Request& req) {
  if (req.caller().member_id.empty()) return json_response(200, closure_json(core, std::nullopt));
  auto at = core.closure->closes_at(req.work(), req.caller().member_id);
  if (!at) return refusal_problem(at.failure());
  return json_response(200, closure_json(core, *at));
}

Response ask_closure(CoreServices& core, const Request& req) {
  auto found = own_account(core, req);
  if (auto* refusal = std::get_if<Response>(&found)) return *refusal;
  auto at = core.closure->schedule(req.work(), std::get<Member>(found));
  if (!at && at.failure().refusal == Refusal::conflict)
    return problem(409, "last_admin", "The only admin left", at.failure().detail);
  if (!at) return refusal_problem(at.failure());
  // Every session ended with it, this one too: the browser forgets it.
  auto r = json_response(202, closure_json(core, *at));
  clear_session_cookies(r, core.secure_cookies);
  return r;
}

Response keep_account(CoreServices& core, const Request& req) {
  auto found = own_account(core, req);
  if (auto* refusal = std::get_if<Response>(&found)) return *refusal;
  auto kept = core.closure->cancel(req.work(), std::get<Member>(found));
  if (!kept && kept.failure().refusal == Refusal::conflict)
    return problem(409, "closing", "Too late to keep the account", kept.failure().detail);
  if (!kept) return refusal_problem(kept.failure());
  if (!*kept) return problem(404, "not_found", "Nothing to cancel", "Your account is not set to close.");
  return Response{204, "application/json; charset=utf-8", "", {}};
}

}  // namespace

std::vector<Route> member_data_routes(CoreServices& core) {
  return {{"POST", "/api/v1/me/data-export", Access::privileged, Body::none,
           [&core](const Request& req) { return export_data(core, req); }},
          {"POST", "/api/v1/me/data-export/download", Access::privileged, Body::json,
           [&core](const Request& req) { return download_mailed(core, req); }},
          {"GET", "/api/v1/me/closure", Access::member, Body::none,
           [&core](const Request& req) { return show_closure(core, req); }},
          {"POST", "/api/v1/me/closure", Access::privileged, Body::none,
           [&core](const Request& req) { return ask_closure(core, req); }},
          {"DELETE", "/api/v1/me/closure", Access::member, Body::none,
           [&core](const Request& req) { return keep_account(core, req); }}};
}

}  // namespace memberd
