#pragma once
// The cookie policy for browser sessions. Browser clients get the session as
// two cookies: `memberd_session` (HttpOnly, SameSite=Strict), which the host
// reads to identify the caller, and `memberd_csrf`, readable by the page's
// script, whose value must come back in the X-CSRF-Token header of every
// write. Both are browser-session cookies; the server enforces the session's
// own expiry. Pass `host.secure_cookies()` as `secure`.
// Header-only; touches nothing. Fails: never.
#include <memberd/host.hpp>
#include <memberd/http.hpp>

#include <string>

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

}  // namespace memberd
