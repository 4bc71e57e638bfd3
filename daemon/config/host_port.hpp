#pragma once
// "host:port" as written in http.listen and smtp:// mail transports.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace memberd {

struct HostPort {
  std::string host;  // an IPv4 or IPv6 literal (without brackets) or a DNS name
  std::uint16_t port = 0;

  bool operator==(const HostPort&) const = default;
};

// Accepts "127.0.0.1:8080", "[::1]:8080", "localhost:8080"; the port must be
// 1..65535 (0 too with `allow_any_port`: a listener then takes any free
// port, which tests use). On failure returns nullopt and, when `why` is
// given, says what is wrong in a few words ("port must be between 1 and 65535").
std::optional<HostPort> parse_host_port(std::string_view text, std::string* why = nullptr,
                                        bool allow_any_port = false);

// Back to text, with brackets around IPv6 literals: "[::1]:8080".
std::string format_host_port(const HostPort& address);

// True for an IPv6 literal (needs brackets in URLs and host:port).
bool is_ipv6_literal(const std::string& host);

}  // namespace memberd
