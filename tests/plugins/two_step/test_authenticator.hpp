#pragma once
// A software authenticator for the API tests: an EC P-256 key of its own
// (OpenSSL) and the WebAuthn structures a browser would hand over, built
// byte by byte (libcbor for the CBOR), so that tests can also build the
// ones a browser never would: a forged signature, another origin, a
// counter that goes backwards.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <string>

namespace memberd::test::two_step {

class TestAuthenticator {
 public:
  explicit TestAuthenticator(std::string rp_id);
  ~TestAuthenticator();

  // navigator.credentials.create()'s answer (the JSON the page posts as
  // `credential`) for the server's `challenge` (base64url) and `origin`.
  // `packed`: self attestation signed with the credential's key, else
  // attestation "none". `flags`: UP 0x01, UV 0x04 (AT 0x40 is added).
  nlohmann::json create(const std::string& challenge, const std::string& origin, bool packed = false,
                        unsigned char flags = 0x05);
  // navigator.credentials.get()'s answer with signature counter `counter`.
  nlohmann::json get(const std::string& challenge, const std::string& origin, std::uint32_t counter,
                     unsigned char flags = 0x05, const std::string& type = "webauthn.get");

  const std::string& credential_id() const { return id_b64_; }  // base64url
  std::string user_handle;  // raw bytes to send as response.userHandle (empty: none)

 private:
  std::string authenticator_data(unsigned char flags, std::uint32_t counter, bool with_credential) const;
  std::string sign(const std::string& message) const;

  std::string rp_id_, id_, id_b64_;
  struct Key;
  std::unique_ptr<Key> key_;
};

// The client data a browser makes.
std::string client_data(const std::string& type, const std::string& challenge, const std::string& origin);
std::string b64url(const std::string& bytes);

}  // namespace memberd::test::two_step
