#include "transport/client_address.hpp"

#include <catch2/catch.hpp>

using memberd::TrustedProxies;

TEST_CASE("the client address behind trusted proxies", "[transport]") {
  TrustedProxies none;
  CHECK(none.client_address("203.0.113.9", "198.51.100.1") == "203.0.113.9");

  TrustedProxies proxies({"127.0.0.1", "10.0.0.0/8", "fd00::/8"});
  CHECK(proxies.contains("10.1.2.3"));
  CHECK_FALSE(proxies.contains("11.0.0.1"));
  CHECK(proxies.contains("fd12::1"));
  CHECK_FALSE(proxies.contains("not an ip"));

  // An untrusted peer's header is ignored entirely.
  CHECK(proxies.client_address("203.0.113.9", "198.51.100.1") == "203.0.113.9");
  // The right-most entry that is not a trusted proxy is the client...
  CHECK(proxies.client_address("127.0.0.1", "198.51.100.1") == "198.51.100.1");
  CHECK(proxies.client_address("127.0.0.1", "6.6.6.6, 198.51.100.1, 10.0.0.2") == "198.51.100.1");
  // ...so a client cannot spoof by prepending entries.
  CHECK(proxies.client_address("127.0.0.1", "1.1.1.1,198.51.100.1") == "198.51.100.1");
  // Garbage stops the walk: trust nothing beyond it.
  CHECK(proxies.client_address("127.0.0.1", "198.51.100.1, bogus") == "127.0.0.1");
  // Only proxies all the way: the peer itself.
  CHECK(proxies.client_address("127.0.0.1", "10.0.0.1, 10.0.0.2") == "127.0.0.1");

  CHECK_THROWS_AS(TrustedProxies({"10.0.0.0/33"}), std::invalid_argument);
}

// Found by tests/fuzz/ip_range_fuzz.cpp ("::\0"): inet_pton reads a C
// string, so whatever followed a NUL byte was never looked at, and
// "10.0.0.1\0anything" was accepted as 10.0.0.1 (a YAML "\0" in
// http.trusted_proxies, or --set).
TEST_CASE("a NUL byte in an address or block is refused, not cut off", "[transport][config]") {
  using namespace std::string_literals;
  CHECK_FALSE(memberd::parse_ip_range("::\0"s));
  CHECK_FALSE(memberd::parse_ip_range("10.0.0.1\0evil"s));
  CHECK_FALSE(memberd::parse_ip_range("10.0.0.0\0/8"s));
  CHECK_THROWS_AS(TrustedProxies({"127.0.0.1\0.example"s}), std::invalid_argument);
  CHECK_FALSE(TrustedProxies({"127.0.0.1"}).contains("127.0.0.1\0x"s));
}

#include <memberd/client_network.hpp>

TEST_CASE("per-client limits count an IPv4 address or an IPv6 /64", "[transport]") {
  CHECK(memberd::client_network("203.0.113.9") == "203.0.113.9");
  CHECK(memberd::client_network("2001:db8:1:2:aaaa::1") == "2001:0db8:0001:0002::/64");
  CHECK(memberd::client_network("2001:db8:1:2:bbbb::7") == memberd::client_network("2001:db8:1:2:aaaa::1"));
  CHECK(memberd::client_network("2001:db8:1:3::1") != memberd::client_network("2001:db8:1:2::1"));
  CHECK(memberd::client_network("unix") == "unix");
}

// Issue 27, H1: a listener on [::] sees IPv4 clients as ::ffff:a.b.c.d.
TEST_CASE("IPv4-mapped addresses are read as IPv4, wherever they come from", "[transport][security]") {
  using memberd::unmapped_ip;
  CHECK(unmapped_ip("::ffff:127.0.0.2") == "127.0.0.2");
  CHECK(unmapped_ip("::FFFF:7f00:2") == "127.0.0.2");
  CHECK(unmapped_ip("203.0.113.9") == "203.0.113.9");
  CHECK(unmapped_ip("2001:db8::1") == "2001:db8::1");
  CHECK(unmapped_ip("::1") == "::1");
  CHECK(unmapped_ip("unix") == "unix");
  CHECK(unmapped_ip(std::string("::ffff:1.2.3.4\0x", 16)) == std::string("::ffff:1.2.3.4\0x", 16));
  // Two IPv4 clients are two networks to the per-client limits, not one /64.
  CHECK(memberd::client_network(unmapped_ip("::ffff:127.0.0.2")) !=
        memberd::client_network(unmapped_ip("::ffff:127.0.0.3")));

  // A proxy on [::] writes its IPv4 clients mapped; an IPv4 trusted proxy matches its mapped form.
  TrustedProxies proxies({"10.0.0.0/8"});
  CHECK(proxies.client_address("10.0.0.1", "::ffff:198.51.100.1") == "198.51.100.1");
  CHECK(proxies.client_address("10.0.0.1", "198.51.100.1, ::ffff:10.0.0.2") == "198.51.100.1");
}
