#include "webauthn.hpp"

#include "cbor_bound.hpp"

#include <cbor.h>
#include <fido.h>
#include <fido/eddsa.h>
#include <fido/es256.h>
#include <fido/rs256.h>
#include <nlohmann/json.hpp>
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <memory>
#include <mutex>

namespace memberd::two_step {

namespace {

constexpr unsigned char kUserPresent = 0x01, kUserVerified = 0x04;

void ensure_fido() {
  static std::once_flag once;
  std::call_once(once, [] { fido_init(0); });
}

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

// clientDataJSON as the browser made it: its type, the challenge we issued
// and our origin (WebAuthn L2 7.1 steps 7-9, 7.2 steps 11-13).
std::optional<WebauthnRefusal> check_client_data(const RelyingParty& rp, std::string_view client_data_json,
                                                 const char* type, std::string_view challenge) {
  if (client_data_json.empty() || client_data_json.size() > kMaxClientDataBytes)
    return "The browser's clientDataJSON is missing or too long.";
  auto data = nlohmann::json::parse(client_data_json, nullptr, false);
  if (!data.is_object()) return "The browser's clientDataJSON is not a JSON object.";
  auto text = [&](const char* key) {
    auto it = data.find(key);
    return it != data.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  if (text("type") != type) return std::string("The passkey answered another ceremony than ") + type + ".";
  std::string echoed = text("challenge");
  if (echoed.size() != challenge.size() || CRYPTO_memcmp(echoed.data(), challenge.data(), echoed.size()) != 0)
    return "The passkey signed another challenge.";
  if (text("origin") != rp.origin) return "The passkey was used from another site (" + text("origin") + ").";
  if (auto cross = data.find("crossOrigin"); cross != data.end() && cross->is_boolean() && cross->get<bool>())
    return "The passkey was used inside another site's frame.";
  return std::nullopt;
}

struct CborDeleter {
  void operator()(cbor_item_t* item) const { cbor_decref(&item); }
};
using CborItem = std::unique_ptr<cbor_item_t, CborDeleter>;

struct AttestationParts {
  std::string format, statement, authenticator_data;  // statement: attStmt as CBOR
};

// The attestation object {fmt, attStmt, authData} (WebAuthn L2 6.5).
std::variant<AttestationParts, WebauthnRefusal> split_attestation(std::string_view object) {
  if (object.empty() || object.size() > kMaxAttestationBytes)
    return std::string("The attestation is missing or too long.");
  if (!cbor_sizes_bounded(object)) return std::string("The attestation is not well-formed CBOR.");
  cbor_load_result result{};
  CborItem root(cbor_load(bytes(object), object.size(), &result));
  if (!root || result.error.code != CBOR_ERR_NONE || result.read != object.size())
    return std::string("The attestation is not well-formed CBOR.");
  if (!cbor_isa_map(root.get()) || !cbor_map_is_definite(root.get()))
    return std::string("The attestation is not a CBOR map.");
  AttestationParts parts;
  bool has_statement = false;
  cbor_pair* pairs = cbor_map_handle(root.get());
  for (std::size_t i = 0; i < cbor_map_size(root.get()); ++i) {
    cbor_item_t* key = pairs[i].key;
    cbor_item_t* value = pairs[i].value;
    if (!cbor_isa_string(key) || !cbor_string_is_definite(key)) continue;
    std::string name(reinterpret_cast<const char*>(cbor_string_handle(key)), cbor_string_length(key));
    if (name == "fmt" && cbor_isa_string(value) && cbor_string_is_definite(value)) {
      parts.format.assign(reinterpret_cast<const char*>(cbor_string_handle(value)), cbor_string_length(value));
    } else if (name == "authData" && cbor_isa_bytestring(value) && cbor_bytestring_is_definite(value)) {
      parts.authenticator_data.assign(reinterpret_cast<const char*>(cbor_bytestring_handle(value)),
                                      cbor_bytestring_length(value));
    } else if (name == "attStmt" && cbor_isa_map(value)) {
      unsigned char* buffer = nullptr;
      std::size_t size = 0;
      std::size_t written = cbor_serialize_alloc(value, &buffer, &size);
      if (written == 0 || buffer == nullptr) return std::string("The attestation statement cannot be read.");
      parts.statement.assign(reinterpret_cast<const char*>(buffer), written);
      free(buffer);
      has_statement = true;
    }
  }
  if (parts.format.empty() || parts.authenticator_data.empty() || !has_statement)
    return std::string("The attestation lacks its format, statement or authenticator data.");
  return parts;
}

std::string sha256(std::string_view data) {
  std::string out(SHA256_DIGEST_LENGTH, '\0');
  SHA256(bytes(data), data.size(), reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

using Credential = std::unique_ptr<fido_cred_t, void (*)(fido_cred_t*)>;
Credential new_credential() {
  return Credential(fido_cred_new(), [](fido_cred_t* c) { fido_cred_free(&c); });
}

}  // namespace

RelyingParty relying_party_of(std::string_view url) {
  RelyingParty rp;
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return rp;
  std::string scheme(url.substr(0, scheme_end));
  for (auto& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto rest = url.substr(scheme_end + 3);
  auto authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.empty() || authority.front() == '[') return rp;  // no host, or an IPv6 address
  auto colon = authority.rfind(':');
  std::string host(authority.substr(0, colon));
  std::string port = colon == std::string_view::npos ? "" : std::string(authority.substr(colon + 1));
  for (auto& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  bool has_letter = false;
  for (char c : host) has_letter = has_letter || (c >= 'a' && c <= 'z');
  if (host.empty() || !has_letter) return rp;  // an IPv4 address cannot be an RP id
  // The origin as a browser serialises it: lower case, no default port.
  bool default_port = port.empty() || (scheme == "https" && port == "443") || (scheme == "http" && port == "80");
  rp.id = host;
  rp.origin = scheme + "://" + host + (default_port ? "" : ":" + port);
  return rp;
}

std::string echoed_challenge(std::string_view client_data_json) {
  if (client_data_json.size() > kMaxClientDataBytes) return {};
  auto data = nlohmann::json::parse(client_data_json, nullptr, false);
  if (!data.is_object()) return {};
  auto it = data.find("challenge");
  if (it == data.end() || !it->is_string()) return {};
  auto text = it->get<std::string>();
  return text.size() <= 128 ? text : std::string();
}

std::variant<NewPasskey, WebauthnRefusal> verify_registration(const RelyingParty& rp, std::string_view client_data_json,
                                                              std::string_view attestation_object,
                                                              std::string_view challenge) {
  ensure_fido();
  if (rp.id.empty()) return std::string("Passkeys need the daemon's public URL to name a host (http.public_url).");
  if (auto refused = check_client_data(rp, client_data_json, "webauthn.create", challenge)) return *refused;
  auto split = split_attestation(attestation_object);
  if (auto* refused = std::get_if<WebauthnRefusal>(&split)) return *refused;
  auto& parts = std::get<AttestationParts>(split);
  if (parts.format != "none" && parts.format != "packed")
    return "Passkeys with \"" + parts.format.substr(0, 32) + "\" attestation are not accepted here.";
  const std::string& auth = parts.authenticator_data;
  if (auth.size() < 37 || auth.size() > kMaxAttestationBytes ||
      !cbor_sizes_bounded(authenticator_data_cbor(auth, Ceremony::registration)))
    return std::string("The authenticator data is malformed.");

  // libfido2 reads the credential's public key only for the COSE algorithm
  // it was told to expect: each accepted one is tried.
  for (int alg : {kCoseEs256, kCoseEdDsa, kCoseRs256}) {
    auto cred = new_credential();
    if (!cred || fido_cred_set_type(cred.get(), alg) != FIDO_OK) continue;
    if (fido_cred_set_authdata_raw(cred.get(), bytes(auth), auth.size()) != FIDO_OK) continue;
    if (fido_cred_set_rp(cred.get(), rp.id.c_str(), nullptr) != FIDO_OK ||
        fido_cred_set_clientdata(cred.get(), bytes(client_data_json), client_data_json.size()) != FIDO_OK ||
        fido_cred_set_uv(cred.get(), FIDO_OPT_TRUE) != FIDO_OK ||
        fido_cred_set_fmt(cred.get(), parts.format.c_str()) != FIDO_OK)
      return std::string("The passkey could not be read.");
    unsigned char flags = fido_cred_flags(cred.get());
    if (parts.format == "none") {
      // Nothing is signed: the RP id hash and the flags are all there is to check.
      std::string expected = sha256(rp.id);
      if (CRYPTO_memcmp(expected.data(), auth.data(), expected.size()) != 0)
        return std::string("The passkey was made for another site.");
      if (!(flags & kUserPresent) || !(flags & kUserVerified))
        return std::string("The passkey did not check that it was you (user presence and verification).");
    } else {
      if (fido_cred_set_attstmt(cred.get(), bytes(parts.statement), parts.statement.size()) != FIDO_OK)
        return std::string("The passkey's attestation statement is malformed.");
      int verified =
          fido_cred_x5c_len(cred.get()) > 0 ? fido_cred_verify(cred.get()) : fido_cred_verify_self(cred.get());
      if (verified != FIDO_OK)
        return std::string("The passkey's attestation does not verify: ") + fido_strerr(verified) + ".";
    }
    NewPasskey key;
    key.credential_id.assign(reinterpret_cast<const char*>(fido_cred_id_ptr(cred.get())), fido_cred_id_len(cred.get()));
    key.public_key.assign(reinterpret_cast<const char*>(fido_cred_pubkey_ptr(cred.get())),
                          fido_cred_pubkey_len(cred.get()));
    key.cose_alg = alg;
    key.sign_count = fido_cred_sigcount(cred.get());
    key.user_verified = (flags & kUserVerified) != 0;
    key.format = parts.format;
    if (key.credential_id.empty() || key.credential_id.size() > kMaxCredentialIdBytes || key.public_key.empty())
      return std::string("The passkey's credential is malformed.");
    return key;
  }
  return std::string("The passkey's key is not ES256, EdDSA or RS256, or its authenticator data is malformed.");
}

std::variant<CheckedAssertion, WebauthnRefusal> verify_assertion(const RelyingParty& rp,
                                                                 std::string_view client_data_json,
                                                                 std::string_view authenticator_data,
                                                                 std::string_view signature, std::string_view challenge,
                                                                 const StoredPasskey& stored, bool require_uv) {
  ensure_fido();
  if (rp.id.empty()) return std::string("Passkeys need the daemon's public URL to name a host (http.public_url).");
  if (auto refused = check_client_data(rp, client_data_json, "webauthn.get", challenge)) return *refused;
  if (authenticator_data.size() < 37 || authenticator_data.size() > kMaxAuthenticatorDataBytes ||
      !cbor_sizes_bounded(authenticator_data_cbor(authenticator_data, Ceremony::assertion)))
    return std::string("The authenticator data is malformed.");
  if (signature.empty() || signature.size() > kMaxSignatureBytes) return std::string("The signature is malformed.");

  std::unique_ptr<fido_assert_t, void (*)(fido_assert_t*)> assertion(fido_assert_new(),
                                                                     [](fido_assert_t* a) { fido_assert_free(&a); });
  if (!assertion || fido_assert_set_rp(assertion.get(), rp.id.c_str()) != FIDO_OK ||
      fido_assert_set_clientdata(assertion.get(), bytes(client_data_json), client_data_json.size()) != FIDO_OK ||
      fido_assert_set_count(assertion.get(), 1) != FIDO_OK ||
      fido_assert_set_up(assertion.get(), FIDO_OPT_TRUE) != FIDO_OK ||
      fido_assert_set_uv(assertion.get(), require_uv ? FIDO_OPT_TRUE : FIDO_OPT_OMIT) != FIDO_OK)
    return std::string("The passkey's answer could not be read.");
  if (fido_assert_set_authdata_raw(assertion.get(), 0, bytes(authenticator_data), authenticator_data.size()) != FIDO_OK)
    return std::string("The authenticator data is malformed.");
  if (fido_assert_set_sig(assertion.get(), 0, bytes(signature), signature.size()) != FIDO_OK)
    return std::string("The signature is malformed.");

  int verified = FIDO_ERR_INVALID_ARGUMENT;
  const auto* key = bytes(stored.public_key);
  if (stored.cose_alg == kCoseEs256) {
    std::unique_ptr<es256_pk_t, void (*)(es256_pk_t*)> pk(es256_pk_new(), [](es256_pk_t* p) { es256_pk_free(&p); });
    if (pk && es256_pk_from_ptr(pk.get(), key, stored.public_key.size()) == FIDO_OK)
      verified = fido_assert_verify(assertion.get(), 0, COSE_ES256, pk.get());
  } else if (stored.cose_alg == kCoseEdDsa) {
    std::unique_ptr<eddsa_pk_t, void (*)(eddsa_pk_t*)> pk(eddsa_pk_new(), [](eddsa_pk_t* p) { eddsa_pk_free(&p); });
    if (pk && eddsa_pk_from_ptr(pk.get(), key, stored.public_key.size()) == FIDO_OK)
      verified = fido_assert_verify(assertion.get(), 0, COSE_EDDSA, pk.get());
  } else if (stored.cose_alg == kCoseRs256) {
    std::unique_ptr<rs256_pk_t, void (*)(rs256_pk_t*)> pk(rs256_pk_new(), [](rs256_pk_t* p) { rs256_pk_free(&p); });
    if (pk && rs256_pk_from_ptr(pk.get(), key, stored.public_key.size()) == FIDO_OK)
      verified = fido_assert_verify(assertion.get(), 0, COSE_RS256, pk.get());
  }
  if (verified != FIDO_OK) {
    return verified == FIDO_ERR_INVALID_PARAM
               ? std::string("The passkey did not check that it was you, or was made for another site.")
               : std::string("The passkey's signature does not verify.");
  }
  CheckedAssertion checked;
  checked.sign_count = fido_assert_sigcount(assertion.get(), 0);
  checked.user_verified = (fido_assert_flags(assertion.get(), 0) & kUserVerified) != 0;
  // WebAuthn L2 7.2 step 21: a counter that does not grow means two
  // authenticators share the key.
  if ((checked.sign_count != 0 || stored.sign_count != 0) && checked.sign_count <= stored.sign_count)
    return std::string("The passkey's signature counter went backwards: it may have been cloned.");
  return checked;
}

}  // namespace memberd::two_step
