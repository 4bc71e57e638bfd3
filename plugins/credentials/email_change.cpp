#include "email_change.hpp"

#include "notices.hpp"

namespace memberd::credentials {

Result<void> send_email_change_link(Context& ctx, UnitOfWork& work, const std::string& member_id,
                                    const std::string& new_email, const std::string& session_id,
                                    bool address_in_use) {
  // Only the newest requested address can be confirmed: an older link would
  // flip the email back after a newer change.
  if (auto revoked = ctx.tokens.revoke_all(work, member_id, TokenKind::verify_email); !revoked)
    return revoked.failure();
  auto token = ctx.tokens.issue(work, TokenKind::verify_email, member_id, ctx.settings.verification_token_lifetime,
                                new_email, session_id);
  if (!token) return token.failure();
  if (address_in_use) return mail_email_address_in_use(ctx.host, work, new_email);
  return mail_verify_new_email(ctx.host, work, new_email,
                               ctx.settings.link_base + "/#/credentials/verify-email?token=" + *token,
                               ctx.settings.verification_token_lifetime);
}

}  // namespace memberd::credentials
