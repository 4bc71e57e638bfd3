#pragma once
// Text from outside (a User-Agent, a form field) on its way into storage,
// logs or JSON. Invalid UTF-8 would make JSON serialisation throw later, and a
// byte-wise cut could split a character: these helpers do neither. The
// daemon's logger and problem documents use the same functions, so there is
// one JSON escaper in memberd.
// Header-only and cheap to include. None of them touches the database or
// blocks. Fails: never (std::bad_alloc aside).

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace memberd {

// Decodes the UTF-8 sequence at `text[at]` into `code_point` and returns its
// length, or 0 when the bytes there are not a well-formed sequence (RFC 3629:
// bad lead byte, overlong form, surrogate, beyond U+10FFFF, cut short).
inline std::size_t utf8_decode(std::string_view text, std::size_t at, char32_t& code_point) {
  const auto b0 = static_cast<unsigned char>(text[at]);
  if (b0 < 0x80) {
    code_point = b0;
    return 1;
  }
  std::size_t length;
  char32_t minimum;
  if ((b0 & 0xe0) == 0xc0) {
    length = 2, code_point = b0 & 0x1f, minimum = 0x80;
  } else if ((b0 & 0xf0) == 0xe0) {
    length = 3, code_point = b0 & 0x0f, minimum = 0x800;
  } else if ((b0 & 0xf8) == 0xf0) {
    length = 4, code_point = b0 & 0x07, minimum = 0x10000;
  } else {
    return 0;
  }
  if (at + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    const auto b = static_cast<unsigned char>(text[at + k]);
    if ((b & 0xc0) != 0x80) return 0;
    code_point = (code_point << 6) | (b & 0x3f);
  }
  if (code_point < minimum || code_point > 0x10ffff || (code_point >= 0xd800 && code_point <= 0xdfff)) return 0;
  return length;
}

// Characters a terminal, a log viewer or a script may take as a line break or
// a control: C0, DEL, C1 (NEL is U+0085) and the line/paragraph separators.
inline bool is_control_character(char32_t code_point) {
  return code_point < 0x20 || (code_point >= 0x7f && code_point <= 0x9f) || code_point == 0x2028 ||
         code_point == 0x2029;
}

// `text` with each invalid byte replaced by U+FFFD, cut to at most
// `max_bytes` without splitting a character.
inline std::string valid_utf8(std::string_view text, std::size_t max_bytes = std::string::npos) {
  static constexpr std::string_view replacement = "\xEF\xBF\xBD";
  std::string out;
  out.reserve(text.size() < max_bytes ? text.size() : max_bytes);
  for (std::size_t i = 0; i < text.size();) {
    char32_t code_point = 0;
    std::size_t length = utf8_decode(text, i, code_point);
    std::string_view piece = length ? text.substr(i, length) : replacement;
    if (out.size() + piece.size() > max_bytes) break;
    out += piece;
    i += length ? length : 1;
  }
  return out;
}

// Appends `text` as the inside of a JSON string (no quotes): '"' and '\'
// escaped, controls as \n \r \t or \uXXXX, invalid UTF-8 as \ufffd, so the
// result is valid JSON and valid UTF-8 whatever `text` holds.
inline void append_json_escaped(std::string& out, std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  for (std::size_t i = 0; i < text.size();) {
    char32_t code_point = 0;
    const std::size_t length = utf8_decode(text, i, code_point);
    if (length == 0) {
      out += "\\ufffd";
      ++i;
      continue;
    }
    switch (code_point) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (is_control_character(code_point)) {
          out += "\\u";
          for (int shift = 12; shift >= 0; shift -= 4) out += hex[(code_point >> shift) & 0xf];
        } else {
          out.append(text.substr(i, length));
        }
    }
    i += length;
  }
}

// `text` as a JSON string, quotes included.
inline std::string json_quote(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  append_json_escaped(out, text);
  out += '"';
  return out;
}

// `text` fit to stand in HTML text or a quoted attribute value: & < > " '
// become character references (SDK 2.5). Fails: never.
inline std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  return out;
}

// Mail text with {{name}} placeholders (SDK 2.5). fill_placeholders puts
// each value in place of its {{name}}, HTML-escaped when `html` is true (the
// member's details in an HTML body); a placeholder with no value stays as it
// is. unknown_placeholder names the first {{name}} that has no value, so a
// template can be refused before anything is sent. Fails: never.
using PlaceholderValues = std::vector<std::pair<std::string, std::string>>;

inline std::string fill_placeholders(std::string_view text, const PlaceholderValues& values, bool html) {
  std::string out;
  std::size_t at = 0;
  while (at < text.size()) {
    auto open = text.find("{{", at);
    auto close = open == std::string_view::npos ? open : text.find("}}", open + 2);
    if (close == std::string_view::npos) break;
    out.append(text.substr(at, open - at));
    std::string_view name = text.substr(open + 2, close - open - 2);
    const std::string* value = nullptr;
    for (const auto& [key, v] : values)
      if (key == name) value = &v;
    if (value) out += html ? html_escape(*value) : *value;
    else out.append(text.substr(open, close + 2 - open));
    at = close + 2;
  }
  out.append(text.substr(std::min(at, text.size())));
  return out;
}

inline std::optional<std::string> unknown_placeholder(std::string_view text, const std::vector<std::string>& names) {
  for (std::size_t open = text.find("{{"); open != std::string_view::npos; open = text.find("{{", open + 2)) {
    auto close = text.find("}}", open + 2);
    if (close == std::string_view::npos) return std::nullopt;
    std::string name(text.substr(open + 2, close - open - 2));
    bool known = false;
    for (const auto& n : names) known = known || n == name;
    if (!known) return name;
  }
  return std::nullopt;
}

}  // namespace memberd
