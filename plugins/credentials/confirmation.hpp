#pragma once
// Whether a member's address is proven (issue 27, M4: address squatting).
// Joining proves nothing: the member is listed in
// credentials_unconfirmed_emails until the link in the welcome mail (or a
// resend, or a password-reset link) is used. Members not listed — everyone
// who joined before the table existed, and members an admin created —
// count as confirmed (schema/*/006_unconfirmed_emails.sql says why).
#include "context.hpp"

#include <optional>
#include <string>

namespace memberd::credentials {

// DB: reads. Fails: busy.
Result<bool> email_confirmed(UnitOfWork& work, const std::string& member_id);

// Lists a member who just joined as unconfirmed, issues a confirmation link
// for `email` and returns it (in the open transaction, with the welcome
// mail that carries it). Fails: busy, internal (no randomness).
Result<std::string> start_confirmation(Context& ctx, UnitOfWork& work, const std::string& member_id,
                                       const std::string& email);

// A further link for the unconfirmed member, mailed to `email` (in the
// open transaction). Fails: busy, internal.
Result<void> mail_new_confirmation(Context& ctx, UnitOfWork& work, const std::string& member_id,
                                   const std::string& email);

// The address is proven (`how`: "link" or "reset"): the member leaves the
// list, every outstanding confirmation link dies, and `email.confirmed` is
// published (in the open transaction). Fails: busy.
Result<void> mark_confirmed(Context& ctx, UnitOfWork& work, const Request& request, const std::string& member_id,
                            const std::string& email, const char* how);

// nullopt when the caller's address is confirmed; else the 409
// `email_not_confirmed` that says how to confirm it before they can `what`
// ("set a security question"), or the failure to read the state.
std::optional<Response> refuse_unconfirmed(const Request& request, const char* what);

}  // namespace memberd::credentials
