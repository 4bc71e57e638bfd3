#pragma once
// The plugin's routes, one file per group (openapi.yaml beside them).
#include "context.hpp"

#include <memberd/http.hpp>

namespace memberd::two_step {

void add_settings_routes(Context& ctx);  // the member's page: state, app, recovery codes, turning off
void add_sign_in_routes(Context& ctx);   // the second step of sign-in

// 422 with one field's problem.
Response field_problem(const std::string& field, const std::string& message);
// 401 or 403 for a wrong code, with how many tries are left before the lock.
Response wrong_code(int status, int attempts_left);

}  // namespace memberd::two_step
