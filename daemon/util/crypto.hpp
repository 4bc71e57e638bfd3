#pragma once
// Small cryptographic helpers shared by the daemon: session and CSRF tokens,
// the SHA-256 under which tokens are stored, constant-time comparison, ids.
// OpenSSL stays inside crypto.cpp so that including this header is cheap.

#include <cstddef>
#include <string>
#include <string_view>

namespace memberd {

// `bytes` random bytes from OpenSSL's CSPRNG (RAND_bytes), encoded as
// base64url without padding (RFC 4648 §5): safe in cookies, URLs and headers.
// 32 bytes give 43 characters. Throws std::runtime_error if the CSPRNG fails;
// a weak token must never be handed out instead.
std::string random_token(std::size_t bytes = 32);

// SHA-256 of `data` as 64 lowercase hex digits. Tokens are stored this way so
// that a database leak does not hand out live sessions.
std::string sha256_hex(std::string_view data);

// HMAC-SHA-256 of `data` under `key` as 64 lowercase hex digits.
std::string hmac_sha256_hex(std::string_view key, std::string_view data);

// True when `a` and `b` are equal. The time taken depends on the lengths only,
// never on where the contents differ (CRYPTO_memcmp), so comparing a secret
// against a guess leaks nothing about how close the guess was.
bool constant_time_equal(std::string_view a, std::string_view b);

// A random (version 4, RFC 9562) UUID in canonical lowercase form,
// "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx". Throws like random_token.
std::string new_uuid();

}  // namespace memberd
