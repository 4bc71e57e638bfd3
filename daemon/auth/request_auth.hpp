#pragma once
// The pipeline's two auth phases, as values:
//   identify  - who is calling: the socket operator, a bearer token or the
//               session cookie (or nobody);
//   authorize - may they use this route: access level (401/403), step-up
//               (403), and for cookie-authenticated writes the CSRF token.
// Transport hands over the few request facts these need; nothing here knows
// HTTP beyond them.
#include <memberd/http.hpp>
#include <memberd/result.hpp>

#include <optional>
#include <string>

namespace memberd {

class SessionStore;
class Clock;

struct CallerCredentials {
  bool socket_operator = false;              // root or the daemon's uid on the Unix socket
  std::optional<std::string> authorization;  // the Authorization header
  std::optional<std::string> cookie;         // the Cookie header
};

struct Identity {
  Caller caller;
  bool by_cookie = false;   // authenticated by the session cookie (CSRF applies)
  bool bad_token = false;   // a token was sent but no live session has it
  std::string csrf_hash;    // the session's CSRF token hash, for by_cookie writes
  SignInMethod method = SignInMethod::none;  // how the session was made
};

// Fails: busy (the session lookup had no database connection). An unknown
// or expired token is not a failure: the Identity has bad_token set.
Result<Identity> identify(const CallerCredentials& credentials, SessionStore& sessions, UnitOfWork& work);

// nullopt when the caller may go on; else the problem to answer. A write to
// an Access::anyone route that carries the session cookie without the CSRF
// token goes on as from nobody (`identity` is reset): there the cookie proves
// nothing, and the route works without a session (a form a mail link opens,
// posting the one-click unsubscribe, cannot send the header).
std::optional<Response> authorize(const Route& route, Identity& identity, std::string_view method,
                                  const std::optional<std::string>& csrf_header, const Clock& clock);

}  // namespace memberd
