#include "auth/password_rules.hpp"

#include <memberd/unicode.hpp>

#include <unicode/normalizer2.h>

namespace memberd {

PasswordRulesService::PasswordRulesService(std::size_t min_length, const std::filesystem::path& common_passwords_file)
    : common_(std::make_unique<CommonPasswords>(common_passwords_file)), policy_{min_length, 256, common_.get()} {}

std::optional<std::string> PasswordRulesService::problem(std::string_view password, std::string_view email) const {
  return password_problem(policy_, normalize_password(password), email);
}

std::string normalize_password(std::string_view password) {
  // ASCII is its own NFKC form: most passwords skip ICU entirely.
  bool ascii = true;
  for (unsigned char c : password) ascii = ascii && c < 0x80;
  if (ascii) return std::string(password);
  auto text = decode_utf8(password);
  if (!text) return std::string(password);
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(status);
  if (U_FAILURE(status)) return std::string(password);
  icu::UnicodeString normalized = nfkc->normalize(*text, status);
  if (U_FAILURE(status)) return std::string(password);
  std::string out;
  normalized.toUTF8String(out);
  return out;
}

}  // namespace memberd
