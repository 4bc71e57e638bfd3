#include "config/value_checks.hpp"

#include <string_view>

namespace memberd {

namespace {

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// RFC 5322 atext, without the dot.
bool is_atext(char c) {
  return is_alnum(c) || std::string_view("!#$%&'*+/=?^_`{|}~-").find(c) != std::string_view::npos;
}

bool is_domain(std::string_view domain) {
  if (domain.empty() || domain.size() > 253) return false;
  std::size_t label_start = 0;
  for (std::size_t i = 0; i <= domain.size(); ++i) {
    if (i == domain.size() || domain[i] == '.') {
      const std::string_view label = domain.substr(label_start, i - label_start);
      if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
      label_start = i + 1;
    } else if (!is_alnum(domain[i]) && domain[i] != '-') {
      return false;
    }
  }
  return true;
}

bool looks_like_address(std::string_view text) {
  const auto at = text.find('@');
  if (at == std::string_view::npos || text.find('@', at + 1) != std::string_view::npos) return false;
  const std::string_view local = text.substr(0, at);
  if (local.empty() || local.size() > 64 || local.front() == '.' || local.back() == '.') return false;
  char previous = 0;
  for (char c : local) {
    if (!is_atext(c) && c != '.') return false;
    if (c == '.' && previous == '.') return false;
    previous = c;
  }
  return is_domain(text.substr(at + 1));
}

}  // namespace

bool looks_like_mailbox(std::string_view text) {
  for (char c : text) {
    // CR or LF would let a value inject mail headers.
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
  }
  if (!text.empty() && text.back() == '>') {
    const auto open = text.rfind('<');
    if (open == std::string_view::npos) return false;
    return looks_like_address(text.substr(open + 1, text.size() - open - 2));
  }
  return looks_like_address(text);
}

bool is_plugin_name(std::string_view text) {
  if (text.empty() || text.front() < 'a' || text.front() > 'z') return false;
  for (char c : text) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

std::optional<unsigned> parse_file_mode(std::string_view text) {
  if (text.size() > 2 && text[0] == '0' && text[1] == 'o') text.remove_prefix(2);
  if (text.empty() || text.size() > 4) return std::nullopt;
  unsigned mode = 0;
  for (char c : text) {
    if (c < '0' || c > '7') return std::nullopt;
    mode = mode * 8 + static_cast<unsigned>(c - '0');
  }
  if (mode > 0777) return std::nullopt;
  return mode;
}

}  // namespace memberd
