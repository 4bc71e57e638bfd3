#include "unsubscribe_token.hpp"

#include <vector>

namespace memberd::email_service {

namespace {

bool only(std::string_view text, std::string_view allowed, std::size_t max) {
  return !text.empty() && text.size() <= max && text.find_first_not_of(allowed) == std::string_view::npos;
}

// At most five pieces: a fifth means too many dots, whatever follows.
std::vector<std::string_view> split_dots(std::string_view token) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (parts.size() < 5) {
    auto dot = token.find('.', start);
    parts.push_back(token.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return parts;
}

}  // namespace

std::string unsubscribe_signed_text(long long version, std::string_view member_id, std::string_view category_id) {
  std::string text = "memberd-unsubscribe\n" + std::to_string(version) + "\n";
  text += member_id;
  text += '\n';
  text += category_id;
  return text;
}

std::string unsubscribe_token_text(const UnsubscribeTokenParts& parts) {
  return std::to_string(parts.version) + "." + parts.member_id + "." + parts.category_id + "." + parts.mac;
}

std::optional<UnsubscribeTokenParts> parse_unsubscribe_token(std::string_view token) {
  auto parts = split_dots(token);
  if (parts.size() != 4 || !only(parts[0], "0123456789", 9) || !only(parts[1], "0123456789abcdefABCDEF-", 36) ||
      !only(parts[2], "abcdefghijklmnopqrstuvwxyz0123456789_", 40) || parts[3].size() != kUnsubscribeMacHexDigits ||
      !only(parts[3], "0123456789abcdef", kUnsubscribeMacHexDigits))
    return std::nullopt;
  // Versions start at 1 and are written without leading zeros: read as a
  // number, "07" would verify like "7", a second spelling of the link.
  if (parts[0].front() == '0') return std::nullopt;
  UnsubscribeTokenParts out;
  for (char digit : parts[0]) out.version = out.version * 10 + (digit - '0');
  out.member_id = parts[1];
  out.category_id = parts[2];
  out.mac = parts[3];
  return out;
}

}  // namespace memberd::email_service
