#include "secret_box.hpp"

#include <memberd/base64.hpp>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cctype>
#include <memory>
#include <stdexcept>

namespace memberd::two_step {

namespace {

constexpr std::size_t kNonceBytes = 12, kTagBytes = 16;

Key derive(const Key& master, std::string_view purpose) {
  Key out{};
  unsigned length = 0;
  HMAC(EVP_sha256(), master.data(), static_cast<int>(master.size()),
       reinterpret_cast<const unsigned char*>(purpose.data()), purpose.size(), out.data(), &length);
  return out;
}

using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

}  // namespace

std::optional<Key> parse_key(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  if (text.size() != 64) return std::nullopt;
  Key key{};
  for (std::size_t i = 0; i < 32; ++i) {
    int value = 0;
    for (char c : text.substr(2 * i, 2)) {
      int digit = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
                  : (c >= 'a' && c <= 'f')                    ? c - 'a' + 10
                  : (c >= 'A' && c <= 'F')                    ? c - 'A' + 10
                                                              : -1;
      if (digit < 0) return std::nullopt;
      value = value * 16 + digit;
    }
    key[i] = static_cast<unsigned char>(value);
  }
  return key;
}

SecretBox::SecretBox(const Key& master)
    : sealing_key_(derive(master, "memberd two_step: authenticator secrets v1")),
      code_key_(derive(master, "memberd two_step: recovery codes v1")) {}

SecretBox::~SecretBox() {
  OPENSSL_cleanse(sealing_key_.data(), sealing_key_.size());
  OPENSSL_cleanse(code_key_.data(), code_key_.size());
}

std::string SecretBox::seal(std::string_view plaintext, std::string_view context) const {
  std::string out(kNonceBytes + plaintext.size() + kTagBytes, '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(out.data());
  if (RAND_bytes(nonce, kNonceBytes) != 1) throw std::runtime_error("the CSPRNG failed");
  CipherContext ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int length = 0;
  bool ok = ctx && EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, sealing_key_.data(), nonce) == 1 &&
            EVP_EncryptUpdate(ctx.get(), nullptr, &length, bytes(context), static_cast<int>(context.size())) == 1 &&
            EVP_EncryptUpdate(ctx.get(), nonce + kNonceBytes, &length, bytes(plaintext),
                              static_cast<int>(plaintext.size())) == 1 &&
            EVP_EncryptFinal_ex(ctx.get(), nonce + kNonceBytes + length, &length) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes,
                                nonce + kNonceBytes + plaintext.size()) == 1;
  if (!ok) throw std::runtime_error("AES-256-GCM sealing failed");
  return base64_encode(out, Base64::url);
}

std::optional<std::string> SecretBox::open(std::string_view sealed, std::string_view context) const {
  auto raw = base64_decode(sealed);
  if (!raw || raw->size() < kNonceBytes + kTagBytes) return std::nullopt;
  const auto* nonce = bytes(*raw);
  std::size_t text_size = raw->size() - kNonceBytes - kTagBytes;
  std::string plaintext(text_size, '\0');
  std::string tag = raw->substr(kNonceBytes + text_size);
  CipherContext ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int length = 0;
  bool ok = ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, sealing_key_.data(), nonce) == 1 &&
            EVP_DecryptUpdate(ctx.get(), nullptr, &length, bytes(context), static_cast<int>(context.size())) == 1 &&
            EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plaintext.data()), &length,
                              nonce + kNonceBytes, static_cast<int>(text_size)) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) == 1 &&
            EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(plaintext.data()) + length, &length) == 1;
  if (!ok) {
    OPENSSL_cleanse(plaintext.data(), plaintext.size());
    return std::nullopt;
  }
  return plaintext;
}

std::string SecretBox::code_hash(std::string_view data) const {
  unsigned char digest[32];
  unsigned length = 0;
  HMAC(EVP_sha256(), code_key_.data(), static_cast<int>(code_key_.size()), bytes(data), data.size(), digest, &length);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

}  // namespace memberd::two_step
