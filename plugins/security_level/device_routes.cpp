// "Your devices": where the member is signed in, and ending those sessions
// (GET/DELETE /api/v1/me/sessions[/{session_id}], openapi.yaml beside it).
// The sessions are the host's (Accounts::sessions_of, 2.15); this plugin
// adds the place each was opened from, as the sign-in records show it.
#include "context.hpp"
#include "records.hpp"
#include "settings.hpp"

#include <memberd/json.hpp>
#include <memberd/problem.hpp>
#include <memberd/session_cookies.hpp>

namespace memberd::security_level {

namespace {

const char* method_name(SignInMethod method) {
  switch (method) {
    case SignInMethod::second_step:
      return "second_step";
    case SignInMethod::passkey:
      return "passkey";
    default:
      return "password";
  }
}

// The socket's operator passes Access::member but has no sessions of its own.
Response operator_refused() { return problem(403, "member_only", "Members only", "Sign in as the member."); }

Response my_sessions(Context& ctx, const Request& req) {
  const auto& caller = req.caller();
  if (caller.member_id.empty()) return operator_refused();
  auto sessions = ctx.host.accounts().sessions_of(req.work(), caller.member_id);
  if (!sessions) return refusal_problem(sessions.failure());
  nlohmann::json items = nlohmann::json::array();
  for (const auto& s : *sessions) {
    auto place = ctx.host.geo().locate(s.ip);
    items.push_back({{"id", s.session_id},
                     {"current", s.session_id == caller.session_id},
                     {"created_at", s.created_at},
                     {"last_seen_at", s.last_seen_at},
                     {"expires_at", s.expires_at},
                     {"ip", s.ip},
                     {"whois_url", whois_url(ctx.settings.whois_url, s.ip)},
                     {"location", location_json(place)},
                     {"anonymous_proxy", place.anonymity.anonymous},
                     {"user_agent", s.user_agent},
                     {"signed_in_with", method_name(s.method)}});
  }
  return json_response(200, {{"items", items}});
}

// One session of the member's own. Ending the caller's own session here is
// signing out (its cookies are cleared too); the page uses the header's
// Sign out for that, but a client that ends its own session gets what it
// asked for.
Response end_session(Context& ctx, const Request& req) {
  const auto& caller = req.caller();
  if (caller.member_id.empty()) return operator_refused();
  auto session_id = req.path_param("session_id");
  auto& work = req.work();
  auto tx = WriteTransaction::open(work);
  if (!tx) return refusal_problem(tx.failure());
  auto ended = ctx.host.accounts().revoke_member_session(work, caller.member_id, session_id);
  if (!ended) return refusal_problem(ended.failure());
  // Another member's session id gets the answer an unknown one gets.
  if (!*ended)
    return problem(404, "not_found", "That session has already ended",
                   "It may have been signed out or timed out. Reload the list of your devices.");
  auto published = ctx.host.events().publish(
      work, "session.ended",
      {{"member_id", caller.member_id}, {"session_id", session_id}, {"by", "member"}, {"ip", req.client_ip()}});
  if (!published) return refusal_problem(published.failure());
  if (auto done = tx->commit(); !done) return refusal_problem(done.failure());
  Response ended_response{204, "application/json; charset=utf-8", "", {}};
  // Its own session ended: the browser's cookies go with it, as at sign-out.
  if (session_id == caller.session_id) clear_session_cookies(ended_response, ctx.host.secure_cookies());
  return ended_response;
}

// "Sign out everywhere else": every session of the member but this one.
Response end_other_sessions(Context& ctx, const Request& req) {
  const auto& caller = req.caller();
  if (caller.member_id.empty()) return operator_refused();
  auto& work = req.work();
  auto tx = WriteTransaction::open(work);
  if (!tx) return refusal_problem(tx.failure());
  auto ended = ctx.host.accounts().revoke_sessions(work, caller.member_id, caller.session_id);
  if (!ended) return refusal_problem(ended.failure());
  if (*ended > 0) {
    auto published = ctx.host.events().publish(
        work, "sessions.revoked",
        {{"member_id", caller.member_id}, {"count", *ended}, {"by", "member"}, {"ip", req.client_ip()}});
    if (!published) return refusal_problem(published.failure());
  }
  if (auto done = tx->commit(); !done) return refusal_problem(done.failure());
  return json_response(200, {{"ended", *ended}});
}

}  // namespace

void add_device_routes(Context& ctx) {
  // Member access: a bearer token, or the session cookie with its CSRF token.
  ctx.host.add_route({"GET", "/api/v1/me/sessions", Access::member, Body::none,
                      [&ctx](const Request& r) { return my_sessions(ctx, r); }});
  ctx.host.add_route({"DELETE", "/api/v1/me/sessions", Access::member, Body::none,
                      [&ctx](const Request& r) { return end_other_sessions(ctx, r); }});
  ctx.host.add_route({"DELETE", "/api/v1/me/sessions/{session_id}", Access::member, Body::none,
                      [&ctx](const Request& r) { return end_session(ctx, r); }});
}

}  // namespace memberd::security_level
