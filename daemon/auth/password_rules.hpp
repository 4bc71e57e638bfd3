#pragma once
// The core's `memberd::PasswordRules`: one password policy for members,
// admins and the console, from the core's `passwords:` section. host.hpp
// documents the call; password_policy.hpp the rules themselves.
#include "auth/common_passwords.hpp"
#include "auth/password_policy.hpp"

#include <memberd/host.hpp>

#include <filesystem>
#include <memory>

namespace memberd {

class PasswordRulesService final : public PasswordRules {
 public:
  // Loads the common-password list: throws std::runtime_error naming the
  // file when it cannot be read (start-up stops rather than allow everything).
  PasswordRulesService(std::size_t min_length, const std::filesystem::path& common_passwords_file);

  std::optional<std::string> problem(std::string_view password, std::string_view email) const override;
  std::size_t common_passwords() const { return common_->size(); }

 private:
  std::unique_ptr<CommonPasswords> common_;
  PasswordPolicy policy_;
};

// The form a password is hashed in: NFKC (NIST SP 800-63B 3.1.1.2), so "Å"
// typed as one code point or as "A" and a combining ring is one password.
// Ill-formed UTF-8 is returned as it is (the policy refuses it when chosen;
// a sign-in with it simply does not match).
std::string normalize_password(std::string_view password);

}  // namespace memberd
