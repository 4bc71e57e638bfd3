#pragma once
// Which passwords a member may choose, after NIST SP 800-63B section 5.1.1:
// a length floor and ceiling, a block list of common passwords and of the
// member's own email name, and deliberately no composition rules (they push
// members toward "Password1!" without making guessing harder).
#include "auth/common_passwords.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace memberd {

struct PasswordPolicy {
  std::size_t min_length = 12;   // passwords.min_length
  std::size_t max_length = 256;  // long enough for passphrases, short enough to hash cheaply
  const CommonPasswords* common = nullptr;  // not owned; null skips the list check
};

// Why `password` may not be used, as a short sentence to show the member, or
// nullopt when it is acceptable. `email` is the member's address (new or
// current). Lengths count Unicode code points, not bytes, so "ä" is one
// character. Refused are: ill-formed UTF-8; too short or too long; one
// character repeated; a password on the common list, also after stripping
// trailing digits, punctuation and symbols ("password1234!" when "password" is
// listed); a password holding the email's local part (or its part before a
// "+tag") as a word of its own, ignoring case, when that is at least 3
// characters: "ann" refuses "Ann1985", not "channel".
std::optional<std::string> password_problem(const PasswordPolicy& policy, std::string_view password,
                                             std::string_view email);

}  // namespace memberd
