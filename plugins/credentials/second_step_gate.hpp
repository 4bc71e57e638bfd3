#pragma once
// The second step in this plugin's own gates (issue 31): a member who turned
// on two-step verification proves it again at the step-up (before changing
// email, password or question) and in a password reset, so that neither
// the security answer nor the mailed link is a way around it. The proof is
// the body's `second_step` object ({"method": "totp", "code": "123456"}),
// checked by the member's provider through the host (sign_in_factors.hpp).
#include "context.hpp"

#include <memberd/host.hpp>

#include <nlohmann/json_fwd.hpp>

#include <optional>

namespace memberd::credentials {

// Whether the member must give a second step. Fails: busy, unavailable.
Result<bool> needs_second_step(Context& ctx, const Request& request, const std::string& member_id);

// Before any secret of the flow is checked: 403 `second_step_required`
// when the member has a second step and `body` carries no
// proof, so that the page asks for one and nothing is counted yet.
std::optional<Response> ask_for_second_step(Context& ctx, const Request& request, const std::string& member_id,
                                            const nlohmann::json& body);
// Checks the proof (used up when right, counted on the member's lock when
// wrong): nullopt when it passed or the member has no second step; else
// 403 `wrong_code`, 429 `locked`, or 503 (the provider is not serving).
std::optional<Response> check_second_step(Context& ctx, const Request& request, const std::string& member_id,
                                          const nlohmann::json& body);
// The same for a reset link: a wrong proof counts on the reset's own budget
// (`budget_key` under `policy`, shared with the link's answer), not on the
// account's lock, so that someone keeping the account locked cannot keep
// its owner from resetting; 429 `locked` once that budget is out.
std::optional<Response> check_second_step_on_budget(Context& ctx, const Request& request, const std::string& member_id,
                                                    const nlohmann::json& body, const std::string& budget_key,
                                                    const AttemptPolicy& policy);

}  // namespace memberd::credentials
