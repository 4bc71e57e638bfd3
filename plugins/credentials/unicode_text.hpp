#pragma once
// Strict UTF-8 decoding shared by the answer normaliser and the password
// policy. Both must refuse ill-formed input rather than repair it: a repaired
// password or answer would hash to something the member never typed.
#include <unicode/unistr.h>

#include <optional>
#include <string_view>

namespace memberd::credentials {

// `utf8` as UTF-16, or nullopt when it is not well-formed UTF-8 (overlongs,
// encoded surrogates, truncated sequences and code points past U+10FFFF are
// all refused) or is too long for ICU (more than INT32_MAX bytes).
std::optional<icu::UnicodeString> decode_utf8(std::string_view utf8);

}  // namespace memberd::credentials
