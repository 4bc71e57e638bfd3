#pragma once
// The core's `memberd::Accounts`: members and their Argon2id password hashes,
// and sessions. Plugins build their flows (join, sign-in, resets) on it; the
// core uses it for the bootstrap admin and the console's sign-in, so admins
// never depend on a plugin being loaded. Every call works on the caller's
// unit of work (host.hpp documents each call and how it fails).
#include <memberd/host.hpp>

#include "auth/password_hasher.hpp"
#include "auth/session_store.hpp"

namespace memberd {

class LogSink;

class AccountsService final : public Accounts {
 public:
  // `log` takes what fails unexpectedly inside a call (service_boundary.hpp).
  AccountsService(const Clock& clock, PasswordHasher& hasher, SessionStore& sessions, LogSink& log);

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
  Result<std::vector<MemberSession>> sessions_of(UnitOfWork& work, std::string_view member_id) override;
  Result<bool> revoke_member_session(UnitOfWork& work, std::string_view member_id,
                                     std::string_view session_id) override;
  Result<std::vector<Member>> find_by_ids(UnitOfWork& work, const std::vector<std::string>& member_ids) override;
  Result<std::vector<Member>> members_after(UnitOfWork& work, std::string_view after_member_id, int limit) override;
  Result<std::int64_t> member_count(UnitOfWork& work) override;

  // Whether any member holds `role` (the bootstrap admin is made when none does).
  Result<bool> role_exists(UnitOfWork& work, std::string_view role);

 private:
  Result<Member> find_where(UnitOfWork& work, const char* column, std::string value);
  // Runs a hashing call with the unit's connection given back meanwhile;
  // HashingBusy becomes a `busy` Failure.
  template <typename Hashing>
  auto hashing(UnitOfWork& work, const char* call, Hashing&& hash) -> Result<decltype(hash())>;

  const Clock& clock_;
  PasswordHasher& hasher_;
  SessionStore& sessions_;
  LogSink& log_;
};

}  // namespace memberd
