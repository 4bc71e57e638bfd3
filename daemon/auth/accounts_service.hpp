#pragma once
// The core's `memberd::Accounts`: members and their Argon2id password hashes,
// and sessions. Plugins build their flows (join, sign-in, resets) on it; the
// core uses it for the bootstrap admin and the console's sign-in, so admins
// never depend on a plugin being loaded.
#include <memberd/host.hpp>

#include "auth/password_hasher.hpp"
#include "auth/session_store.hpp"

namespace memberd {

class AccountsService final : public Accounts {
 public:
  AccountsService(Database& database, const Clock& clock, PasswordHasher& hasher, SessionStore& sessions);

  PasswordHash hash_password(std::string_view password) override;
  std::optional<std::string> create_member(soci::session& tx, std::string_view email, const PasswordHash& password,
                                           const std::vector<std::string>& roles) override;
  std::optional<Member> find_by_email(std::string_view email) override;
  std::optional<Member> find_by_id(std::string_view member_id) override;
  PasswordCheck verify_password(std::string_view member_id, std::string_view password) override;
  void set_password(soci::session& tx, std::string_view member_id, const PasswordHash& password) override;
  void set_email(soci::session& tx, std::string_view member_id, std::string_view email) override;
  std::string hash_secret(std::string_view secret) override;
  bool verify_secret(std::string_view phc_hash, std::string_view secret) override;
  OpenedSession open_session(std::string_view member_id, std::string_view ip, std::string_view user_agent) override;
  void revoke_session(std::string_view session_id) override;
  int revoke_sessions(std::string_view member_id, std::string_view except_session_id) override;
  void set_privileged_until(std::string_view session_id, TimePoint until) override;
  void set_locked_until(std::string_view member_id, TimePoint until) override;

  // Whether any member holds `role` (the bootstrap admin is made when none does).
  bool role_exists(std::string_view role);

 private:
  std::optional<Member> find_where(const char* column, std::string value);

  Database& database_;
  const Clock& clock_;
  PasswordHasher& hasher_;
  SessionStore& sessions_;
};

}  // namespace memberd
