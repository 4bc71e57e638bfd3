#pragma once
// The pipeline's last phase before the response leaves: the headers every
// response carries whatever produced it (OWASP ASVS 5.0 V3.4, the HTTP
// security headers cheat sheet).
//   - X-Content-Type-Options: nosniff on everything: a browser never guesses
//     a JSON body or an upload into something it would run;
//   - X-Frame-Options: DENY on everything: no page (Account Settings, the
//     console, a plugin's) may be framed by another site to trick a click
//     (clickjacking); a response that chose its own keeps it;
//   - Cache-Control: no-store on every API response (/api/...) that did not
//     choose its own: API bodies carry personal data (a member's email, a
//     session token), which no shared or browser cache may keep;
//   - Strict-Transport-Security on responses to HTTPS requests (over TLS
//     here, or through a trusted proxy that says so in X-Forwarded-Proto):
//     once a browser reached memberd over HTTPS it never tries plain HTTP;
//   - `Secure` on every cookie set in a response to an HTTPS request when
//     sessions.cookie_secure is `auto` (`always` sets it everywhere, in
//     the cookie helpers themselves);
//   - memberd's own cookies renamed `__Host-` (or `__Secure-`) in a
//     response to an HTTPS request, unless sessions.cookie_secure is
//     `never` (cookie_prefixes.hpp).
#include <memberd/response.hpp>

#include <string_view>

namespace memberd {

struct ResponseContext {
  std::string_view path;
  bool https = false;                  // over TLS, or forwarded as https by a trusted proxy
  bool secure_cookies_on_https = false;  // sessions.cookie_secure: auto
  bool prefixed_cookies_on_https = false;  // sessions.cookie_secure: auto or always
};

void add_response_headers(Response& response, const ResponseContext& context);

}  // namespace memberd
