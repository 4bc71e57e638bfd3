#include "replies.hpp"

#include <memberd/json.hpp>
#include <memberd/problem.hpp>

namespace memberd::credentials {

Response validation_failed(const FieldErrors& errors) {
  return problem(422, "validation", "Some fields need attention", {}, errors);
}

Response locked(std::chrono::seconds retry_after) {
  return refusal_problem(Failure{Refusal::locked, retry_after, "This account is locked for a while; try again later."});
}

Response wrong_secret(const char* slug, const char* title, int attempts_left) {
  return Problem(403, slug, title).detail("Check it and try again.").extension("attempts_left", attempts_left);
}

Response email_taken(const char* field, const char* detail) {
  return problem(409, "email_taken", "Email already registered", detail,
                 {{field, "This address is already registered."}});
}

Response no_content() { return Response{204, "application/json; charset=utf-8", "", {}}; }

nlohmann::json audit(const Request& request, const std::string& member_id) {
  return {{"member_id", member_id}, {"ip", request.client_ip()}, {"user_agent", request.user_agent()}};
}

}  // namespace memberd::credentials
