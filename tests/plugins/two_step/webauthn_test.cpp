// The WebAuthn checks without a daemon: where passkeys are valid, and the
// inputs the fuzzer found (tests/fuzz/corpus/webauthn/regression_*).
#include "webauthn.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>

using namespace memberd::two_step;

TEST_CASE("the relying party comes from the public URL's host name", "[two_step][webauthn]") {
  CHECK(relying_party_of("https://market.example").id == "market.example");
  CHECK(relying_party_of("https://market.example").origin == "https://market.example");
  CHECK(relying_party_of("https://Market.Example:8443/").id == "market.example");
  CHECK(relying_party_of("https://market.example:8443/").origin == "https://market.example:8443");
  // As a browser serialises an origin: lower case, no default port.
  CHECK(relying_party_of("HTTPS://Market.Example:443/account").origin == "https://market.example");
  CHECK(relying_party_of("http://localhost:80").origin == "http://localhost");
  CHECK(relying_party_of("https://").id.empty());
  CHECK(relying_party_of("http://localhost:8080").id == "localhost");
  // An address is no RP id: passkeys are off, and the routes say so.
  CHECK(relying_party_of("http://127.0.0.1:8080").id.empty());
  CHECK(relying_party_of("http://[::1]:8080").id.empty());
  CHECK(relying_party_of("not a url").id.empty());
}

TEST_CASE("CBOR that declares more elements than it has bytes is refused before anything allocates",
          "[two_step][webauthn][fuzz]") {
  const RelyingParty rp{"market.example", "https://market.example"};
  const std::string challenge = "Y2hhbGxlbmdl";
  const std::string client =
      "{\"type\":\"webauthn.create\",\"challenge\":\"Y2hhbGxlbmdl\",\"origin\":\"https://market.example\"}";
  // The fuzzer's input: an array of 0x9a9a9a9a elements in 26 bytes. libcbor
  // alone allocates gigabytes for it.
  std::string array = "\x9a\x9a\x9a\x9a\x9a" + std::string(20, '\x9a') + "(\x02";
  auto started = std::chrono::steady_clock::now();
  CHECK(std::holds_alternative<WebauthnRefusal>(verify_registration(rp, client, array, challenge)));
  // A map and a byte string that claim more than is there; an indefinite map.
  CHECK(std::holds_alternative<WebauthnRefusal>(verify_registration(rp, client, "\xbb\x00\x00\x00\x01\x00\x00\x00\x00", challenge)));
  CHECK(std::holds_alternative<WebauthnRefusal>(verify_registration(rp, client, "\x5a\xff\xff\xff\xff", challenge)));
  CHECK(std::holds_alternative<WebauthnRefusal>(verify_registration(rp, client, "\xbf\x63""fmt\x64none\xff", challenge)));
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(1));
}
