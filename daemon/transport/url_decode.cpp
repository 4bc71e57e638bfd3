#include "transport/url_decode.hpp"

namespace memberd {

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      int high = hex_digit(text[i + 1]), low = hex_digit(text[i + 2]);
      if (high >= 0 && low >= 0) {
        out.push_back(static_cast<char>(high * 16 + low));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_is_space && c == '+' ? ' ' : c);
  }
  return out;
}

std::optional<std::string> path_problem(std::string_view path) {
  for (std::size_t at = path.find('%'); at != std::string_view::npos; at = path.find('%', at + 1)) {
    int high = at + 2 < path.size() ? hex_digit(path[at + 1]) : -1;
    int low = high >= 0 ? hex_digit(path[at + 2]) : -1;
    if (low < 0) return "A '%' in the path must start an escape: '%' and two hex digits.";
    char c = static_cast<char>(high * 16 + low);
    bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '.' || c == '_' || c == '~';
    if (unreserved) return "Send the character itself, not its escape, in the path (" + std::string(path.substr(at, 3)) + ").";
    if (c == '/') return "The path may not hold an escaped '/' (%2F).";
    // No route has a control character in it, and a NUL would end the path
    // early for anything that reads it as a C string (a log, a file name).
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F)
      return "The path may not hold a control character (" + std::string(path.substr(at, 3)) + ").";
  }
  return std::nullopt;
}

std::optional<std::string> query_parameter(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    auto end = query.find('&');
    auto pair = query.substr(0, end);
    auto equals = pair.find('=');
    auto key = percent_decode(pair.substr(0, equals), true);
    if (key == name) return equals == std::string_view::npos ? std::string() : percent_decode(pair.substr(equals + 1), true);
    if (end == std::string_view::npos) break;
    query.remove_prefix(end + 1);
  }
  return std::nullopt;
}

}  // namespace memberd
