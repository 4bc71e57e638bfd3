// The WebAuthn checks without a daemon: where passkeys are valid, and the
// inputs the fuzzer found (tests/fuzz/corpus/webauthn/regression_*).
#include "webauthn.hpp"

#include "cbor_bound.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>

using namespace memberd::two_step;
using namespace std::string_literals;

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
  CHECK(std::holds_alternative<WebauthnRefusal>(verify_registration(rp, client, "\xbb\x00\x00\x00\x01\x00\x00\x00\x00"s, challenge)));
  CHECK(std::holds_alternative<WebauthnRefusal>(verify_registration(rp, client, "\x5a\xff\xff\xff\xff", challenge)));
  CHECK(std::holds_alternative<WebauthnRefusal>(verify_registration(rp, client, "\xbf\x63""fmt\x64none\xff", challenge)));
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(1));
}

TEST_CASE("an assertion's CBOR is walked from where libfido2 reads it, whatever flag AT says",
          "[two_step][webauthn][fuzz]") {
  // Flags UP, UV, AT and ED; then, at byte 37, an array that claims
  // 0x9a9a9a9a elements. Read as a registration's, the walk would skip an
  // attested-credential header (the zeros say an empty id) and see only
  // zeros, while libfido2 loads the assertion's extensions from byte 37 and
  // asked libcbor for 20 GB (the fuzzer's input, in CI of stop 43).
  std::string auth = std::string(32, '\0') + "\xc5" + std::string(4, '\0') + "\x9a\x9a\x9a\x9a\x9a" +
                     std::string(40, '\0');
  CHECK(authenticator_data_cbor(auth, Ceremony::assertion) == std::string_view(auth).substr(37));
  CHECK(authenticator_data_cbor(auth, Ceremony::registration) == std::string_view(auth).substr(37 + 18));
  CHECK_FALSE(cbor_sizes_bounded(authenticator_data_cbor(auth, Ceremony::assertion)));

  const RelyingParty rp{"market.example", "https://market.example"};
  const std::string client =
      "{\"type\":\"webauthn.get\",\"challenge\":\"Y2hhbGxlbmdl\",\"origin\":\"https://market.example\"}";
  const StoredPasskey stored{std::string(64, '\x01'), kCoseEs256, 0};
  auto started = std::chrono::steady_clock::now();
  auto checked = verify_assertion(rp, client, auth, "sig", "Y2hhbGxlbmdl", stored, false);
  REQUIRE(std::holds_alternative<WebauthnRefusal>(checked));
  CHECK(std::get<WebauthnRefusal>(checked) == "The authenticator data is malformed.");
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(1));
}
