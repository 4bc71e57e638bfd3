#pragma once
// The plugin's routes, one file per group of flows (api.md, "Members,
// sessions, credentials").
#include "context.hpp"

#include <optional>

namespace memberd::credentials {

void add_account_routes(Context& ctx);   // join, sign in and out, me
void add_question_routes(Context& ctx);  // the catalogue, the member's question, step-up
void add_change_routes(Context& ctx);    // change email (and verify it), change password
void add_reset_routes(Context& ctx);     // forgotten password

// After a wrong password or answer: counts it for the account and the client
// network and, when that locks the account, tells the member and the admins.
LockState count_failure(Context& ctx, const Request& request, const std::string& email, const std::string& member_id,
                        const char* what);
void count_success(Context& ctx, const std::string& email, const std::string& member_id);

// The signed-in member's current password, checked the way every flow that
// asks for it must: refused while locked, counted when wrong (403 with
// attempts_left, or 429 once that locks the account), 503 when the hashing
// pool is full. nullopt when the password is right.
std::optional<Response> check_current_password(Context& ctx, const Request& request, const std::string& password);

}  // namespace memberd::credentials
