#include "transport/client_address.hpp"

#include <arpa/inet.h>

#include <cstring>
#include <stdexcept>

namespace memberd {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A bare address as a full-length range (/32 or /128); nullopt if it is not one.
std::optional<IpRange> parse_address(std::string_view text) {
  if (text.find('/') != std::string_view::npos) return std::nullopt;
  return parse_ip_range(text);
}

bool in_range(const IpRange& range, const IpRange& ip) {
  if (range.v6 != ip.v6) return false;
  int full = range.prefix_length / 8, rest = range.prefix_length % 8;
  for (int i = 0; i < full; ++i)
    if (range.bytes[i] != ip.bytes[i]) return false;
  if (rest == 0) return true;
  std::uint8_t mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (range.bytes[full] & mask) == (ip.bytes[full] & mask);
}

}  // namespace

std::string unmapped_ip(std::string_view ip) {
  // inet_pton reads a C string: text with a NUL in it is no address.
  if (ip.find(':') == std::string_view::npos || ip.size() >= INET6_ADDRSTRLEN ||
      ip.find('\0') != std::string_view::npos)
    return std::string(ip);
  in6_addr v6{};
  if (inet_pton(AF_INET6, std::string(ip).c_str(), &v6) != 1 || !IN6_IS_ADDR_V4MAPPED(&v6)) return std::string(ip);
  in_addr v4{};
  std::memcpy(&v4, v6.s6_addr + 12, 4);
  char text[INET_ADDRSTRLEN];
  return inet_ntop(AF_INET, &v4, text, sizeof text) ? std::string(text) : std::string(ip);
}

TrustedProxies::TrustedProxies(const std::vector<std::string>& entries) {
  for (const auto& e : entries) {
    std::string why;
    auto range = parse_ip_range(e, &why);
    if (!range) throw std::invalid_argument("not an IP address or CIDR: " + e + " (" + why + ")");
    ranges_.push_back(*range);
  }
}

bool TrustedProxies::contains(std::string_view ip) const {
  if (ranges_.empty()) return false;
  auto parsed = parse_address(ip);
  if (!parsed) return false;
  for (const auto& range : ranges_)
    if (in_range(range, *parsed)) return true;
  return false;
}

std::string TrustedProxies::client_address(std::string_view peer_ip, std::string_view forwarded_for) const {
  if (forwarded_for.empty() || !contains(peer_ip)) return std::string(peer_ip);
  std::string_view rest = forwarded_for;
  while (!rest.empty()) {
    auto comma = rest.rfind(',');
    auto entry = trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(0, comma);
    if (!parse_address(entry)) return std::string(peer_ip);  // garbage: trust nothing past it
    // A proxy listening on [::] writes its IPv4 clients in the mapped form.
    auto address = unmapped_ip(entry);
    if (!contains(address)) return address;
  }
  return std::string(peer_ip);
}

}  // namespace memberd
