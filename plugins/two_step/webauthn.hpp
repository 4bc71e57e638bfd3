#pragma once
// WebAuthn Level 2 ceremonies checked on the server: a new passkey (an
// attestation) and a sign-in with one (an assertion). The cryptography and
// the authenticator data's binary and COSE parts are libfido2's (as pam-u2f
// uses it), the attestation object's CBOR map is split with libcbor; what
// libfido2 leaves to the relying party is here: clientDataJSON's type,
// challenge and origin, and the limits on every size.
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace memberd::two_step {

// COSE algorithms accepted: ES256, EdDSA, RS256.
constexpr int kCoseEs256 = -7, kCoseEdDsa = -8, kCoseRs256 = -257;

// Where passkeys are valid: the RP id (a host name, from http.public_url)
// and the one origin pages are served from ("https://market.example").
struct RelyingParty {
  std::string id;
  std::string origin;
};
// From a public URL such as "https://market.example:8443/": nullopt-like
// empty id when the URL has no host name (an IP address cannot be an RP id).
RelyingParty relying_party_of(std::string_view public_url);

// What a client sends is bounded before anything parses it.
constexpr std::size_t kMaxClientDataBytes = 2048, kMaxAttestationBytes = 16384, kMaxAuthenticatorDataBytes = 1024,
                      kMaxSignatureBytes = 1024, kMaxCredentialIdBytes = 1023;

// The challenge a client echoed in clientDataJSON (its base64url text), for
// finding the server's record of it; empty when there is none to read.
std::string echoed_challenge(std::string_view client_data_json);

struct NewPasskey {
  std::string credential_id;  // raw bytes
  std::string public_key;     // libfido2's form (es256_pk_from_ptr and kin read it)
  int cose_alg = 0;
  std::uint32_t sign_count = 0;
  bool user_verified = false;
  std::string format;  // "none" or "packed"
};
using WebauthnRefusal = std::string;  // why, in words for the member's page and the log

// navigator.credentials.create()'s answer, for `challenge` (the base64url
// text the server issued). Attestation "none" (rpIdHash and flags checked
// here) and "packed" (self attestation, or with x5c: its signature checked;
// no trust in the maker is implied) are accepted. User presence and user
// verification are required.
std::variant<NewPasskey, WebauthnRefusal> verify_registration(const RelyingParty& rp, std::string_view client_data_json,
                                                              std::string_view attestation_object,
                                                              std::string_view challenge);

struct StoredPasskey {
  std::string public_key;
  int cose_alg = 0;
  std::uint32_t sign_count = 0;
};
struct CheckedAssertion {
  std::uint32_t sign_count = 0;
  bool user_verified = false;
};
// navigator.credentials.get()'s answer for a stored passkey: the signature
// over authenticatorData ‖ SHA-256(clientDataJSON), the RP id hash, user
// presence (and user verification when `require_uv`), type, challenge and
// origin. A signature counter that does not grow (when either is not zero)
// is refused: a cloned authenticator.
std::variant<CheckedAssertion, WebauthnRefusal> verify_assertion(const RelyingParty& rp,
                                                                 std::string_view client_data_json,
                                                                 std::string_view authenticator_data,
                                                                 std::string_view signature, std::string_view challenge,
                                                                 const StoredPasskey& stored, bool require_uv);

}  // namespace memberd::two_step
