#pragma once
// Routes, requests and responses: how a plugin answers HTTP.
//
// The daemon serves one route table over TCP (HTTP or HTTPS) and over its Unix
// socket. A plugin adds routes in `start()` with `Host::add_route`. Before a
// handler runs, the host has already:
//   - matched the method and path (`{name}` segments become path parameters),
//   - enforced the route's `Access` (401 not signed in, 403 wrong role or no
//     step-up, 403 for a cookie-authenticated write without a valid CSRF token),
//   - enforced the body limits (413) and, for `Body::json`, checked the
//     content type (415) and parsed the body (400 when malformed).
// A handler returns a `Response`; it should return problems (problem.hpp)
// for every expected failure, and turn a host call's Failure into one with
// refusal_problem(). Anything it throws is caught by the host: the client
// gets a 500 problem carrying the request id, the log gets the detail, the
// request's unit of work is rolled back, and nothing else happens to the
// daemon or the plugin.
//
// Handlers run on the daemon's worker threads, concurrently: a plugin must be
// thread-safe. A handler that blocks (Argon2id, image work) holds one worker.

#include <memberd/problem.hpp>
#include <memberd/unit_of_work.hpp>

#include <nlohmann/json_fwd.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace memberd {

enum class Access {
  anyone,      // no session needed ("public" in the API docs)
  member,      // a valid session
  privileged,  // a valid session that passed a step-up recently
  admin,       // a session whose member has the `admin` role, or the socket operator
};

enum class Body {
  none,  // the body is ignored
  json,  // application/json, parsed before the handler runs
  raw,   // any content type, handed over as bytes (uploads)
};

// --- SDK 2.13 ---
// How the caller's session was made (sign_in_factors.hpp): routes and the
// step-up may demand more than a password.
enum class SignInMethod {
  none,         // no session: not signed in, or the socket operator
  password,     // the password alone
  second_step,  // the password and a second step
  passkey,      // a passkey, without a password
};

// Who is calling. Filled by the host from the session token (bearer header or
// cookie) or from the Unix socket peer's credentials.
struct Caller {
  std::string member_id;  // empty when not signed in
  std::string email;
  std::vector<std::string> roles;
  std::string session_id;  // opaque; empty for the socket operator
  // Until when the session may do `privileged` things (step-up); epoch if never.
  std::chrono::system_clock::time_point privileged_until{};
  bool socket_operator = false;  // root or the daemon's own uid on the socket
  std::string member_since;      // the member's created_at (RFC 3339 UTC); empty for the operator

  bool signed_in() const { return !member_id.empty(); }
  bool has_role(std::string_view role) const {
    for (const auto& r : roles)
      if (r == role) return true;
    return socket_operator && role == "admin";
  }
};

// The request as the handler sees it. Every accessor is cheap, touches no
// database and never fails (absent things are empty or nullopt); all are for
// the handler's own thread, during the handler.
class Request {
 public:
  virtual ~Request() = default;
  virtual std::string_view method() const = 0;
  virtual std::string_view path() const = 0;
  // A `{name}` segment of the route pattern; empty when the pattern has none.
  virtual std::string path_param(std::string_view name) const = 0;
  virtual std::optional<std::string> query(std::string_view name) const = 0;
  // Header names are case-insensitive.
  virtual std::optional<std::string> header(std::string_view name) const = 0;
  virtual const std::string& body() const = 0;
  // The parsed body of a `Body::json` route (null for other routes).
  virtual const nlohmann::json& json() const = 0;
  virtual const Caller& caller() const = 0;
  // The client address: the socket peer, or for a peer in
  // `http.trusted_proxies` the right-most untrusted X-Forwarded-For entry.
  // "unix" on the local socket.
  virtual std::string_view client_ip() const = 0;
  // The User-Agent header as valid UTF-8 of at most 512 bytes (cut at a
  // character boundary): fit to store as it is.
  virtual std::string_view user_agent() const = 0;
  // Unique per request; echoed in the X-Request-Id header and in 500s.
  virtual std::string_view request_id() const = 0;
  // The request's unit of work (unit_of_work.hpp): its one database
  // connection, leased on first use and returned when the response is
  // built, and its write transaction. Pass it to every host call.
  virtual UnitOfWork& work() const = 0;

  // --- SDK 2.13 ---
  // How the caller's session was made; SignInMethod::none without one.
  virtual SignInMethod sign_in_method() const = 0;
};

using Handler = std::function<Response(const Request&)>;

struct Route {
  std::string method;   // "GET", "POST", "PUT", "PATCH", "DELETE"
  std::string pattern;  // "/api/v1/me/photo", "/api/v1/members/{member_id}/photo"
  Access access = Access::member;
  Body body = Body::none;
  Handler handler;
};

// Shorthand for a Problem without extensions or headers.
inline Response problem(int status, std::string_view slug, std::string_view title, std::string_view detail = {},
                        const std::vector<std::pair<std::string, std::string>>& errors = {}) {
  Problem p(status, slug, title);
  if (!detail.empty()) p.detail(detail);
  for (const auto& [field, message] : errors) p.field(field, message);
  return p.response();
}

}  // namespace memberd
