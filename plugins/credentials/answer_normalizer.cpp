#include "answer_normalizer.hpp"

#include <memberd/unicode.hpp>

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>

namespace memberd::credentials {

namespace {

constexpr UChar32 dotless_i = 0x0131;
constexpr UChar32 combining_dot_above = 0x0307;

std::optional<icu::UnicodeString> nfkc_casefold(const icu::UnicodeString& text) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* normalizer = icu::Normalizer2::getNFKCCasefoldInstance(status);
  if (U_FAILURE(status)) return std::nullopt;
  icu::UnicodeString folded = normalizer->normalize(text, status);
  if (U_FAILURE(status)) return std::nullopt;
  return folded;
}

// Case folding keeps the Turkish letters apart: "I" folds to "i", "İ" to
// "i" + U+0307, and "ı" stays "ı". We give that distinction up on purpose. An
// answer is a memory, not a spelling: a member who set "Istanbul" on one
// keyboard must still match when a Turkish keyboard (or phone autocorrect)
// produces "İstanbul" or "ıstanbul" later. The few answers that differ only in
// a dotted or dotless i are not worth locking members out of their account.
icu::UnicodeString fold_turkish_i(const icu::UnicodeString& text) {
  icu::UnicodeString out;
  for (int32_t i = 0; i < text.length();) {
    UChar32 c = text.char32At(i);
    i += U16_LENGTH(c);
    if (c == dotless_i) c = u'i';
    if (c == combining_dot_above && !out.isEmpty() && out.charAt(out.length() - 1) == u'i') continue;
    out.append(c);
  }
  return out;
}

// Trims white space and collapses each inner run to one ASCII space: members
// do not remember how many spaces they typed, and mobile keyboards add them.
icu::UnicodeString collapse_white_space(const icu::UnicodeString& text) {
  icu::UnicodeString out;
  bool pending_space = false;
  for (int32_t i = 0; i < text.length();) {
    UChar32 c = text.char32At(i);
    i += U16_LENGTH(c);
    if (u_hasBinaryProperty(c, UCHAR_WHITE_SPACE)) {
      pending_space = !out.isEmpty();
      continue;
    }
    if (pending_space) out.append(u' ');
    pending_space = false;
    out.append(c);
  }
  return out;
}

}  // namespace

std::optional<std::string> normalize_answer(std::string_view utf8) {
  std::optional<icu::UnicodeString> text = decode_utf8(utf8);
  if (!text) return std::nullopt;
  std::optional<icu::UnicodeString> folded = nfkc_casefold(*text);
  if (!folded) return std::nullopt;
  // Folding the i's can leave an "i" followed by a combining mark it composes
  // with ("ı" + U+0301 becomes "i" + U+0301, which NFC writes as "í"), so
  // normalise again to reach the same bytes as the precomposed spelling.
  folded = nfkc_casefold(fold_turkish_i(*folded));
  if (!folded) return std::nullopt;
  std::string out;
  collapse_white_space(*folded).toUTF8String(out);
  return out;
}

}  // namespace memberd::credentials
