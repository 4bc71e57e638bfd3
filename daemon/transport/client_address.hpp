#pragma once
// Who the client is, when reverse proxies stand in front of the daemon.
//
// The socket peer is the client, unless the peer is a trusted proxy: then the
// client is the right-most X-Forwarded-For entry that is not itself a trusted
// proxy. Entries to its left were written by the client and prove nothing.
#include "config/ip_range.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace memberd {

// The address as IPv4 when it is an IPv4-mapped IPv6 address
// ("::ffff:192.0.2.1" -> "192.0.2.1"), else unchanged. A listener on [::]
// takes IPv4 clients too and sees them in the mapped form: unmapped where
// the address is read, every per-client limit counts each IPv4 client on
// its own (not all of them as one IPv6 /64) and IPv4 trusted proxies match.
std::string unmapped_ip(std::string_view ip);

class TrustedProxies {
 public:
  TrustedProxies() = default;
  // Throws std::invalid_argument on a malformed entry.
  explicit TrustedProxies(const std::vector<std::string>& entries);
  bool contains(std::string_view ip) const;
  bool empty() const { return ranges_.empty(); }
  std::string client_address(std::string_view peer_ip, std::string_view forwarded_for) const;

 private:
  std::vector<IpRange> ranges_;
};

}  // namespace memberd
