#include "second_step_gate.hpp"

#include <memberd/json.hpp>
#include <memberd/problem.hpp>
#include <memberd/sign_in_factors.hpp>

#include <nlohmann/json.hpp>

#include <functional>

namespace memberd::credentials {

namespace {

const nlohmann::json& proof_of(const nlohmann::json& body) {
  static const nlohmann::json none;
  auto it = body.find("second_step");
  return it != body.end() && it->is_object() ? *it : none;
}

}  // namespace

Result<bool> needs_second_step(Context& ctx, const Request& request, const std::string& member_id) {
  return ctx.host.sign_in_factors().second_step_required(request.work(), member_id);
}

std::optional<Response> ask_for_second_step(Context& ctx, const Request& request, const std::string& member_id,
                                            const nlohmann::json& body) {
  auto required = needs_second_step(ctx, request, member_id);
  if (!required) return refusal_problem(required.failure());
  if (!*required || proof_of(body).is_object()) return std::nullopt;
  return Problem(403, "second_step_required", "Two-step verification needed")
      .detail("Send a code from your authenticator app, or a recovery code, as second_step: {method, code}.")
      .response();
}

namespace {

using Verify = std::function<Result<bool>(const nlohmann::json& proof)>;

std::optional<Response> check_with(Context& ctx, const Request& request, const std::string& member_id,
                                   const nlohmann::json& body, const Verify& verify) {
  auto required = needs_second_step(ctx, request, member_id);
  if (!required) return refusal_problem(required.failure());
  if (!*required) return std::nullopt;
  const auto& proof = proof_of(body);
  if (!proof.is_object())
    return problem(403, "second_step_required", "Two-step verification needed",
                   "Send a code from your authenticator app, or a recovery code, as second_step: {method, code}.");
  auto passed = verify(proof);
  if (!passed) return refusal_problem(passed.failure());
  if (!*passed)
    return Problem(403, "wrong_code", "That code is not right")
        .detail("Check the code and try again; a code from an app changes every 30 seconds.")
        .field("code", "That code is not right. Check it and try again.")
        .response();
  return std::nullopt;
}

}  // namespace

std::optional<Response> check_second_step(Context& ctx, const Request& request, const std::string& member_id,
                                          const nlohmann::json& body) {
  return check_with(ctx, request, member_id, body, [&](const nlohmann::json& proof) {
    return ctx.host.sign_in_factors().verify_second_step(request.work(), member_id, proof, request);
  });
}

std::optional<Response> check_second_step_on_budget(Context& ctx, const Request& request, const std::string& member_id,
                                                    const nlohmann::json& body, const std::string& budget_key,
                                                    const AttemptPolicy& policy) {
  return check_with(ctx, request, member_id, body, [&](const nlohmann::json& proof) -> Result<bool> {
    auto passed = ctx.host.sign_in_factors().verify_second_step_on_budget(request.work(), member_id, proof, request,
                                                                         budget_key, policy);
    if (!passed && passed.failure().refusal == Refusal::locked)
      return Failure{Refusal::locked, passed.failure().retry_after,
                     "Too many wrong answers or codes; ask for a new reset link later.", 0};
    return passed;
  });
}

}  // namespace memberd::credentials
