// The one form of an email address the core stores and looks up
// (daemon/auth/email_identity.cpp: trim, ASCII and Unicode lower case, NFC,
// IDNA for the domain).
//
// Checked: the canonical form is a fixed point (canonical twice is canonical
// once: otherwise a stored address would not find itself); ASCII case never
// matters; well-formed UTF-8 stays well-formed.
#include "auth/email_identity.hpp"

#include "fuzz_check.hpp"

#include <memberd/unicode.hpp>

#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Form fields are short; ICU's cost grows with the text, not its findings.
  if (size > 512) return 0;
  const std::string_view email = memberd::fuzz::text_of(data, size);
  const std::string once = memberd::canonical_email(email);
  FUZZ_CHECK(memberd::canonical_email(once) == once);

  std::string upper(email);
  for (auto& c : upper)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  FUZZ_CHECK(memberd::canonical_email(upper) == once);

  if (memberd::decode_utf8(email)) FUZZ_CHECK(memberd::decode_utf8(once).has_value());
  return 0;
}
