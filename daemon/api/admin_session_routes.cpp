// The core's own sign-in, for admins only: the console must work whatever
// plugins are loaded. Members sign in through the credentials plugin.
#include "api/core_services.hpp"
#include "auth/accounts_service.hpp"
#include <memberd/email_address.hpp>
#include "auth/rate_limiter.hpp"
#include "events/event_bus.hpp"
#include "storage/database.hpp"
#include "util/time_format.hpp"

#include <memberd/client_network.hpp>
#include <memberd/json.hpp>
#include <memberd/database.hpp>
#include <soci/soci.h>

namespace memberd {

namespace {

void publish(CoreServices& core, const char* type, const nlohmann::json& payload) {
  auto lease = core.database.lease();
  Transaction tx(*lease);
  core.events.publish(lease->sql(), type, payload);
  tx.commit();
}

}  // namespace

std::vector<Route> admin_session_routes(CoreServices& core) {
  std::vector<Route> routes;
  routes.push_back({"POST", "/api/v1/admin/session", Access::anyone, Body::json, [&core](const Request& req) {
    auto email = string_field(req.json(), "email");
    auto password = string_field(req.json(), "password");
    std::vector<std::pair<std::string, std::string>> errors;
    if (!email || email->empty()) errors.emplace_back("email", "Enter your email address.");
    if (!password || password->empty()) errors.emplace_back("password", "Enter your password.");
    if (!errors.empty()) return problem(422, "validation", "Some fields need attention", {}, errors);

    // Counted per client network and per account: rotating addresses does not
    // buy an attacker more guesses at one admin. (A locked-out admin still has
    // the local socket and memberctl.)
    for (const std::string& bucket : {"admin_sign_in:" + client_network(req.client_ip()),
                                      "admin_sign_in_account:" + normalize_email(*email)}) {
      auto decision = core.rate_limiter.hit(bucket, core.admin_sign_in_per_minute, std::chrono::seconds{60});
      if (!decision.allowed)
        return problem(429, "rate_limited", "Too many attempts", "Wait before trying again.")
            .with_header("Retry-After", std::to_string(decision.retry_after.count()));
    }

    auto member = core.accounts.find_by_email(*email);
    // An unknown email costs the same hash as a wrong password, and both get
    // the same answer: no account enumeration.
    auto check = core.accounts.verify_password(member ? member->member_id : std::string{}, *password);
    if (check == PasswordCheck::busy)
      return problem(503, "busy", "Busy", "Too many sign-ins at once; try again shortly.").with_header("Retry-After", "1");
    bool is_admin = member && std::find(member->roles.begin(), member->roles.end(), "admin") != member->roles.end();
    if (check != PasswordCheck::ok || !is_admin) {
      publish(core, "signin.failed",
              {{"member_id", member ? nlohmann::json(member->member_id) : nlohmann::json(nullptr)},
               {"ip", req.client_ip()}, {"user_agent", req.user_agent()}, {"via", "console"}});
      return problem(401, "bad_credentials", "Email or password is wrong",
                     "Check both and try again; only admins can sign in to the console.");
    }
    auto session = core.accounts.open_session(member->member_id, req.client_ip(), req.user_agent());
    publish(core, "session.created",
            {{"member_id", member->member_id}, {"session_id", session.session_id}, {"ip", req.client_ip()},
             {"user_agent", req.user_agent()}, {"via", "console"}});
    auto r = json_response(201, {{"token", session.token},
                                 {"csrf_token", session.csrf_token},
                                 {"expires_at", session.expires_at},
                                 {"member_id", member->member_id}});
    add_session_cookies(r, session, core.secure_cookies);
    return r;
  }});

  routes.push_back({"DELETE", "/api/v1/admin/session", Access::member, Body::none, [&core](const Request& req) {
    if (!req.caller().session_id.empty()) core.accounts.revoke_session(req.caller().session_id);
    Response r{204, "application/json; charset=utf-8", "", {}};
    clear_session_cookies(r, core.secure_cookies);
    return r;
  }});

  routes.push_back({"GET", "/api/v1/session", Access::member, Body::none, [&core](const Request& req) {
    const auto& c = req.caller();
    bool privileged = c.privileged_until > core.clock.now();
    return json_response(200, {{"member_id", c.socket_operator ? nlohmann::json(nullptr) : nlohmann::json(c.member_id)},
                               {"email", c.socket_operator ? nlohmann::json(nullptr) : nlohmann::json(c.email)},
                               {"roles", c.roles},
                               {"operator", c.socket_operator},
                               {"privileged_until", privileged ? nlohmann::json(format_rfc3339(c.privileged_until))
                                                               : nlohmann::json(nullptr)}});
  }});
  return routes;
}

}  // namespace memberd
