#include "routes.hpp"

#include <memberd/json.hpp>
#include <memberd/problem.hpp>
#include <memberd/session_cookies.hpp>

#include <nlohmann/json.hpp>

namespace memberd::two_step {

namespace {
constexpr std::size_t kMaxPasswordBytes = 1024;
}  // namespace

// The member's current password, asked again before anything that changes
// how the account is protected: counted on the account's lock like any
// other guess. nullopt when it is right.
std::optional<Response> password_problem(Context& ctx, const Request& req) {
  const auto& caller = req.caller();
  auto password = string_field(req.json(), "password").value_or("");
  if (password.empty()) return field_problem("password", "Enter your password.");
  if (password.size() > kMaxPasswordBytes) return field_problem("password", "That is longer than any password here.");
  auto& work = req.work();
  auto& guard = ctx.host.sign_in_guard();
  auto attempt = guard.reserve(work, caller.email, caller.member_id, device_token(req));
  if (!attempt) return refusal_problem(attempt.failure());
  auto check = ctx.host.accounts().verify_password(work, caller.member_id, password);
  if (!check || *check == PasswordCheck::right) (void)guard.release(work, *attempt);
  if (!check) return refusal_problem(check.failure());
  if (*check == PasswordCheck::right) return std::nullopt;
  auto state = guard.failed(work, *attempt);
  if (!state) return refusal_problem(state.failure());
  if (state->locked)
    return refusal_problem(Failure{Refusal::locked, state->retry_after, "This account is locked for a while.", 0});
  return Problem(403, "wrong_password", "The password is wrong")
      .field("password", "That is not your password.")
      .extension("attempts_left", state->attempts_left)
      .response();
}

}  // namespace memberd::two_step
