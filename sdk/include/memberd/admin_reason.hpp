#pragma once
// (SDK 2.16) An admin's action on a member says why: the reason is what the
// audit log keeps beside who did what (GET /api/v1/admin/audit). A route
// that acts on a member takes {"reason": "..."} in its JSON body (Body::json)
// and asks this first:
//
//   if (auto refused = refuse_without_reason(req)) return *refused;
//
// The host records the reason itself (the dispatcher reads the body's
// "reason"); this only refuses a request that gives none. Header-only;
// never fails.

#include <memberd/http.hpp>
#include <memberd/json.hpp>
#include <memberd/problem.hpp>

#include <optional>
#include <string>

namespace memberd {

// The longest reason kept whole (the audit log keeps 2,000 bytes).
inline constexpr std::size_t kMaxAdminReasonBytes = 2000;

// 422 `validation` with the field "reason" when the body names no reason
// (missing, not a string, or only spaces) or one too long to keep whole;
// nullopt when the reason is there.
inline std::optional<Response> refuse_without_reason(const Request& req) {
  auto reason = string_field(req.json(), "reason");
  if (!reason || reason->find_first_not_of(" \t\r\n") == std::string::npos)
    return Problem(422, "validation", "Say why")
        .field("reason", "Enter the reason for this action. The audit log keeps it.")
        .response();
  if (reason->size() > kMaxAdminReasonBytes)
    return Problem(422, "validation", "The reason is too long")
        .field("reason", "Keep the reason under 2,000 characters.")
        .response();
  return std::nullopt;
}

}  // namespace memberd
