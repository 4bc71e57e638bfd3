#include "auth/password_policy.hpp"

#include "auth/common_passwords.hpp"

#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

using memberd::CommonPasswords;
using memberd::password_problem;
using memberd::PasswordPolicy;

namespace {

const std::string email = "alice.smith@example.org";
const std::string too_common = "This password is too common; choose another.";
// The refusal names what it found.
std::string uses_email(const std::string& name) {
  return "Don't use \"" + name + "\" from your email address in your password.";
}

}  // namespace

TEST_CASE("passwords: length is counted in characters, not bytes", "[passwords]") {
  const PasswordPolicy policy;
  CHECK(password_problem(policy, "correct horse", email) == std::nullopt);
  CHECK(password_problem(policy, "short", email) == std::optional<std::string>("Use at least 12 characters."));
  CHECK(password_problem(policy, "elevenchars", email).has_value());
  CHECK(password_problem(policy, "twelve chars", email) == std::nullopt);
  // Eleven "ä" are 22 bytes but 11 characters: too short. Twelve are enough.
  std::string umlauts;
  for (int i = 0; i < 11; ++i) umlauts += i % 2 ? "\xC3\xA4" : "\xC3\xB6";
  CHECK(password_problem(policy, umlauts, email) == std::optional<std::string>("Use at least 12 characters."));
  CHECK(password_problem(policy, umlauts + "\xC3\xBC", email) == std::nullopt);
  // Characters outside the BMP count once as well.
  std::string emoji;
  for (int i = 0; i < 6; ++i) emoji += i % 2 ? "\xF0\x9F\x90\xB3" : "\xF0\x9F\x8C\x8A";
  CHECK(password_problem(PasswordPolicy{6, 256, nullptr}, emoji, email) == std::nullopt);
  CHECK(password_problem(PasswordPolicy{7, 256, nullptr}, emoji, email).has_value());

  std::string long_ok;
  for (int i = 0; i < 256; ++i) long_ok += static_cast<char>('a' + i % 26);
  CHECK(password_problem(policy, long_ok, email) == std::nullopt);
  CHECK(password_problem(policy, long_ok + "z", email) == std::optional<std::string>("Use at most 256 characters."));
  CHECK(password_problem(policy, std::string(100000, 'q'), email) ==
        std::optional<std::string>("Use at most 256 characters."));
  CHECK(password_problem(PasswordPolicy{16, 256, nullptr}, "fifteen chars!!", email) ==
        std::optional<std::string>("Use at least 16 characters."));
}

TEST_CASE("passwords: there are no composition rules", "[passwords]") {
  const PasswordPolicy policy;
  CHECK(password_problem(policy, "all lower case words", email) == std::nullopt);
  CHECK(password_problem(policy, "938475610293", email) == std::nullopt);
}

TEST_CASE("passwords: ill-formed UTF-8 is refused", "[passwords]") {
  const PasswordPolicy policy;
  CHECK(password_problem(policy, "correct horse\xFF", email).has_value());
  CHECK(password_problem(policy, "correct horse\xED\xA0\x80", email).has_value());
}

TEST_CASE("passwords: common ones are refused, also with digits and symbols added", "[passwords]") {
  const CommonPasswords common(std::vector<std::string>{"password", "letmeinplease", "123456789012"});
  const PasswordPolicy policy{12, 256, &common};
  CHECK(password_problem(policy, "letmeinplease", email) == too_common);
  CHECK(password_problem(policy, "LetMeInPlease", email) == too_common);
  CHECK(password_problem(policy, "password1234!", email) == too_common);
  CHECK(password_problem(policy, "Password2024!?", email) == too_common);
  CHECK(password_problem(policy, "password \xE2\x82\xAC 1234", email) == too_common);  // "€" is a symbol
  CHECK(password_problem(policy, "123456789012", email) == too_common);
  // Only the tail is stripped; a word around the listed one is fine.
  CHECK(password_problem(policy, "1234password!", email) == std::nullopt);
  CHECK(password_problem(policy, "password1234x", email) == std::nullopt);
  CHECK(password_problem(policy, "my password is long", email) == std::nullopt);
  // Without a list only the repetition check remains.
  CHECK(password_problem(PasswordPolicy{}, "password1234!", email) == std::nullopt);
}

TEST_CASE("passwords: one character repeated is refused", "[passwords]") {
  const PasswordPolicy policy;
  const std::optional<std::string> repeated = "Don't use one character over and over.";
  CHECK(password_problem(policy, "aaaaaaaaaaaa", email) == repeated);
  CHECK(password_problem(policy, "111111111111111", email) == repeated);
  std::string snowmen;
  for (int i = 0; i < 12; ++i) snowmen += "\xE2\x98\x83";
  CHECK(password_problem(policy, snowmen, email) == repeated);
  CHECK(password_problem(policy, "aaaaaaaaaaab", email) == std::nullopt);
}

TEST_CASE("passwords: the email's local part is refused inside the password", "[passwords]") {
  const PasswordPolicy policy;
  CHECK(password_problem(policy, "alice.smith@example.org", email) == uses_email("alice.smith"));
  CHECK(password_problem(policy, "alice.smith!", email) == uses_email("alice.smith"));
  CHECK(password_problem(policy, "my ALICE.SMITH key", email) == uses_email("alice.smith"));
  CHECK(password_problem(policy, "alice smith 1990", email) == std::nullopt);
  // A sub-address tag is optional for the member, so the name before it counts.
  CHECK(password_problem(policy, "bobby forever 99", "Bobby+shop@example.org") == uses_email("bobby"));
  CHECK(password_problem(policy, "bobby+shop forever", "bobby+shop@example.org") == uses_email("bobby"));
  // Non-ASCII local parts fold case too.
  CHECK(password_problem(policy, "J\xC3\x96RG rules forever", "j\xC3\xB6rg@example.de") == uses_email("j\xC3\xB6rg"));
  // Local parts shorter than three characters would match by chance.
  CHECK(password_problem(policy, "the jol roger", "jo@example.org") == std::nullopt);
  CHECK(password_problem(policy, "the jol roger", "jol@example.org") == uses_email("jol"));
}

TEST_CASE("passwords: the email's name counts only as a word of its own (issue 29)", "[passwords]") {
  const PasswordPolicy policy;
  // Inside a longer word it is chance, not the address: allowed.
  CHECK(password_problem(policy, "the channel at noon", "ann@example.org") == std::nullopt);
  CHECK(password_problem(policy, "administration of lamps", "admin@example.org") == std::nullopt);
  CHECK(password_problem(policy, "the jolly roger", "jol@example.org") == std::nullopt);
  // Beside digits or symbols it is still the name.
  CHECK(password_problem(policy, "ann1985 and the sea", "ann@example.org") == uses_email("ann"));
  CHECK(password_problem(policy, "lamps for ann!", "ann@example.org") == uses_email("ann"));
  CHECK(password_problem(policy, "admin admin admin 7", "admin@example.org") == uses_email("admin"));
}
