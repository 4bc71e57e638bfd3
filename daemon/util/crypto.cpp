#include "util/crypto.hpp"

#include <memberd/base64.hpp>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <array>
#include <climits>
#include <memory>
#include <stdexcept>
#include <vector>

namespace memberd {
namespace {

void fill_random(unsigned char* out, std::size_t n) {
  // RAND_bytes takes an int; tokens are tiny, but refuse silently truncating.
  if (n > static_cast<std::size_t>(INT_MAX)) throw std::invalid_argument("random byte count too large");
  if (n == 0) return;
  if (RAND_bytes(out, static_cast<int>(n)) != 1) throw std::runtime_error("RAND_bytes failed: no secure randomness");
}

constexpr char hex_digits[] = "0123456789abcdef";

std::string lower_hex(const unsigned char* bytes, std::size_t count) {
  std::string out(count * 2, '\0');
  for (std::size_t i = 0; i < count; ++i) {
    out[2 * i] = hex_digits[bytes[i] >> 4];
    out[2 * i + 1] = hex_digits[bytes[i] & 15];
  }
  return out;
}

}  // namespace

std::string random_token(std::size_t bytes) {
  std::vector<unsigned char> buf(bytes);
  fill_random(buf.data(), buf.size());
  std::string token = base64_encode(std::string_view(reinterpret_cast<const char*>(buf.data()), buf.size()), Base64::url);
  // The raw bytes are the secret as much as the encoding is; don't leave them on the heap.
  OPENSSL_cleanse(buf.data(), buf.size());
  return token;
}

std::string sha256_hex(std::string_view data) {
  // Every authenticated request hashes its token. OpenSSL 3 looks the
  // algorithm up in its providers on each EVP_DigestInit_ex(EVP_sha256())
  // (locks and all) and EVP_MD_CTX_new allocates: together 7-8% of the
  // daemon's CPU on GET /api/v1/me. Fetched once, one context per thread.
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
  thread_local std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int len = 0;
  if (!sha256 || !ctx || EVP_DigestInit_ex2(ctx.get(), sha256, nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), digest.data(), &len) != 1) {
    throw std::runtime_error("SHA-256 failed");
  }
  return lower_hex(digest.data(), len);
}

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
            data.size(), digest.data(), &len))
    throw std::runtime_error("HMAC-SHA-256 failed");
  return lower_hex(digest.data(), len);
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  // Lengths are not secret (a token's length is public), so a length mismatch
  // may return at once; contents are compared without an early exit.
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string new_uuid() {
  std::array<unsigned char, 16> b{};
  fill_random(b.data(), b.size());
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // variant 10xx (RFC 4122/9562)
  std::string out;
  out.reserve(36);
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += hex_digits[b[i] >> 4];
    out += hex_digits[b[i] & 15];
  }
  return out;
}

}  // namespace memberd
