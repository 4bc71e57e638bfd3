#include "code_check.hpp"
#include "routes.hpp"

#include <memberd/json.hpp>
#include <memberd/problem.hpp>
#include <memberd/session_cookies.hpp>
#include <memberd/sign_in_factors.hpp>

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
  record_wrong_guess(ctx, req, caller.member_id, "password", GuessKind::in_session, *attempt, *state);
  if (state->locked)
    return refusal_problem(Failure{Refusal::locked, state->retry_after, "This account is locked for a while.", 0});
  return Problem(403, "wrong_password", "The password is wrong")
      .field("password", "That is not your password.")
      .extension("attempts_left", state->attempts_left)
      .response();
}

std::optional<Response> second_step_problem(Context& ctx, const Request& req) {
  const auto& caller = req.caller();
  auto required = ctx.host.sign_in_factors().second_step_required(req.work(), caller.member_id);
  if (!required) return refusal_problem(required.failure());
  if (!*required) return std::nullopt;
  auto proof = req.json().find("second_step");
  if (proof == req.json().end() || !proof->is_object())
    return problem(403, "second_step_required", "Two-step verification needed",
                   "Confirm it is you with your second step too (second_step: {method, code} or a passkey).");
  auto parsed = parse_code(*proof);
  if (auto* bad = std::get_if<std::pair<std::string, std::string>>(&parsed)) return field_problem(bad->first, bad->second);
  auto outcome = check_code(ctx, req, caller.member_id, caller.email, std::get<Code>(parsed), GuessKind::in_session);
  if (!outcome) return refusal_problem(outcome.failure());
  if (!outcome->right) return wrong_code(403, outcome->attempts_left);
  return std::nullopt;
}

}  // namespace memberd::two_step
