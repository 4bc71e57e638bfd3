#pragma once
// An IP address or CIDR block, v4 or v6, as listed in http.trusted_proxies.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace memberd {

struct IpRange {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{};  // network order; IPv4 uses the first 4
  int prefix_length = 0;                 // 0..32 or 0..128; a bare address is /32 or /128

  bool operator==(const IpRange&) const = default;
};

// "10.0.0.0/8", "127.0.0.1", "fd00::/8", "::1". Refuses a block with host
// bits set ("10.0.0.1/8"): that is nearly always a typo for another block.
// On failure, `why` (when given) says what is wrong.
std::optional<IpRange> parse_ip_range(std::string_view text, std::string* why = nullptr);

}  // namespace memberd
