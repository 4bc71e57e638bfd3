#include "auth/email_address.hpp"

#include <algorithm>
#include <cctype>

namespace memberd {

std::string normalize_email(std::string_view email) {
  auto first = email.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  auto last = email.find_last_not_of(" \t\r\n");
  std::string out(email.substr(first, last - first + 1));
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return c < 0x80 ? static_cast<char>(std::tolower(c)) : static_cast<char>(c); });
  return out;
}

bool looks_like_email(std::string_view email) {
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
