// The core's own sign-in, for admins only: the console must work whatever
// plugins are loaded. Members sign in through the credentials plugin.
#include "audit/admin_audit_log.hpp"
#include "api/core_services.hpp"
#include "api/ui_listing.hpp"
#include "auth/accounts_service.hpp"
#include <memberd/email_address.hpp>
#include "auth/rate_limits_service.hpp"
#include "auth/second_steps.hpp"
#include "auth/sign_in_guard.hpp"
#include "events/event_bus.hpp"
#include "storage/database.hpp"

#include <memberd/client_network.hpp>
#include <memberd/json.hpp>
#include <memberd/database.hpp>
#include <memberd/problem.hpp>
#include <memberd/session_cookies.hpp>

namespace memberd {

namespace {

// The console's network throttle, shared by every daemon on the database.
constexpr const char* kNetworkKey = "core:admin_sign_in:";
// 254 octets is the longest address (RFC 5321); 256 characters of up to 4 bytes.
constexpr std::size_t kMaxEmailBytes = 254;
constexpr std::size_t kMaxPasswordBytes = 1024;

}  // namespace

std::vector<Route> admin_session_routes(CoreServices& core) {
  std::vector<Route> routes;
  routes.push_back({"POST", "/api/v1/admin/session", Access::anyone, Body::json, [&core](const Request& req) {
    auto email = string_field(req.json(), "email");
    auto password = string_field(req.json(), "password");
    std::vector<std::pair<std::string, std::string>> errors;
    if (!email || email->empty()) errors.emplace_back("email", "Enter your email address.");
    if (!password || password->empty()) errors.emplace_back("password", "Enter your password.");
    // Longer than any address or any password the policy allows: refused
    // before it costs a hash, a lookup or a counter.
    if (email && email->size() > kMaxEmailBytes) errors.emplace_back("email", "That is longer than any email address.");
    if (password && password->size() > kMaxPasswordBytes)
      errors.emplace_back("password", "That is longer than any password here.");
    if (!errors.empty()) return problem(422, "validation", "Some fields need attention", {}, errors);

    // Counted per client network, and against the account's lock shared
    // with every other way in (member sign-in, step-up): the console is no
    // side door with guesses of its own. A browser that signed in as this
    // admin before counts apart, so a locked-out admin's own browser still
    // gets in (and the local socket and memberctl always do).
    auto& work = req.work();
    if (auto counted = core.rate_limits.hit(work, kNetworkKey + client_network(req.client_ip()),
                                            core.admin_sign_in_per_minute, std::chrono::seconds{60});
        !counted)
      return refusal_problem(counted.failure());

    auto member = core.accounts.find_by_email(work, *email);
    if (!member && member.failure().refusal != Refusal::not_found) return refusal_problem(member.failure());
    std::string member_id = member ? member->member_id : std::string{};
    auto attempt = core.sign_in.reserve(work, *email, member_id, device_token(req));
    if (!attempt) return refusal_problem(attempt.failure());
    // An unknown email costs the same hash as a wrong password, and both get
    // the same answer: no account enumeration.
    auto check = core.accounts.verify_password(work, member_id, *password);
    if (!check) {
      (void)core.sign_in.release(work, *attempt);
      return refusal_problem(check.failure());
    }
    bool is_admin = member && std::find(member->roles.begin(), member->roles.end(), "admin") != member->roles.end();
    if (*check != PasswordCheck::right || !is_admin) {
      // A non-admin's right password is a failure here like a wrong one, with
      // the same answer: were it given back, a guesser would get a budget of
      // free checks (and learn which guess was right) from the answer's
      // absence of a lock.
      auto state = core.sign_in.failed(work, *attempt);
      if (!state) return refusal_problem(state.failure());
      auto published = core.events.publish(
          work, "signin.failed",
          {{"member_id", member ? nlohmann::json(member->member_id) : nlohmann::json(nullptr)},
           {"ip", req.client_ip()}, {"user_agent", req.user_agent()}, {"via", "console"},
           {"what", "password"}, {"kind", "sign_in"}});
      if (!published) return refusal_problem(published.failure());
      if (state->locked)
        return refusal_problem(Failure{Refusal::locked, state->retry_after,
                                       "Too many wrong passwords for this account; try again later."});
      return problem(401, "bad_credentials", "Email or password is wrong",
                     "Check both and try again; only admins can sign in to the console.");
    }
    // An admin who turned on two-step verification passes it here too: the
    // console is no side door around it (a phished password alone must not
    // open it). The session comes from the second step's route; the right
    // password clears no failures, so the codes guessed next count on the
    // same lock. Without the provider the admin is refused (fail closed);
    // the operator's socket and memberctl still work.
    auto second_step = core.second_steps->console_challenge(work, member->member_id, req);
    if (!second_step || *second_step) (void)core.sign_in.release(work, *attempt);
    if (!second_step) return refusal_problem(second_step.failure());
    if (*second_step)
      return json_response(202, {{"second_step", {{"challenge", (*second_step)->token},
                                                  {"expires_at", (*second_step)->expires_at},
                                                  {"methods", (*second_step)->methods}}}});
    // The session and the event that records it commit together.
    auto tx = WriteTransaction::open(work);
    if (!tx) return refusal_problem(tx.failure());
    if (auto cleared = core.sign_in.succeeded(work, *attempt); !cleared) return refusal_problem(cleared.failure());
    auto device = core.sign_in.trust_device(work, member->member_id, device_token(req));
    if (!device) return refusal_problem(device.failure());
    auto session = core.accounts.open_session(work, member->member_id, req.client_ip(), req.user_agent());
    if (!session) return refusal_problem(session.failure());
    auto published = core.events.publish(work, "session.created",
                                         {{"member_id", member->member_id}, {"session_id", session->session_id},
                                          {"ip", req.client_ip()}, {"user_agent", req.user_agent()}, {"via", "console"}});
    if (!published) return refusal_problem(published.failure());
    // An admin in the console is an admin action of its own: the audit log's.
    if (auto recorded = core.audit->record_sign_in(work, req, *member, "password"); !recorded)
      return refusal_problem(recorded.failure());
    if (auto done = tx->commit(); !done) return refusal_problem(done.failure());
    auto r = json_response(201, {{"token", session->token},
                                 {"csrf_token", session->csrf_token},
                                 {"expires_at", session->expires_at},
                                 {"member_id", member->member_id}});
    add_session_cookies(r, *session, core.secure_cookies);
    add_device_cookie(r, *device, core.sign_in.trusted_device_lifetime(), core.secure_cookies);
    return r;
  }});

  routes.push_back({"DELETE", "/api/v1/admin/session", Access::member, Body::none, [&core](const Request& req) {
    if (!req.caller().session_id.empty())
      if (auto revoked = core.accounts.revoke_session(req.work(), req.caller().session_id); !revoked)
        return refusal_problem(revoked.failure());
    Response r{204, "application/json; charset=utf-8", "", {}};
    clear_session_cookies(r, core.secure_cookies);
    return r;
  }});

  routes.push_back({"GET", "/api/v1/session", Access::member, Body::none, [&core](const Request& req) {
    return json_response(200, session_view(core, req.caller()));
  }});
  return routes;
}

}  // namespace memberd
