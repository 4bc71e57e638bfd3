#pragma once
// The transactional mail this plugin sends the member (templates in mail/):
// every change to how their account is protected, so that a change they did
// not make is noticed.
#include "context.hpp"

#include <memberd/http.hpp>

namespace memberd::two_step {

// Each joins the open transaction. Fails: busy, unavailable.
Result<void> mail_two_step_on(Context& ctx, UnitOfWork& work, const std::string& email, const Request& request);
Result<void> mail_two_step_off(Context& ctx, UnitOfWork& work, const std::string& email, const Request& request);
Result<void> mail_recovery_code_used(Context& ctx, UnitOfWork& work, const std::string& email, const Request& request);
Result<void> mail_new_recovery_codes(Context& ctx, UnitOfWork& work, const std::string& email, const Request& request);

Result<void> mail_removed_by_admin(Context& ctx, UnitOfWork& work, const std::string& email, const Request& request);
Result<void> mail_passkey_added(Context& ctx, UnitOfWork& work, const std::string& email, const Request& request,
                                const std::string& name);
Result<void> mail_passkey_removed(Context& ctx, UnitOfWork& work, const std::string& email, const Request& request,
                                  const std::string& name);

}  // namespace memberd::two_step
