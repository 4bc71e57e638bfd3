#include "replies.hpp"

#include <memberd/host.hpp>
#include <memberd/json.hpp>

namespace memberd::credentials {

Response validation_failed(const FieldErrors& errors) {
  return problem(422, "validation", "Some fields need attention", {}, errors);
}

Response locked(std::chrono::seconds retry_after) {
  return problem(429, "locked", "Too many failed attempts",
                 "This account is locked for a while; try again later.")
      .with_header("Retry-After", std::to_string(std::max<long long>(1, retry_after.count())));
}

Response rate_limited(std::chrono::seconds retry_after) {
  return problem(429, "rate_limited", "Too many attempts", "Too many failed attempts from your network; wait a moment.")
      .with_header("Retry-After", std::to_string(std::max<long long>(1, retry_after.count())));
}

Response wrong_secret(const char* slug, const char* title, int attempts_left) {
  nlohmann::json body{{"type", std::string("urn:memberd:problem:") + slug},
                      {"title", title},
                      {"status", 403},
                      {"detail", "Check it and try again."},
                      {"attempts_left", attempts_left}};
  return Response{403, "application/problem+json", body.dump(), {}};
}

Response no_content() { return Response{204, "application/json; charset=utf-8", "", {}}; }

nlohmann::json audit(const Request& request, const std::string& member_id) {
  return {{"member_id", member_id}, {"ip", request.client_ip()}, {"user_agent", request.user_agent()}};
}

}  // namespace memberd::credentials
