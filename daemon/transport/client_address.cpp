#include "transport/client_address.hpp"

#include <arpa/inet.h>

#include <stdexcept>

namespace memberd {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<IpNetwork> parse_address(std::string_view text) {
  IpNetwork n;
  std::string s(text);
  if (inet_pton(AF_INET, s.c_str(), n.address.data()) == 1) {
    n.family = AF_INET;
    n.prefix = 32;
    return n;
  }
  if (inet_pton(AF_INET6, s.c_str(), n.address.data()) == 1) {
    n.family = AF_INET6;
    n.prefix = 128;
    return n;
  }
  return std::nullopt;
}

bool in_network(const IpNetwork& net, const IpNetwork& ip) {
  if (net.family != ip.family) return false;
  int full = net.prefix / 8, rest = net.prefix % 8;
  for (int i = 0; i < full; ++i)
    if (net.address[i] != ip.address[i]) return false;
  if (rest == 0) return true;
  std::uint8_t mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (net.address[full] & mask) == (ip.address[full] & mask);
}

}  // namespace

std::optional<IpNetwork> parse_ip_network(std::string_view text) {
  auto slash = text.find('/');
  auto net = parse_address(text.substr(0, slash));
  if (!net) return std::nullopt;
  if (slash != std::string_view::npos) {
    auto digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3) return std::nullopt;
    int prefix = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return std::nullopt;
      prefix = prefix * 10 + (c - '0');
    }
    if (prefix > (net->family == AF_INET ? 32 : 128)) return std::nullopt;
    net->prefix = prefix;
  }
  return net;
}

TrustedProxies::TrustedProxies(const std::vector<std::string>& entries) {
  for (const auto& e : entries) {
    auto net = parse_ip_network(e);
    if (!net) throw std::invalid_argument("not an IP address or CIDR: " + e);
    networks_.push_back(*net);
  }
}

bool TrustedProxies::contains(std::string_view ip) const {
  if (networks_.empty()) return false;
  auto parsed = parse_address(ip);
  if (!parsed) return false;
  for (const auto& net : networks_)
    if (in_network(net, *parsed)) return true;
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
    if (!contains(entry)) return std::string(entry);
  }
  return std::string(peer_ip);
}

}  // namespace memberd
