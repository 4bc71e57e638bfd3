#pragma once
// Base64 (RFC 4648) for tokens in links (the URL-safe alphabet, no padding),
// PHC hash strings (standard alphabet, no padding) and MIME (padded).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace memberd {

enum class Base64 { standard, url };

inline std::string base64_encode(std::string_view bytes, Base64 alphabet = Base64::standard, bool pad = false) {
  const char* table = alphabet == Base64::url ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
                                              : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  unsigned buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      out += table[(buffer >> (bits - 6)) & 63];
      bits -= 6;
    }
  }
  if (bits > 0) out += table[(buffer << (6 - bits)) & 63];
  if (pad)
    while (out.size() % 4) out += '=';
  return out;
}

// Decodes either alphabet, padding optional; nullopt on any other character.
inline std::optional<std::string> base64_decode(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : text) {
    int v = c >= 'A' && c <= 'Z'   ? c - 'A'
            : c >= 'a' && c <= 'z' ? c - 'a' + 26
            : c >= '0' && c <= '9' ? c - '0' + 52
            : c == '+' || c == '-' ? 62
            : c == '/' || c == '_' ? 63
                                   : -1;
    if (v < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      out += static_cast<char>((buffer >> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return out;
}

}  // namespace memberd
