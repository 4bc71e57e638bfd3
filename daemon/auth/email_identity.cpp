#include "auth/email_identity.hpp"

#include <memberd/email_address.hpp>
#include <memberd/unicode.hpp>

#include <unicode/idna.h>
#include <unicode/locid.h>
#include <unicode/normalizer2.h>

#include <memory>

namespace memberd {

namespace {

bool is_ascii(std::string_view text) {
  for (unsigned char c : text)
    if (c >= 0x80) return false;
  return true;
}

std::string to_utf8(const icu::UnicodeString& text) {
  std::string out;
  text.toUTF8String(out);
  return out;
}

// NFC, then lower case by the root locale's rules (no Turkish dotless i:
// an address is not in anyone's language).
std::optional<icu::UnicodeString> lowered_nfc(std::string_view text) {
  auto decoded = decode_utf8(text);
  if (!decoded) return std::nullopt;
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) return std::nullopt;
  icu::UnicodeString normal = nfc->normalize(decoded->toLower(icu::Locale::getRoot()), status);
  if (U_FAILURE(status)) return std::nullopt;
  return normal;
}

std::string canonical_domain(std::string_view domain) {
  auto lowered = lowered_nfc(domain);
  if (!lowered) return std::string(domain);
  UErrorCode status = U_ZERO_ERROR;
  // One instance for the process: createUTS46Instance is not free, and an
  // IDNA object is thread-safe for these const calls. The STD3 rules make a
  // character that maps to ASCII no host name holds an error instead: without
  // them U+FF20 became a second "@" and U+3000 a space the next call trimmed,
  // so a canonical address was not its own canonical form.
  static const std::unique_ptr<icu::IDNA> idna(icu::IDNA::createUTS46Instance(
      UIDNA_USE_STD3_RULES | UIDNA_NONTRANSITIONAL_TO_UNICODE | UIDNA_NONTRANSITIONAL_TO_ASCII, status));
  if (!idna) return to_utf8(*lowered);
  icu::UnicodeString mapped;
  icu::IDNAInfo info;
  status = U_ZERO_ERROR;
  idna->nameToUnicode(*lowered, mapped, info, status);
  if (U_FAILURE(status) || info.hasErrors()) return to_utf8(*lowered);
  return to_utf8(mapped);
}

}  // namespace

std::string canonical_email(std::string_view email) {
  // The ASCII steps first (trim, lower-case): most addresses end here.
  std::string trimmed = normalize_email(email);
  if (is_ascii(trimmed) && trimmed.find("xn--") == std::string::npos) return trimmed;
  auto at = trimmed.rfind('@');
  if (at == std::string::npos) {
    auto lowered = lowered_nfc(trimmed);
    return lowered ? to_utf8(*lowered) : trimmed;
  }
  auto local = lowered_nfc(std::string_view(trimmed).substr(0, at));
  std::string domain = canonical_domain(std::string_view(trimmed).substr(at + 1));
  return (local ? to_utf8(*local) : trimmed.substr(0, at)) + "@" + domain;
}

}  // namespace memberd
