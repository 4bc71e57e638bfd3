// IP addresses and CIDR blocks (daemon/config/ip_range.cpp) as
// http.trusted_proxies lists them, and the client address behind proxies
// (daemon/transport/client_address.cpp) from the peer and X-Forwarded-For.
// Input: one line is one range; three lines are "entries, comma-separated",
// the peer's address and an X-Forwarded-For value.
//
// Checked: an accepted range is written only with address characters,
// has no host bits, prints and re-parses to itself, and contains its own
// address; the client address is the peer or a well-formed, untrusted entry.
#include "config/ip_range.hpp"
#include "transport/client_address.hpp"

#include "fuzz_check.hpp"

#include <arpa/inet.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace {

using memberd::IpRange;

std::string address_text(const IpRange& range) {
  char text[INET6_ADDRSTRLEN] = {};
  FUZZ_CHECK(inet_ntop(range.v6 ? AF_INET6 : AF_INET, range.bytes.data(), text, sizeof text) != nullptr);
  return text;
}

void check_range(std::string_view text) {
  std::string why;
  const auto range = memberd::parse_ip_range(text, &why);
  if (!range) {
    FUZZ_CHECK(!why.empty());
    return;
  }
  FUZZ_CHECK(text.find_first_not_of("0123456789abcdefABCDEF.:/") == std::string_view::npos);
  const int max_prefix = range->v6 ? 128 : 32;
  FUZZ_CHECK(range->prefix_length >= 0 && range->prefix_length <= max_prefix);
  for (int bit = range->prefix_length; bit < max_prefix; ++bit)
    FUZZ_CHECK((range->bytes[bit / 8] & (0x80 >> (bit % 8))) == 0);
  if (!range->v6)
    for (int i = 4; i < 16; ++i) FUZZ_CHECK(range->bytes[i] == 0);

  const std::string address = address_text(*range);
  const std::string printed = address + "/" + std::to_string(range->prefix_length);
  FUZZ_CHECK(memberd::parse_ip_range(printed) == range);
  FUZZ_CHECK(memberd::TrustedProxies({printed}).contains(address));
}

std::vector<std::string> comma_list(std::string_view text, std::size_t max_items) {
  std::vector<std::string> items;
  while (items.size() < max_items) {
    const auto comma = text.find(',');
    items.emplace_back(text.substr(0, comma));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return items;
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

void check_client(std::string_view entries, std::string_view peer, std::string_view forwarded_for) {
  memberd::TrustedProxies proxies;
  try {
    proxies = memberd::TrustedProxies(comma_list(entries, 8));
  } catch (const std::invalid_argument&) {
    return;  // the config loader refuses these
  }
  const std::string client = proxies.client_address(peer, forwarded_for);
  if (client == peer) return;
  // Not the peer: then the peer is a proxy, and the client one of the
  // forwarded entries (an IPv4-mapped IPv6 one as its IPv4 address, as a
  // proxy listening on [::] writes it), an address no proxy of ours holds.
  FUZZ_CHECK(proxies.contains(peer));
  bool listed = false;
  for (const auto& entry : comma_list(forwarded_for, forwarded_for.size() + 1))
    listed = listed || trimmed(entry) == client || memberd::unmapped_ip(trimmed(entry)) == client;
  FUZZ_CHECK(listed);
  FUZZ_CHECK(client.find('/') == std::string::npos && memberd::parse_ip_range(client).has_value());
  FUZZ_CHECK(!proxies.contains(client));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = memberd::fuzz::text_of(data, size);
  const auto first = text.find('\n');
  if (first == std::string_view::npos) {
    check_range(text);
    return 0;
  }
  const auto second = text.find('\n', first + 1);
  if (second == std::string_view::npos) return 0;
  const std::string_view entries = text.substr(0, first);
  for (const auto& entry : comma_list(entries, 8)) check_range(entry);
  check_client(entries, text.substr(first + 1, second - first - 1), text.substr(second + 1));
  return 0;
}
