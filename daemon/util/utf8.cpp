#include "util/utf8.hpp"

namespace memberd {

namespace {

// Length of the well-formed sequence starting at `i`, or 0 (RFC 3629: no
// overlongs, no surrogates, nothing past U+10FFFF).
std::size_t sequence_length(std::string_view s, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  if (c < 0x80) return 1;
  std::size_t length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
  if (length == 0 || c > 0xF4 || i + length > s.size()) return 0;
  for (std::size_t k = 1; k < length; ++k)
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  unsigned char second = byte(i + 1);
  if (c == 0xE0 && second < 0xA0) return 0;
  if (c == 0xED && second > 0x9F) return 0;
  if (c == 0xF0 && second < 0x90) return 0;
  if (c == 0xF4 && second > 0x8F) return 0;
  return length;
}

}  // namespace

std::string valid_utf8(std::string_view text, std::size_t max_bytes) {
  static const std::string_view replacement = "\xEF\xBF\xBD";
  std::string out;
  out.reserve(std::min(text.size(), max_bytes));
  for (std::size_t i = 0; i < text.size();) {
    std::size_t length = sequence_length(text, i);
    std::string_view piece = length ? text.substr(i, length) : replacement;
    if (out.size() + piece.size() > max_bytes) break;
    out += piece;
    i += length ? length : 1;
  }
  return out;
}

}  // namespace memberd
