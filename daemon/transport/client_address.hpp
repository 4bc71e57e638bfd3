#pragma once
// Who the client is, when reverse proxies stand in front of the daemon.
//
// The socket peer is the client, unless the peer is a trusted proxy: then the
// client is the right-most X-Forwarded-For entry that is not itself a trusted
// proxy. Entries to its left were written by the client and prove nothing.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace memberd {

struct IpNetwork {
  int family = 0;  // AF_INET or AF_INET6
  std::array<std::uint8_t, 16> address{};
  int prefix = 0;
};

// "10.0.0.0/8", "::1", "192.168.1.7": nullopt when malformed.
std::optional<IpNetwork> parse_ip_network(std::string_view text);

class TrustedProxies {
 public:
  TrustedProxies() = default;
  // Throws std::invalid_argument on a malformed entry.
  explicit TrustedProxies(const std::vector<std::string>& entries);
  bool contains(std::string_view ip) const;
  std::string client_address(std::string_view peer_ip, std::string_view forwarded_for) const;

 private:
  std::vector<IpNetwork> networks_;
};

}  // namespace memberd
