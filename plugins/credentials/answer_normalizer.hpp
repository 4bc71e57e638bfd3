#pragma once
// Security answers are compared by hash, so two spellings a member would call
// "the same answer" must normalise to the same bytes before hashing.
#include <optional>
#include <string>
#include <string_view>

namespace memberd::credentials {

// `utf8` in the canonical form that is hashed and compared: Unicode NFKC with
// full case folding (full-width letters become ASCII, "Straße" becomes
// "strasse"), the Turkish dotted and dotless i folded to a plain "i", leading
// and trailing white space removed and each inner run of white space (any
// Unicode White_Space character) replaced by one ASCII space.
//
// Returns nullopt when `utf8` is not well-formed UTF-8, and "" when nothing but
// white space (or default-ignorable characters) remains; the caller refuses
// both.
std::optional<std::string> normalize_answer(std::string_view utf8);

}  // namespace memberd::credentials
