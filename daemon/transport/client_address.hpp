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
