#pragma once
// The part of a client address that per-client limits should count: the
// address itself for IPv4, the /64 network for IPv6 (one subscriber usually
// holds a whole /64, so counting single IPv6 addresses is trivially dodged).
#include <arpa/inet.h>

#include <cstdio>
#include <string>
#include <string_view>

namespace memberd {

inline std::string client_network(std::string_view ip) {
  unsigned char bytes[16];
  std::string text(ip);
  if (text.find(':') == std::string::npos || inet_pton(AF_INET6, text.c_str(), bytes) != 1) return text;
  char prefix[48];
  std::snprintf(prefix, sizeof prefix, "%02x%02x:%02x%02x:%02x%02x:%02x%02x::/64", bytes[0], bytes[1], bytes[2],
                bytes[3], bytes[4], bytes[5], bytes[6], bytes[7]);
  return prefix;
}

}  // namespace memberd
