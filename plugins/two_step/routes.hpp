#pragma once
// The plugin's routes, one file per group (openapi.yaml beside them).
#include "context.hpp"

#include <memberd/http.hpp>

#include <nlohmann/json.hpp>

#include <memory>
#include <string>

#include <optional>

namespace memberd {
class MemberDataProvider;  // memberd/member_data.hpp
}  // namespace memberd

namespace memberd::two_step {

void add_settings_routes(Context& ctx);  // the member's page: state, app, recovery codes, turning off
void add_sign_in_routes(Context& ctx);   // the second step of sign-in

void add_passkey_routes(Context& ctx);
// The member's second step as the console shows it: {enabled, factors
// (kind, name, added, last used; never a secret), actions (what admins
// did)}. DB: reads. Fails: busy.
Result<nlohmann::json> two_step_view(Context& ctx, UnitOfWork& work, const std::string& member_id);
// The plugin's part of a member's data: exported, erased (member_data.cpp).
std::shared_ptr<MemberDataProvider> member_data_provider(Context& ctx);
void add_admin_routes(Context& ctx);     // the console: a member's factors, removing them with a reason   // adding, naming and removing passkeys; signing in with one

// The member's current password (the body's `password`), asked again
// before anything that changes how the account is protected, counted on
// the account's lock like any other guess: nullopt when it is right, else
// 422, 403 wrong_password (attempts_left), 429 or 503.
std::optional<Response> password_problem(Context& ctx, const Request& req);

// For a member with two-step verification on: the body's `second_step`
// proof ({method, code} or {method: "passkey", credential}), checked and
// used up like at sign-in, before anything that changes how the account is
// protected: a session and the password must not be enough to add a
// factor or replace the codes. nullopt when it passed or two-step is off;
// else 403 second_step_required (nothing counted) or wrong_code, 422, 429.
std::optional<Response> second_step_problem(Context& ctx, const Request& req);

// POST /api/v1/session/second-step/passkey-options (passkey_routes.cpp).
Response passkey_second_step_options(Context& ctx, const Request& req);

// 422 with one field's problem.
Response field_problem(const std::string& field, const std::string& message);
// 401 or 403 for a wrong code, with how many tries are left before the lock.
Response wrong_code(int status, int attempts_left);

}  // namespace memberd::two_step
