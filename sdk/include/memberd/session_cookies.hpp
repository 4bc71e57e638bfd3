#pragma once
// The cookie policy for browser sessions. Browser clients get the session as
// two cookies: `memberd_session` (HttpOnly, SameSite=Strict), which the host
// reads to identify the caller, and `memberd_csrf`, readable by the page's
// script, whose value must come back in the X-CSRF-Token header of every
// write. Both are browser-session cookies; the server enforces the session's
// own expiry. Pass `host.secure_cookies()` as `secure`. Over HTTPS the host
// renames memberd_ cookies on the wire (`__Host-memberd_session`,
// `__Host-memberd_csrf`, `__Secure-memberd_device`) and strips the prefixes
// from requests, so handlers and cookie_value() use the plain names; a
// page's script reads `__Host-memberd_csrf` first.
// Header-only; touches nothing. Fails: never.
#include <memberd/host.hpp>
#include <memberd/http.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace memberd {

inline void add_session_cookies(Response& response, const OpenedSession& session, bool secure) {
  std::string attributes = std::string("; Path=/; SameSite=Strict") + (secure ? "; Secure" : "");
  response.headers.emplace_back("Set-Cookie", "memberd_session=" + session.token + attributes + "; HttpOnly");
  response.headers.emplace_back("Set-Cookie", "memberd_csrf=" + session.csrf_token + attributes);
  response.headers.emplace_back("Cache-Control", "no-store");
}

inline void clear_session_cookies(Response& response, bool secure) {
  std::string attributes = std::string("; Path=/; SameSite=Strict; Max-Age=0") + (secure ? "; Secure" : "");
  response.headers.emplace_back("Set-Cookie", "memberd_session=" + attributes + "; HttpOnly");
  response.headers.emplace_back("Set-Cookie", "memberd_csrf=" + attributes);
}

// The value of cookie `name` in a Cookie request header ("a=1; b=2"), or
// nullopt. Touches nothing. Fails: never.
inline std::optional<std::string> cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    auto end = header.find(';');
    auto pair = header.substr(0, end);
    auto first = pair.find_first_not_of(' ');
    if (first != std::string_view::npos) {
      pair.remove_prefix(first);
      if (pair.size() > name.size() && pair.substr(0, name.size()) == name && pair[name.size()] == '=')
        return std::string(pair.substr(name.size() + 1));
    }
    if (end == std::string_view::npos) break;
    header.remove_prefix(end + 1);
  }
  return std::nullopt;
}

// The device cookie (SDK 2.1): `memberd_device`, set after a successful
// sign-in with the value SignInGuard::trust_device returns, for `max_age`.
// HttpOnly and SameSite=Strict, sent only to /api/v1 (where passwords and
// answers are checked).
inline constexpr const char* kDeviceCookie = "memberd_device";

inline void add_device_cookie(Response& response, const std::string& token, std::chrono::seconds max_age,
                              bool secure) {
  response.headers.emplace_back("Set-Cookie", std::string(kDeviceCookie) + "=" + token +
                                                  "; Path=/api/v1; SameSite=Strict; HttpOnly; Max-Age=" +
                                                  std::to_string(max_age.count()) + (secure ? "; Secure" : ""));
}

// The device cookie's value in the request, or "".
inline std::string device_token(const Request& request) {
  auto header = request.header("Cookie");
  if (!header) return {};
  return cookie_value(*header, kDeviceCookie).value_or("");
}

}  // namespace memberd
