#include "config/host_port.hpp"

#include <arpa/inet.h>

namespace memberd {

namespace {

bool fail(std::string* why, const char* reason) {
  if (why != nullptr) *why = reason;
  return false;
}

bool is_ipv4_literal(const std::string& host) {
  in_addr address{};
  return inet_pton(AF_INET, host.c_str(), &address) == 1;
}

// Letters, digits, '-' and '.', labels non-empty. A name made of digits and
// dots only must be a valid IPv4 address: "999.1.1.1" is a typo, not a name.
bool is_host_name(const std::string& host) {
  bool only_digits_and_dots = true;
  char previous = '.';
  for (char c : host) {
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    const bool digit = c >= '0' && c <= '9';
    if (!letter && !digit && c != '-' && c != '.') return false;
    if (c == '.' && previous == '.') return false;
    if (letter || c == '-') only_digits_and_dots = false;
    previous = c;
  }
  if (host.empty() || host.front() == '.' || host.back() == '.') return false;
  return !only_digits_and_dots || is_ipv4_literal(host);
}

bool parse_port(std::string_view text, std::uint16_t& port, std::string* why, bool allow_any) {
  const char* range = allow_any ? "port must be between 0 and 65535" : "port must be between 1 and 65535";
  if (text.empty()) return fail(why, "the port is missing");
  if (text.size() > 5) return fail(why, range);
  unsigned value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return fail(why, "the port is not a number");
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value < (allow_any ? 0u : 1u) || value > 65535) return fail(why, range);
  port = static_cast<std::uint16_t>(value);
  return true;
}

}  // namespace

bool is_ipv6_literal(const std::string& host) {
  in6_addr address{};
  return inet_pton(AF_INET6, host.c_str(), &address) == 1;
}

std::optional<HostPort> parse_host_port(std::string_view text, std::string* why, bool allow_any_port) {
  HostPort result;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos) {
      fail(why, "missing ] after the IPv6 address");
      return std::nullopt;
    }
    result.host = std::string(text.substr(1, close - 1));
    if (!is_ipv6_literal(result.host)) {
      fail(why, "not an IPv6 address between [ ]");
      return std::nullopt;
    }
    if (close + 1 >= text.size() || text[close + 1] != ':') {
      fail(why, "the port is missing");
      return std::nullopt;
    }
    port_text = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) {
      fail(why, "missing :port, as in 127.0.0.1:8080");
      return std::nullopt;
    }
    result.host = std::string(text.substr(0, colon));
    if (result.host.find(':') != std::string::npos) {
      fail(why, "write an IPv6 address in brackets: [::1]:8080");
      return std::nullopt;
    }
    if (result.host.empty()) {
      fail(why, "the host is missing (0.0.0.0 or [::] listen on every address)");
      return std::nullopt;
    }
    if (!is_host_name(result.host)) {
      fail(why, "the host is not an IP address or a host name");
      return std::nullopt;
    }
    port_text = text.substr(colon + 1);
  }
  if (!parse_port(port_text, result.port, why, allow_any_port)) return std::nullopt;
  return result;
}

std::string format_host_port(const HostPort& address) {
  const bool brackets = is_ipv6_literal(address.host);
  return (brackets ? "[" + address.host + "]" : address.host) + ":" + std::to_string(address.port);
}

}  // namespace memberd
