#include "auth/request_auth.hpp"

#include "auth/session_store.hpp"
#include "util/crypto.hpp"

#include <memberd/session_cookies.hpp>

namespace memberd {

namespace {

const std::string kSessionCookie = "memberd_session";

bool is_safe_method(std::string_view m) { return m == "GET" || m == "HEAD" || m == "OPTIONS"; }

std::optional<std::string> bearer_token(const std::optional<std::string>& authorization) {
  if (!authorization || authorization->size() <= 7) return std::nullopt;
  if (authorization->compare(0, 7, "Bearer ") != 0 && authorization->compare(0, 7, "bearer ") != 0)
    return std::nullopt;
  return authorization->substr(7);
}

}  // namespace

Result<Identity> identify(const CallerCredentials& credentials, SessionStore& sessions, UnitOfWork& work) {
  Identity identity;
  if (credentials.socket_operator) {
    identity.caller.socket_operator = true;
    identity.caller.roles = {"admin"};
    return identity;
  }
  std::optional<std::string> token = bearer_token(credentials.authorization);
  if (!token && credentials.cookie) {
    token = cookie_value(*credentials.cookie, kSessionCookie);
    identity.by_cookie = token.has_value();
  }
  if (!token) return identity;
  auto session = sessions.authenticate(work, *token);
  if (!session) return session.failure();
  if (!*session) {
    identity.bad_token = true;
    identity.by_cookie = false;
    return identity;
  }
  identity.caller = std::move((*session)->caller);
  identity.csrf_hash = std::move((*session)->csrf_hash);
  identity.method = (*session)->method;
  return identity;
}

std::optional<Response> authorize(const Route& route, Identity& identity, std::string_view method,
                                  const std::optional<std::string>& csrf_header, const Clock& clock) {
  if (route.access == Access::anyone && identity.by_cookie && !is_safe_method(method) &&
      (!csrf_header || !constant_time_equal(sha256_hex(*csrf_header), identity.csrf_hash)))
    identity = Identity{};
  const Caller& caller = identity.caller;
  bool authenticated = caller.signed_in() || caller.socket_operator;
  if (route.access != Access::anyone && !authenticated)
    return Problem(401, "unauthenticated", "Not signed in")
        .detail(identity.bad_token ? "The session has expired or was revoked; sign in again."
                                   : "This needs a session: sign in first.")
        .header("WWW-Authenticate", "Bearer")
        .response();
  if (route.access == Access::admin && !caller.has_role("admin"))
    return problem(403, "forbidden", "Forbidden", "This needs the admin role.");
  if (route.access == Access::privileged && !caller.socket_operator && caller.privileged_until <= clock.now())
    return problem(403, "step_up_required", "Step-up needed",
                   "Confirm your password and security answer first (POST /api/v1/me/step-up).");
  // Cookies ride along on cross-site requests; a write must also prove it
  // came from our own pages by echoing the CSRF token.
  if (identity.by_cookie && !is_safe_method(method)) {
    if (!csrf_header || !constant_time_equal(sha256_hex(*csrf_header), identity.csrf_hash))
      return problem(403, "csrf", "CSRF token missing or wrong",
                     "Send the memberd_csrf cookie's value in the X-CSRF-Token header.");
  }
  return std::nullopt;
}

}  // namespace memberd
