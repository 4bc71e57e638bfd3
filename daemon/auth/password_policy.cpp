#include "auth/password_policy.hpp"

#include <memberd/unicode.hpp>

#include <unicode/uchar.h>

#include <vector>

namespace memberd {

namespace {

constexpr std::size_t min_local_part_length = 3;  // shorter ones ("jo") match too many passwords by chance
constexpr std::size_t max_utf8_bytes_per_code_point = 4;

// Members add digits and a symbol at the end to satisfy old composition
// rules; "Summer2024!" is as guessable as "summer", so the list is also
// searched for what remains without that tail.
bool is_decoration(UChar32 c) {
  if (u_hasBinaryProperty(c, UCHAR_WHITE_SPACE)) return true;
  const int32_t category_mask = U_GET_GC_MASK(c);
  return (category_mask & (U_GC_ND_MASK | U_GC_P_MASK | U_GC_S_MASK)) != 0;
}

icu::UnicodeString without_decoration(const icu::UnicodeString& text) {
  int32_t end = text.length();
  while (end > 0) {
    const UChar32 c = text.char32At(end - 1);  // the whole code point even when end - 1 is a trail surrogate
    if (!is_decoration(c)) break;
    end -= U16_LENGTH(c);
  }
  return icu::UnicodeString(text, 0, end);
}

bool one_character_repeated(const icu::UnicodeString& text) {
  if (text.isEmpty()) return false;
  const UChar32 first = text.char32At(0);
  for (int32_t i = 0; i < text.length();) {
    const UChar32 c = text.char32At(i);
    if (c != first) return false;
    i += U16_LENGTH(c);
  }
  return true;
}

bool is_common(const CommonPasswords& common, std::string_view password, const icu::UnicodeString& text) {
  if (common.contains(password)) return true;
  const icu::UnicodeString stem = without_decoration(text);
  if (stem.isEmpty() || stem.length() == text.length()) return false;
  std::string stem_utf8;
  return common.contains(stem.toUTF8String(stem_utf8));
}

// The email names we refuse inside a password: the local part and, for
// "alice+shop@example.org", also "alice", since the tag is optional for the
// member and obvious to an attacker who knows the address.
std::vector<icu::UnicodeString> email_names(std::string_view email) {
  const std::size_t at = email.rfind('@');
  std::optional<icu::UnicodeString> local = decode_utf8(email.substr(0, at));
  std::vector<icu::UnicodeString> names;
  if (!local) return names;  // the address itself is refused by its own check
  local->foldCase();
  const int32_t plus = local->indexOf(u'+');
  if (plus > 0) names.emplace_back(*local, 0, plus);
  names.push_back(*local);
  std::erase_if(names, [](const icu::UnicodeString& name) {
    return static_cast<std::size_t>(name.countChar32()) < min_local_part_length;
  });
  return names;
}

// Whether `name` stands in `text` as a word of its own: no letter right
// before or after it. "ann" is in "ann1985" and "my ann!", not in
// "channel"; "admin" not in "administration".
bool has_as_word(const icu::UnicodeString& text, const icu::UnicodeString& name) {
  for (int32_t at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + 1)) {
    const int32_t end = at + name.length();
    const bool letter_before = at > 0 && u_isalpha(text.char32At(at - 1));
    const bool letter_after = end < text.length() && u_isalpha(text.char32At(end));
    if (!letter_before && !letter_after) return true;
  }
  return false;
}

// The email name found in the password as a word, if any (case folded).
std::optional<std::string> email_name_in(const icu::UnicodeString& text, std::string_view email) {
  icu::UnicodeString folded = text;
  folded.foldCase();
  for (const icu::UnicodeString& name : email_names(email)) {
    if (!has_as_word(folded, name)) continue;
    std::string found;
    return name.toUTF8String(found);
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> password_problem(const PasswordPolicy& policy, std::string_view password,
                                            std::string_view email) {
  const std::string too_long = "Use at most " + std::to_string(policy.max_length) + " characters.";
  // Certainly too long whatever it holds; refuse before decoding megabytes.
  if (password.size() > policy.max_length * max_utf8_bytes_per_code_point) return too_long;

  const std::optional<icu::UnicodeString> text = decode_utf8(password);
  if (!text) return "This password contains characters that can't be read; type it again.";

  const auto length = static_cast<std::size_t>(text->countChar32());
  if (length < policy.min_length) return "Use at least " + std::to_string(policy.min_length) + " characters.";
  if (length > policy.max_length) return too_long;
  if (one_character_repeated(*text)) return "Don't use one character over and over.";
  if (policy.common != nullptr && is_common(*policy.common, password, *text))
    return "This password is too common; choose another.";
  if (auto name = email_name_in(*text, email))
    return "Don't use \"" + *name + "\" from your email address in your password.";
  return std::nullopt;
}

}  // namespace memberd
