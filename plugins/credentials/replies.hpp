#pragma once
// The plugin's recurring answers: validation problems, lock refusals, wrong
// secrets, and the audit fields every event carries.
#include <memberd/host.hpp>
#include <memberd/http.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <string>

namespace memberd::credentials {

using FieldErrors = std::vector<std::pair<std::string, std::string>>;

Response validation_failed(const FieldErrors& errors);
// 429 for the account, with Retry-After.
Response locked(std::chrono::seconds retry_after);
// 403 with `attempts_left`, for a wrong password or answer on a signed-in flow.
Response wrong_secret(const char* slug, const char* title, int attempts_left);
Response email_taken(const char* field, const char* detail);
Response no_content();
// {member_id, ip, user_agent} for events: who, and from where. Never secrets.
nlohmann::json audit(const Request& request, const std::string& member_id);

}  // namespace memberd::credentials
