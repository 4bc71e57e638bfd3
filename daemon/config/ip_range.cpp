#include "config/ip_range.hpp"

#include <arpa/inet.h>

#include <cstring>

namespace memberd {

namespace {

std::optional<IpRange> fail(std::string* why, std::string reason) {
  if (why != nullptr) *why = std::move(reason);
  return std::nullopt;
}

}  // namespace

std::optional<IpRange> parse_ip_range(std::string_view text, std::string* why) {
  const auto slash = text.find('/');
  const std::string address(text.substr(0, slash));

  // inet_pton reads a C string: text after a NUL byte would go unread and
  // "10.0.0.1\0anything" pass as 10.0.0.1.
  if (address.find('\0') != std::string::npos) return fail(why, "not an IP address");

  IpRange range;
  in_addr v4{};
  in6_addr v6{};
  if (inet_pton(AF_INET, address.c_str(), &v4) == 1) {
    std::memcpy(range.bytes.data(), &v4, 4);
  } else if (inet_pton(AF_INET6, address.c_str(), &v6) == 1) {
    range.v6 = true;
    std::memcpy(range.bytes.data(), &v6, 16);
  } else {
    return fail(why, "not an IP address");
  }

  const int max_prefix = range.v6 ? 128 : 32;
  range.prefix_length = max_prefix;
  if (slash != std::string_view::npos) {
    const std::string_view digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3) return fail(why, "the prefix length is not a number");
    int prefix = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return fail(why, "the prefix length is not a number");
      prefix = prefix * 10 + (c - '0');
    }
    if (prefix > max_prefix) {
      return fail(why, "the prefix length must be 0.." + std::to_string(max_prefix));
    }
    range.prefix_length = prefix;
  }

  for (int bit = range.prefix_length; bit < max_prefix; ++bit) {
    if (range.bytes[bit / 8] & (0x80 >> (bit % 8))) {
      return fail(why, "host bits are set after the /" + std::to_string(range.prefix_length) +
                           " prefix");
    }
  }
  return range;
}

}  // namespace memberd
