#pragma once
// "Remember this device": a browser where the member passed the second step
// and asked not to be asked again. Its cookie holds a random token (only its
// SHA-256 is stored); it works for two_step.remember_device_for, for that
// member only, until forgotten from the member's page, two-step is turned
// off, or the password changes. Every call works on the caller's unit and
// joins its open transaction. Fails: busy, unavailable.
#include "context.hpp"

#include <memberd/http.hpp>
#include <memberd/response.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace memberd::two_step {

constexpr const char* kRememberCookie = "memberd_two_step_device";

// Remembers the browser of `request` for the member; returns the cookie
// value to set (set_remember_cookie).
Result<std::string> remember_device(Context& ctx, const Request& request, const std::string& member_id);
void set_remember_cookie(const Context& ctx, Response& response, const std::string& token);
// Whether `request`'s cookie names a live remembered device of the member
// (its last use is noted).
Result<bool> device_remembered(Context& ctx, const Request& request, const std::string& member_id);

struct RememberedDevice {
  std::string id;  // the first 16 hex digits of the token's hash: enough to name it, useless to sign in
  std::string user_agent;
  std::int64_t created_at = 0, expires_at = 0, last_used_at = 0;
};
Result<std::vector<RememberedDevice>> remembered_devices(Context& ctx, UnitOfWork& work, const std::string& member_id);
// Forgets one (false: not the member's) or all of the member's.
Result<bool> forget_device(UnitOfWork& work, const std::string& member_id, const std::string& id);
Result<void> forget_devices(UnitOfWork& work, const std::string& member_id);

// Forgets a member's remembered devices when their password changes or is
// reset (the credentials plugin's events). Subscribes from start().
void forget_devices_on_password_change(Context& ctx);

}  // namespace memberd::two_step
