#pragma once
// Email addresses as members type them: one normal form for storing and
// comparing, and a pragmatic validity check for forms.
#include <algorithm>
#include <string>
#include <string_view>

namespace memberd {

// Trimmed and lower-cased (ASCII only). Not the form the host stores: since
// 2.1 it compares addresses in a Unicode-aware form of its own, so find a
// member through Accounts (find_by_email), never by comparing this yourself.
inline std::string normalize_email(std::string_view email) {
  auto first = email.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  auto last = email.find_last_not_of(" \t\r\n");
  std::string out(email.substr(first, last - first + 1));
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c);
  });
  return out;
}

// One @, a dot in the domain, no spaces or control characters, at most 254
// octets (64 before the @): what a sign-up form should accept.
inline bool looks_like_email(std::string_view email) {
  if (email.empty() || email.size() > 254) return false;
  auto at = email.find('@');
  if (at == 0 || at == std::string_view::npos || email.find('@', at + 1) != std::string_view::npos) return false;
  if (at > 64) return false;
  auto domain = email.substr(at + 1);
  auto dot = domain.find('.');
  if (domain.size() < 3 || dot == std::string_view::npos || dot == 0 || domain.back() == '.') return false;
  for (unsigned char c : email)
    if (c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == ',' || c == ';' || c == '"') return false;
  return true;
}

}  // namespace memberd
