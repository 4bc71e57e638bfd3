#include "transport/cookie_prefixes.hpp"

#include <cctype>

namespace memberd {

namespace {

constexpr std::string_view kOurs = "memberd_";
constexpr std::string_view kHost = "__Host-";
constexpr std::string_view kSecure = "__Secure-";

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

// Whether the attributes (after the first ';') include `attribute`
// exactly, case aside for the name ("Secure", "Path=/").
bool has_attribute(std::string_view value, std::string_view attribute) {
  for (auto at = value.find(';'); at != std::string_view::npos;) {
    auto next = value.find(';', at + 1);
    auto item = value.substr(at + 1, next == std::string_view::npos ? std::string_view::npos : next - at - 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.size() == attribute.size()) {
      bool same = true;
      for (std::size_t i = 0; i < item.size() && same; ++i)
        same = std::tolower(static_cast<unsigned char>(item[i])) == std::tolower(static_cast<unsigned char>(attribute[i]));
      if (same) return true;
    }
    at = next;
  }
  return false;
}

bool has_domain(std::string_view value) {
  for (auto at = value.find(';'); at != std::string_view::npos; at = value.find(';', at + 1)) {
    auto item = value.substr(at + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    if (item.size() >= 7 && (item.substr(0, 7) == "Domain=" || item.substr(0, 7) == "domain=")) return true;
  }
  return false;
}

}  // namespace

std::string prefixed_set_cookie(std::string value) {
  if (!starts_with(value, kOurs) || !has_attribute(value, "Secure")) return value;
  bool host = has_attribute(value, "Path=/") && !has_domain(value);
  value.insert(0, host ? kHost : kSecure);
  return value;
}

std::string cookies_without_prefixes(std::string_view header) {
  std::string out;
  while (!header.empty()) {
    auto end = header.find(';');
    auto pair = header.substr(0, end);
    header = end == std::string_view::npos ? std::string_view{} : header.substr(end + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    if (pair.empty()) continue;
    if (starts_with(pair, kOurs)) continue;  // planted: ours travel prefixed over HTTPS
    if (starts_with(pair, kHost) && starts_with(pair.substr(kHost.size()), kOurs)) pair.remove_prefix(kHost.size());
    else if (starts_with(pair, kSecure) && starts_with(pair.substr(kSecure.size()), kOurs))
      pair.remove_prefix(kSecure.size());
    if (!out.empty()) out += "; ";
    out += pair;
  }
  return out;
}

}  // namespace memberd
