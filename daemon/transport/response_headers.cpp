#include "transport/response_headers.hpp"

#include "transport/cookie_prefixes.hpp"

#include <strings.h>

namespace memberd {

namespace {

bool has_header(const Response& response, const char* name) {
  for (const auto& [key, value] : response.headers)
    if (strcasecmp(key.c_str(), name) == 0) return true;
  return false;
}

}  // namespace

void add_response_headers(Response& response, const ResponseContext& context) {
  if (!has_header(response, "X-Content-Type-Options")) response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  if (!has_header(response, "X-Frame-Options")) response.headers.emplace_back("X-Frame-Options", "DENY");
  if (context.path.rfind("/api/", 0) == 0 && !has_header(response, "Cache-Control"))
    response.headers.emplace_back("Cache-Control", "no-store");
  if (!context.https) return;
  // One year, the preload lists' minimum; subdomains are the operator's to vouch for.
  if (!has_header(response, "Strict-Transport-Security"))
    response.headers.emplace_back("Strict-Transport-Security", "max-age=31536000");
  if (context.secure_cookies_on_https)
    for (auto& [key, value] : response.headers)
      if (strcasecmp(key.c_str(), "Set-Cookie") == 0 && value.find("; Secure") == std::string::npos) value += "; Secure";
  if (context.prefixed_cookies_on_https)
    for (auto& [key, value] : response.headers)
      if (strcasecmp(key.c_str(), "Set-Cookie") == 0) value = prefixed_set_cookie(std::move(value));
}

}  // namespace memberd
