#include "second_step_gate.hpp"

#include <memberd/json.hpp>
#include <memberd/problem.hpp>
#include <memberd/sign_in_factors.hpp>

#include <nlohmann/json.hpp>

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

std::optional<Response> check_second_step(Context& ctx, const Request& request, const std::string& member_id,
                                          const nlohmann::json& body) {
  auto required = needs_second_step(ctx, request, member_id);
  if (!required) return refusal_problem(required.failure());
  if (!*required) return std::nullopt;
  const auto& proof = proof_of(body);
  if (!proof.is_object())
    return problem(403, "second_step_required", "Two-step verification needed",
                   "Send a code from your authenticator app, or a recovery code, as second_step: {method, code}.");
  auto passed = ctx.host.sign_in_factors().verify_second_step(request.work(), member_id, proof, request);
  if (!passed) return refusal_problem(passed.failure());
  if (!*passed)
    return Problem(403, "wrong_code", "That code is not right")
        .detail("Check the code and try again; a code from an app changes every 30 seconds.")
        .field("code", "That code is not right. Check it and try again.")
        .response();
  return std::nullopt;
}

}  // namespace memberd::credentials
