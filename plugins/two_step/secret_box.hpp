#pragma once
// The operator's key at work: authenticator secrets sealed with AES-256-GCM
// (OpenSSL EVP) and recovery codes kept as HMAC-SHA-256, each under a key of
// its own derived from the one key the operator keeps
// (two_step.secret_key_file or its environment variable).
#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace memberd::two_step {

using Key = std::array<unsigned char, 32>;

// The key from its text form: 64 hex digits (`openssl rand -hex 32`),
// surrounding white space ignored. nullopt for anything else.
std::optional<Key> parse_key(std::string_view text);

class SecretBox {
 public:
  explicit SecretBox(const Key& master);
  ~SecretBox();
  SecretBox(const SecretBox&) = delete;
  SecretBox& operator=(const SecretBox&) = delete;

  // base64url(nonce ‖ ciphertext ‖ tag), a random 96-bit nonce each time.
  // `context` is authenticated, not stored (the member id): a sealed value
  // copied to another member does not open. Throws std::runtime_error when
  // OpenSSL fails.
  std::string seal(std::string_view plaintext, std::string_view context) const;
  // nullopt when it was not sealed under this key for this context, or was
  // changed.
  std::optional<std::string> open(std::string_view sealed, std::string_view context) const;
  // HMAC-SHA-256 of `data` as 64 hex digits, under the code key.
  std::string code_hash(std::string_view data) const;

 private:
  Key sealing_key_{}, code_key_{};
};

}  // namespace memberd::two_step
