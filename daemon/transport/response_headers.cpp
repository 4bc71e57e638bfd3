#include "transport/response_headers.hpp"

#include <strings.h>

namespace memberd {

namespace {

bool has_header(const Response& response, const char* name) {
  for (const auto& [key, value] : response.headers)
    if (strcasecmp(key.c_str(), name) == 0) return true;
  return false;
}

}  // namespace

void add_response_headers(Response& response, std::string_view path, bool over_tls) {
  if (!has_header(response, "X-Content-Type-Options")) response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  if (path.rfind("/api/", 0) == 0 && !has_header(response, "Cache-Control"))
    response.headers.emplace_back("Cache-Control", "no-store");
  // One year, the preload lists' minimum; subdomains are the operator's to vouch for.
  if (over_tls && !has_header(response, "Strict-Transport-Security"))
    response.headers.emplace_back("Strict-Transport-Security", "max-age=31536000");
}

}  // namespace memberd
