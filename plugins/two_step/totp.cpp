#include "totp.hpp"

#include <liboath/oath.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <cctype>
#include <mutex>
#include <stdexcept>

namespace memberd::two_step {

namespace {

void ensure_oath() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (oath_init() != OATH_OK) throw std::runtime_error("liboath failed to initialise");
  });
}

int oath_flags(TotpHash hash) {
  switch (hash) {
    case TotpHash::sha256: return OATH_TOTP_HMAC_SHA256;
    case TotpHash::sha512: return OATH_TOTP_HMAC_SHA512;
    default: return 0;
  }
}

std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace

std::string totp_code(std::string_view secret, std::int64_t counter, unsigned digits, TotpHash hash) {
  ensure_oath();
  char out[16] = {};
  // liboath takes a time and a step; the step's start is the counter's time.
  auto at = static_cast<time_t>(counter * kTotpStepSeconds);
  int rc = oath_totp_generate2(secret.data(), secret.size(), at, kTotpStepSeconds, 0, digits, oath_flags(hash), out);
  if (rc != OATH_OK) throw std::runtime_error(std::string("liboath: ") + oath_strerror(rc));
  return out;
}

std::optional<std::int64_t> totp_match(std::string_view secret, std::string_view code, std::int64_t unix_now,
                                       std::int64_t last_counter) {
  std::int64_t now_step = unix_now / kTotpStepSeconds;
  std::optional<std::int64_t> matched;
  std::string candidate_code(code);
  candidate_code.resize(kTotpDigits, '\0');  // equal lengths for CRYPTO_memcmp
  bool right_length = code.size() == kTotpDigits;
  for (std::int64_t step = now_step - 1; step <= now_step + 1; ++step) {
    std::string expected = totp_code(secret, step);
    bool same = CRYPTO_memcmp(expected.data(), candidate_code.data(), kTotpDigits) == 0;
    // The newest matching step wins; an older one was already used or expired.
    if (same && right_length && step > last_counter) matched = step;
  }
  return matched;
}

std::string new_totp_secret() {
  std::string secret(20, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(secret.data()), static_cast<int>(secret.size())) != 1)
    throw std::runtime_error("the CSPRNG failed");
  return secret;
}

std::string base32(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 5) {
      out += kAlphabet[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (5 - bits)) & 31];
  return out;
}

std::string otpauth_uri(std::string_view secret, std::string_view issuer, std::string_view account) {
  std::string label = percent_encode(issuer) + ":" + percent_encode(account);
  return "otpauth://totp/" + label + "?secret=" + base32(secret) + "&issuer=" + percent_encode(issuer) +
         "&algorithm=SHA1&digits=" + std::to_string(kTotpDigits) + "&period=" + std::to_string(kTotpStepSeconds);
}

}  // namespace memberd::two_step
