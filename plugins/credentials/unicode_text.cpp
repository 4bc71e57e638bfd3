#include "unicode_text.hpp"

#include <unicode/ustring.h>

#include <cstdint>
#include <limits>

namespace memberd::credentials {

std::optional<icu::UnicodeString> decode_utf8(std::string_view utf8) {
  if (utf8.size() > static_cast<std::size_t>(std::numeric_limits<int32_t>::max())) return std::nullopt;
  const auto length = static_cast<int32_t>(utf8.size());
  // icu::UnicodeString::fromUTF8 would silently substitute U+FFFD for bad
  // bytes; u_strFromUTF8 reports them, which is what we need to refuse input.
  UErrorCode status = U_ZERO_ERROR;
  int32_t needed = 0;
  u_strFromUTF8(nullptr, 0, &needed, utf8.data(), length, &status);
  if (status != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(status)) return std::nullopt;

  icu::UnicodeString text;
  UChar* buffer = text.getBuffer(needed);
  if (buffer == nullptr) return std::nullopt;
  status = U_ZERO_ERROR;
  u_strFromUTF8(buffer, needed, nullptr, utf8.data(), length, &status);
  text.releaseBuffer(U_SUCCESS(status) ? needed : 0);
  if (U_FAILURE(status)) return std::nullopt;
  return text;
}

}  // namespace memberd::credentials
