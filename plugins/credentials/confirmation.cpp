#include "confirmation.hpp"

#include "member_facts.hpp"
#include "notices.hpp"
#include "replies.hpp"

#include <memberd/database.hpp>
#include <memberd/problem.hpp>

namespace memberd::credentials {

namespace {

std::string confirmation_link(const Context& ctx, const std::string& token) {
  return ctx.settings.link_base + "/#/credentials/confirm-email?token=" + token;
}

Result<std::string> issue_link(Context& ctx, UnitOfWork& work, const std::string& member_id, const std::string& email) {
  // The address rides with the token: a link proves only the address it was
  // mailed to.
  auto token = ctx.tokens.issue(work, TokenKind::confirm_email, member_id, ctx.settings.verification_token_lifetime,
                                email);
  if (!token) return token.failure();
  return confirmation_link(ctx, *token);
}

}  // namespace

Result<bool> email_confirmed(UnitOfWork& work, const std::string& member_id) {
  // Kept prepared: GET /api/v1/me asks this on every page view.
  auto select = work.kept("SELECT since FROM credentials_unconfirmed_emails WHERE member_id = :m");
  if (!select) return select.failure();
  long long since = 0;
  soci::indicator ind = soci::i_null;
  bool listed = (*select)->run(soci::use(member_id), soci::into(since, ind)) && ind == soci::i_ok;
  return !listed;
}

Result<std::string> start_confirmation(Context& ctx, UnitOfWork& work, const std::string& member_id,
                                       const std::string& email) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  long long now = ctx.host.clock().unix_now();
  **sql << "INSERT INTO credentials_unconfirmed_emails (member_id, since) VALUES (:m, :s)", soci::use(member_id),
      soci::use(now);
  if (auto announced = member_facts_changed(ctx.host.changes(), work, member_id); !announced)
    return announced.failure();
  return issue_link(ctx, work, member_id, email);
}

Result<void> mail_new_confirmation(Context& ctx, UnitOfWork& work, const std::string& member_id,
                                   const std::string& email) {
  auto link = issue_link(ctx, work, member_id, email);
  if (!link) return link.failure();
  return mail_confirm_email(ctx.host, work, email, *link, ctx.settings.verification_token_lifetime);
}

Result<void> mark_confirmed(Context& ctx, UnitOfWork& work, const Request& request, const std::string& member_id,
                            const std::string& email, const char* how) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  **sql << "DELETE FROM credentials_unconfirmed_emails WHERE member_id = :m", soci::use(member_id);
  if (auto announced = member_facts_changed(ctx.host.changes(), work, member_id); !announced)
    return announced.failure();
  // One confirmation is enough: the other links (the welcome mail's, older
  // resends) have nothing left to do.
  if (auto revoked = ctx.tokens.revoke_all(work, member_id, TokenKind::confirm_email); !revoked)
    return revoked.failure();
  auto event = audit(request, member_id);
  event["email"] = email;
  event["how"] = how;
  return ctx.host.events().publish(work, "email.confirmed", event);
}

std::optional<Response> refuse_unconfirmed(const Request& request, const char* what) {
  auto confirmed = email_confirmed(request.work(), request.caller().member_id);
  if (!confirmed) return refusal_problem(confirmed.failure());
  if (*confirmed) return std::nullopt;
  return problem(409, "email_not_confirmed", "Confirm your email address first",
                 std::string("Before you can ") + what + ", confirm that " + request.caller().email +
                     " is yours: open the link in the email we sent when you joined. No email? Have a new link sent "
                     "from Account Settings (POST /api/v1/me/email/confirmation).");
}

}  // namespace memberd::credentials
