#pragma once
// Strict UTF-8 to ICU text, for plugins that normalise what members type
// (security answers, names). Include it only in code that links ICU
// (find_package(ICU COMPONENTS uc) and ICU::uc); the rest of the SDK does not
// need ICU. Header-only. Touches nothing.
//
// Input must be refused rather than repaired: a repaired password or answer
// would hash to something the member never typed.
#include <unicode/unistr.h>
#include <unicode/ustring.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

namespace memberd {

// `utf8` as UTF-16, or nullopt when it is not well-formed UTF-8 (overlongs,
// encoded surrogates, truncated sequences and code points past U+10FFFF are
// all refused) or is too long for ICU (more than INT32_MAX bytes).
// Fails: never (nullopt as above).
inline std::optional<icu::UnicodeString> decode_utf8(std::string_view utf8) {
  if (utf8.size() > static_cast<std::size_t>(std::numeric_limits<int32_t>::max())) return std::nullopt;
  const auto length = static_cast<int32_t>(utf8.size());
  // icu::UnicodeString::fromUTF8 would silently substitute U+FFFD for bad
  // bytes; u_strFromUTF8 reports them, which is what refusing needs.
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

}  // namespace memberd
