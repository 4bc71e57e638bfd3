#pragma once
// The host's services as a plugin gets them: every call that can fail in an
// unexpected way returns a Failure instead of throwing into the plugin's
// handler — `unavailable` when the database is down, out of disk or
// read-only (counted by the pool's outage tracker, which logs the outage
// once), `internal` after logging the detail when a statement failed
// otherwise. A std::logic_error (a misuse: hashing inside a
// transaction) still throws: it is a bug for the plugin's tests to find,
// and the host answers it with a 500 like any stray throw.
#include <memberd/host.hpp>

#include "mail/mail_templates.hpp"
#include "storage/pooled_unit.hpp"

#include <stdexcept>
#include <string>

namespace memberd {

class LogSink;

// Logs `what` and the error under the plugin's name (never the arguments:
// they may hold passwords).
void log_host_failure(LogSink& log, const std::string& plugin, const char* what, const std::exception& error);

// Runs `call` on `work`, turning an unexpected exception into a Failure:
// unavailable for an outage (told by the unit, which also sees whether its
// connection died), internal for anything else.
template <typename Call>
auto guarded(LogSink& log, const std::string& plugin, const char* what, UnitOfWork& work, Call&& call)
    -> decltype(call()) {
  try {
    return call();
  } catch (const std::logic_error&) {
    throw;
  } catch (const std::exception& e) {
    auto* pooled = as_pooled(work);
    auto fault = pooled ? pooled->note_failure(e) : classify_database_error(e);
    if (fault != DatabaseFault::none) return outage_failure(fault);
    log_host_failure(log, plugin, what, e);
    return Failure{Refusal::internal};
  }
}

class GuardedAccounts final : public Accounts {
 public:
  GuardedAccounts(Accounts& inner, LogSink& log, std::string plugin)
      : inner_(inner), log_(log), plugin_(std::move(plugin)) {}

  Result<PasswordHash> hash_password(UnitOfWork& work, std::string_view password) override;
  Result<std::string> create_member(UnitOfWork& work, std::string_view email, const PasswordHash& password,
                                    const std::vector<std::string>& roles) override;
  Result<Member> find_by_email(UnitOfWork& work, std::string_view email) override;
  Result<Member> find_by_id(UnitOfWork& work, std::string_view member_id) override;
  Result<PasswordCheck> verify_password(UnitOfWork& work, std::string_view member_id,
                                        std::string_view password) override;
  Result<void> set_password(UnitOfWork& work, std::string_view member_id, const PasswordHash& password) override;
  Result<void> set_email(UnitOfWork& work, std::string_view member_id, std::string_view email) override;
  Result<std::string> hash_secret(UnitOfWork& work, std::string_view secret) override;
  Result<bool> verify_secret(UnitOfWork& work, std::string_view phc_hash, std::string_view secret) override;
  Result<OpenedSession> open_session(UnitOfWork& work, std::string_view member_id, std::string_view ip,
                                     std::string_view user_agent) override;
  Result<void> revoke_session(UnitOfWork& work, std::string_view session_id) override;
  Result<int> revoke_sessions(UnitOfWork& work, std::string_view member_id, std::string_view except_session_id) override;
  Result<void> set_privileged_until(UnitOfWork& work, std::string_view session_id, TimePoint until) override;
  Result<void> set_locked_until(UnitOfWork& work, std::string_view member_id, TimePoint until) override;
  Result<OpenedSession> rotate_session(UnitOfWork& work, std::string_view session_id) override;
  Result<std::vector<Member>> find_by_ids(UnitOfWork& work, const std::vector<std::string>& member_ids) override;
  Result<std::vector<Member>> members_after(UnitOfWork& work, std::string_view after_member_id, int limit) override;
  Result<std::int64_t> member_count(UnitOfWork& work) override;

 private:
  Accounts& inner_;
  LogSink& log_;
  std::string plugin_;
};

class GuardedSignInGuard final : public SignInGuard {
 public:
  GuardedSignInGuard(SignInGuard& inner, LogSink& log, std::string plugin)
      : inner_(inner), log_(log), plugin_(std::move(plugin)) {}
  Result<SignInAttempt> reserve(UnitOfWork& work, std::string_view email, std::string_view member_id,
                                std::string_view device_token) override;
  Result<AttemptState> failed(UnitOfWork& work, const SignInAttempt& attempt) override;
  Result<void> succeeded(UnitOfWork& work, const SignInAttempt& attempt) override;
  Result<void> release(UnitOfWork& work, const SignInAttempt& attempt) override;
  Result<std::string> trust_device(UnitOfWork& work, std::string_view member_id, std::string_view device_token) override;
  std::chrono::seconds trusted_device_lifetime() const override { return inner_.trusted_device_lifetime(); }
  Result<void> unlock(UnitOfWork& work, std::string_view email, std::string_view member_id) override;
  Result<int> forget_devices(UnitOfWork& work, std::string_view member_id, std::string_view keep_device_token) override;

 private:
  SignInGuard& inner_;
  LogSink& log_;
  std::string plugin_;
};

// `templates` are the plugin version's own (Host::add_mail_templates); they
// outlive this object.
class GuardedMail final : public Mail {
 public:
  GuardedMail(Mail& inner, LogSink& log, std::string plugin, const MailTemplates& templates)
      : inner_(inner), log_(log), plugin_(std::move(plugin)), templates_(templates) {}
  Result<void> enqueue(UnitOfWork& work, const MailMessage& message) override;
  Result<void> enqueue_in_batch(UnitOfWork& work, const MailMessage& message, std::string_view batch) override;
  Result<void> enqueue_template(UnitOfWork& work, std::string_view to, std::string_view name,
                                const PlaceholderValues& values) override;

 private:
  Mail& inner_;
  LogSink& log_;
  std::string plugin_;
  const MailTemplates& templates_;
};

// A plugin submits only kinds of its own: its name, or "<name>.<word>"
// (std::logic_error otherwise), so one plugin cannot fill another's queue
// or receive its decisions under its kind.
class GuardedReviews final : public Reviews {
 public:
  GuardedReviews(Reviews& inner, LogSink& log, std::string plugin)
      : inner_(inner), log_(log), plugin_(std::move(plugin)) {}
  Result<ReviewReceipt> submit(UnitOfWork& work, std::string_view kind, std::string_view member_id,
                               const nlohmann::json& pending, const nlohmann::json& published,
                               std::chrono::seconds review_window) override;
  Result<std::optional<ReviewRevision>> pending(UnitOfWork& work, std::string_view kind,
                                                std::string_view member_id) override;
  Result<std::optional<ReviewRevision>> last_decision(UnitOfWork& work, std::string_view kind,
                                                      std::string_view member_id) override;
  Result<bool> withdraw(UnitOfWork& work, std::string_view kind, std::string_view member_id) override;

 private:
  void check_kind(std::string_view kind, const char* call) const;
  Reviews& inner_;
  LogSink& log_;
  std::string plugin_;
};

}  // namespace memberd
