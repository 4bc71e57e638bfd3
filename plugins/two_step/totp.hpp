#pragma once
// Time-based one-time passwords (RFC 6238) through liboath, as every
// authenticator app computes them: HMAC over the number of 30-second steps
// since the epoch, cut to 6 digits.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace memberd::two_step {

enum class TotpHash { sha1, sha256, sha512 };

constexpr unsigned kTotpStepSeconds = 30;
constexpr unsigned kTotpDigits = 6;

// The code for `secret` (raw bytes) at time step `counter` (Unix time / 30).
// `digits` 6 to 8; the hash for RFC 6238's own test vectors, SHA-1 for the
// apps. Throws std::runtime_error when liboath refuses (a bug).
std::string totp_code(std::string_view secret, std::int64_t counter, unsigned digits = kTotpDigits,
                      TotpHash hash = TotpHash::sha1);

// The time step whose code `code` is, among the step of `unix_now` and one
// on either side (a phone's clock a little off), if that step is newer than
// `last_counter` (a code is accepted once). Every candidate is compared in
// constant time, whatever matched first.
std::optional<std::int64_t> totp_match(std::string_view secret, std::string_view code, std::int64_t unix_now,
                                       std::int64_t last_counter);

// A new 160-bit secret (RFC 4226's recommended length) from OpenSSL's CSPRNG.
// Throws std::runtime_error when the CSPRNG fails.
std::string new_totp_secret();
// RFC 4648 base32 without padding: how apps take a secret typed in.
std::string base32(std::string_view bytes);
// The otpauth:// URI that the QR code carries (Key Uri Format).
std::string otpauth_uri(std::string_view secret, std::string_view issuer, std::string_view account);

}  // namespace memberd::two_step
