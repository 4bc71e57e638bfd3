#pragma once
// Recovery codes: what lets a member in when their phone is lost. Ten at a
// time, each 10 characters of RFC 4648's base32 alphabet in lower case (50
// bits), shown as "abcde-fghij".
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace memberd::two_step {

constexpr std::size_t kRecoveryCodeCount = 10;

// Ten new codes as the member sees them. Throws std::runtime_error when the
// CSPRNG fails.
std::vector<std::string> new_recovery_codes();
// The code's one form, as it is hashed: lower case, without the spaces and
// hyphens a member may type or copy. nullopt when it cannot be a code.
std::optional<std::string> normalize_recovery_code(std::string_view typed);

}  // namespace memberd::two_step
