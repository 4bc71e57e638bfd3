#include "plugin_host/guarded_services.hpp"

#include "log/logger.hpp"
#include "storage/error_text.hpp"
#include "util/review_kind_names.hpp"


namespace memberd {

void log_host_failure(LogSink& log, const std::string& plugin, const char* what, const std::exception& error) {
  log.write(LogLevel::error, plugin, "host call failed", {{"call", what}, {"error", describe_error(error)}});
}

// Every guarded call takes the unit it works on as `work`.
#define MEMBERD_GUARD(call) guarded(log_, plugin_, #call, work, [&] { return inner_.call; })

Result<PasswordHash> GuardedAccounts::hash_password(UnitOfWork& work, std::string_view password) {
  return MEMBERD_GUARD(hash_password(work, password));
}
Result<std::string> GuardedAccounts::create_member(UnitOfWork& work, std::string_view email,
                                                   const PasswordHash& password,
                                                   const std::vector<std::string>& roles) {
  return MEMBERD_GUARD(create_member(work, email, password, roles));
}
Result<Member> GuardedAccounts::find_by_email(UnitOfWork& work, std::string_view email) {
  return MEMBERD_GUARD(find_by_email(work, email));
}
Result<Member> GuardedAccounts::find_by_id(UnitOfWork& work, std::string_view member_id) {
  return MEMBERD_GUARD(find_by_id(work, member_id));
}
Result<PasswordCheck> GuardedAccounts::verify_password(UnitOfWork& work, std::string_view member_id,
                                                       std::string_view password) {
  return MEMBERD_GUARD(verify_password(work, member_id, password));
}
Result<void> GuardedAccounts::set_password(UnitOfWork& work, std::string_view member_id, const PasswordHash& password) {
  return MEMBERD_GUARD(set_password(work, member_id, password));
}
Result<void> GuardedAccounts::set_email(UnitOfWork& work, std::string_view member_id, std::string_view email) {
  return MEMBERD_GUARD(set_email(work, member_id, email));
}
Result<std::string> GuardedAccounts::hash_secret(UnitOfWork& work, std::string_view secret) {
  return MEMBERD_GUARD(hash_secret(work, secret));
}
Result<bool> GuardedAccounts::verify_secret(UnitOfWork& work, std::string_view phc_hash, std::string_view secret) {
  return MEMBERD_GUARD(verify_secret(work, phc_hash, secret));
}
Result<OpenedSession> GuardedAccounts::open_session(UnitOfWork& work, std::string_view member_id, std::string_view ip,
                                                    std::string_view user_agent) {
  return MEMBERD_GUARD(open_session(work, member_id, ip, user_agent));
}
Result<void> GuardedAccounts::revoke_session(UnitOfWork& work, std::string_view session_id) {
  return MEMBERD_GUARD(revoke_session(work, session_id));
}
Result<int> GuardedAccounts::revoke_sessions(UnitOfWork& work, std::string_view member_id,
                                             std::string_view except_session_id) {
  return MEMBERD_GUARD(revoke_sessions(work, member_id, except_session_id));
}
Result<void> GuardedAccounts::set_privileged_until(UnitOfWork& work, std::string_view session_id, TimePoint until) {
  return MEMBERD_GUARD(set_privileged_until(work, session_id, until));
}
Result<void> GuardedAccounts::set_locked_until(UnitOfWork& work, std::string_view member_id, TimePoint until) {
  return MEMBERD_GUARD(set_locked_until(work, member_id, until));
}
Result<OpenedSession> GuardedAccounts::rotate_session(UnitOfWork& work, std::string_view session_id) {
  return MEMBERD_GUARD(rotate_session(work, session_id));
}
Result<std::vector<Member>> GuardedAccounts::find_by_ids(UnitOfWork& work, const std::vector<std::string>& member_ids) {
  return MEMBERD_GUARD(find_by_ids(work, member_ids));
}

Result<std::vector<Member>> GuardedAccounts::members_after(UnitOfWork& work, std::string_view after_member_id,
                                                          int limit) {
  return MEMBERD_GUARD(members_after(work, after_member_id, limit));
}
Result<std::int64_t> GuardedAccounts::member_count(UnitOfWork& work) { return MEMBERD_GUARD(member_count(work)); }

Result<SignInAttempt> GuardedSignInGuard::reserve(UnitOfWork& work, std::string_view email, std::string_view member_id,
                                                  std::string_view device_token) {
  return MEMBERD_GUARD(reserve(work, email, member_id, device_token));
}
Result<AttemptState> GuardedSignInGuard::failed(UnitOfWork& work, const SignInAttempt& attempt) {
  return MEMBERD_GUARD(failed(work, attempt));
}
Result<void> GuardedSignInGuard::succeeded(UnitOfWork& work, const SignInAttempt& attempt) {
  return MEMBERD_GUARD(succeeded(work, attempt));
}
Result<void> GuardedSignInGuard::release(UnitOfWork& work, const SignInAttempt& attempt) {
  return MEMBERD_GUARD(release(work, attempt));
}
Result<std::string> GuardedSignInGuard::trust_device(UnitOfWork& work, std::string_view member_id,
                                                     std::string_view device_token) {
  return MEMBERD_GUARD(trust_device(work, member_id, device_token));
}
Result<void> GuardedSignInGuard::unlock(UnitOfWork& work, std::string_view email, std::string_view member_id) {
  return MEMBERD_GUARD(unlock(work, email, member_id));
}
Result<int> GuardedSignInGuard::forget_devices(UnitOfWork& work, std::string_view member_id,
                                              std::string_view keep_device_token) {
  return MEMBERD_GUARD(forget_devices(work, member_id, keep_device_token));
}

Result<void> GuardedMail::enqueue(UnitOfWork& work, const MailMessage& message) {
  return MEMBERD_GUARD(enqueue(work, message));
}

// The batch is named after the plugin, so two plugins' sends never mix.
Result<void> GuardedMail::enqueue_in_batch(UnitOfWork& work, const MailMessage& message, std::string_view batch) {
  if (batch.empty() || batch.size() > 64 ||
      batch.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") != std::string_view::npos)
    throw std::invalid_argument("Mail::enqueue_in_batch: a batch is 1 to 64 of [A-Za-z0-9_.-]");
  std::string tagged = plugin_ + ":" + std::string(batch);
  return MEMBERD_GUARD(enqueue_in_batch(work, message, tagged));
}

Result<void> GuardedMail::enqueue_template(UnitOfWork& work, std::string_view to, std::string_view name,
                                           const PlaceholderValues& values) {
  const MailTemplate* found = templates_.find(name);
  if (!found)
    throw std::logic_error("Mail::enqueue_template: no template \"" + std::string(name) +
                           "\" (add it with Host::add_mail_templates in start())");
  return MEMBERD_GUARD(enqueue(work, render_template(*found, to, values)));
}

void GuardedReviews::check_kind(std::string_view kind, const char* call) const {
  if (!is_own_review_kind(plugin_, kind))
    throw std::logic_error(std::string("Reviews::") + call + ": kind \"" + std::string(kind) + "\" is not " + plugin_ +
                           " or " + plugin_ + ".<word>");
}
Result<ReviewReceipt> GuardedReviews::submit(UnitOfWork& work, std::string_view kind, std::string_view member_id,
                                             const nlohmann::json& pending, const nlohmann::json& published,
                                             std::chrono::seconds review_window) {
  check_kind(kind, "submit");
  return MEMBERD_GUARD(submit(work, kind, member_id, pending, published, review_window));
}
Result<std::optional<ReviewRevision>> GuardedReviews::pending(UnitOfWork& work, std::string_view kind,
                                                              std::string_view member_id) {
  check_kind(kind, "pending");
  return MEMBERD_GUARD(pending(work, kind, member_id));
}
Result<std::optional<ReviewRevision>> GuardedReviews::last_decision(UnitOfWork& work, std::string_view kind,
                                                                    std::string_view member_id) {
  check_kind(kind, "last_decision");
  return MEMBERD_GUARD(last_decision(work, kind, member_id));
}
Result<bool> GuardedReviews::withdraw(UnitOfWork& work, std::string_view kind, std::string_view member_id) {
  check_kind(kind, "withdraw");
  return MEMBERD_GUARD(withdraw(work, kind, member_id));
}

#undef MEMBERD_GUARD

}  // namespace memberd
