#include "mails.hpp"

#include <memberd/wording.hpp>

namespace memberd::two_step {

namespace {

Result<void> mail(Context& ctx, UnitOfWork& work, const std::string& email, const Request& request,
                  const char* name, const std::string& passkey = {}) {
  return ctx.host.mail().enqueue_template(
      work, email, name,
      {{"when", time_for_people(ctx.host.clock().unix_now())},
       {"ip", std::string(request.client_ip())},
       {"passkey", passkey},
       {"settings_url", ctx.host.public_url() + "/account/#/two_step/two-step"}});
}

}  // namespace

Result<void> mail_two_step_on(Context& ctx, UnitOfWork& work, const std::string& email, const Request& request) {
  return mail(ctx, work, email, request, "two-step-on");
}
Result<void> mail_two_step_off(Context& ctx, UnitOfWork& work, const std::string& email, const Request& request) {
  return mail(ctx, work, email, request, "two-step-off");
}
Result<void> mail_recovery_code_used(Context& ctx, UnitOfWork& work, const std::string& email,
                                     const Request& request) {
  return mail(ctx, work, email, request, "recovery-code-used");
}
Result<void> mail_new_recovery_codes(Context& ctx, UnitOfWork& work, const std::string& email,
                                     const Request& request) {
  return mail(ctx, work, email, request, "recovery-codes-new");
}

Result<void> mail_removed_by_admin(Context& ctx, UnitOfWork& work, const std::string& email, const Request& request) {
  return mail(ctx, work, email, request, "two-step-removed");
}
Result<void> mail_passkey_added(Context& ctx, UnitOfWork& work, const std::string& email, const Request& request,
                                const std::string& name) {
  return mail(ctx, work, email, request, "passkey-added", name);
}
Result<void> mail_passkey_removed(Context& ctx, UnitOfWork& work, const std::string& email, const Request& request,
                                  const std::string& name) {
  return mail(ctx, work, email, request, "passkey-removed", name);
}

}  // namespace memberd::two_step
