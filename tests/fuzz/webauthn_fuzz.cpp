// The WebAuthn ceremonies of the two_step plugin (plugins/two_step/
// webauthn.cpp) on hostile bytes: what a browser posts as a new passkey or
// a sign-in goes through libcbor, libfido2 and our own checks. The first
// byte picks what is fuzzed:
//   0: the attestation object of a registration (clientDataJSON right);
//   1: the authenticator data and signature of an assertion (two bytes of
//      authenticator-data length first), against a fixed public key;
//   2: the clientDataJSON of an assertion.
// Checked beyond "no crash, no sanitizer report": a registration accepted
// has a credential id and key within bounds and an accepted algorithm; an
// assertion is never accepted, since no input here holds a signature made
// with the key's private half (there is none: the key is P-256's generator).
#include "webauthn.hpp"

#include "fuzz_check.hpp"

#include <memberd/base64.hpp>

#include <string>

namespace {

using namespace memberd::two_step;

const RelyingParty kRp{"market.example", "https://market.example"};
const std::string kChallenge = "Y2hhbGxlbmdlLWZvci10aGUtZnV6emVy";

std::string client_data(const char* type) {
  return std::string("{\"type\":\"") + type + "\",\"challenge\":\"" + kChallenge +
         "\",\"origin\":\"https://market.example\",\"crossOrigin\":false}";
}

StoredPasskey generator_key() {
  // x ‖ y of P-256's base point: a valid point nobody holds a key for.
  static const unsigned char point[64] = {
      0x6b, 0x17, 0xd1, 0xf2, 0xe1, 0x2c, 0x42, 0x47, 0xf8, 0xbc, 0xe6, 0xe5, 0x63, 0xa4, 0x40, 0xf2,
      0x77, 0x03, 0x7d, 0x81, 0x2d, 0xeb, 0x33, 0xa0, 0xf4, 0xa1, 0x39, 0x45, 0xd8, 0x98, 0xc2, 0x96,
      0x4f, 0xe3, 0x42, 0xe2, 0xfe, 0x1a, 0x7f, 0x9b, 0x8e, 0xe7, 0xeb, 0x4a, 0x7c, 0x0f, 0x9e, 0x16,
      0x2b, 0xce, 0x33, 0x57, 0x6b, 0x31, 0x5e, 0xce, 0xcb, 0xb6, 0x40, 0x68, 0x37, 0xbf, 0x51, 0xf5};
  return StoredPasskey{std::string(reinterpret_cast<const char*>(point), sizeof point), kCoseEs256, 0};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::string_view input = memberd::fuzz::text_of(data + 1, size - 1);
  switch (data[0] % 3) {
    case 0: {
      auto made = verify_registration(kRp, client_data("webauthn.create"), input, kChallenge);
      if (auto* key = std::get_if<NewPasskey>(&made)) {
        FUZZ_CHECK(!key->credential_id.empty() && key->credential_id.size() <= kMaxCredentialIdBytes);
        FUZZ_CHECK(!key->public_key.empty());
        FUZZ_CHECK(key->cose_alg == kCoseEs256 || key->cose_alg == kCoseEdDsa || key->cose_alg == kCoseRs256);
        FUZZ_CHECK(key->format == "none" || key->format == "packed");
      }
      break;
    }
    case 1: {
      if (input.size() < 2) return 0;
      std::size_t auth_size = (static_cast<unsigned char>(input[0]) << 8) | static_cast<unsigned char>(input[1]);
      auto rest = input.substr(2);
      auth_size = std::min(auth_size, rest.size());
      auto checked = verify_assertion(kRp, client_data("webauthn.get"), rest.substr(0, auth_size),
                                      rest.substr(auth_size), kChallenge, generator_key(), false);
      FUZZ_CHECK(std::holds_alternative<WebauthnRefusal>(checked));
      break;
    }
    default: {
      (void)echoed_challenge(input);
      auto checked = verify_assertion(kRp, input, std::string(37, '\x05'), "sig", kChallenge, generator_key(), false);
      FUZZ_CHECK(std::holds_alternative<WebauthnRefusal>(checked));
      break;
    }
  }
  return 0;
}
