#pragma once
// The pipeline's last phase before the response leaves: the headers every
// response carries whatever produced it (OWASP ASVS 5.0 V3.4, the HTTP
// security headers cheat sheet).
//   - X-Content-Type-Options: nosniff on everything: a browser never guesses
//     a JSON body or an upload into something it would run;
//   - Cache-Control: no-store on every API response (/api/...) that did not
//     choose its own: API bodies carry personal data (a member's email, a
//     session token), which no shared or browser cache may keep;
//   - Strict-Transport-Security on responses sent over TLS: once a browser
//     reached memberd over HTTPS it never tries plain HTTP again.
#include <memberd/response.hpp>

#include <string_view>

namespace memberd {

void add_response_headers(Response& response, std::string_view path, bool over_tls);

}  // namespace memberd
