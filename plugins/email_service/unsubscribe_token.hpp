#pragma once
// The text of an unsubscribe token, apart from keys and the database: its
// shape and the bytes its mac signs (unsubscribe_links.hpp adds the keys).
// Kept free of the host so the fuzz target (tests/fuzz) reads tokens
// exactly as the plugin does.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace memberd::email_service {

// 128 bits of HMAC-SHA-256 as lower-case hex: forging stays out of reach,
// links stay short.
inline constexpr std::size_t kUnsubscribeMacHexDigits = 32;

struct UnsubscribeTokenParts {
  long long version = 0;  // the signing key's
  std::string member_id;
  std::string category_id;
  std::string mac;  // kUnsubscribeMacHexDigits lower-case hex digits
};

// What the mac is taken over: domain-separated and newline-joined, so no two
// claims sign the same bytes.
std::string unsubscribe_signed_text(long long version, std::string_view member_id, std::string_view category_id);

// "<version>.<member_id>.<category_id>.<mac>".
std::string unsubscribe_token_text(const UnsubscribeTokenParts& parts);

// The parts of a token of the right shape, checked before anything touches
// the database: a key version of 1 to 9 digits without a leading zero (as
// the signer writes it, so no two tokens carry one claim), a member id of at
// most 36 hex digits and dashes, a category id of at most 40 of [a-z0-9_], a
// mac of exactly kUnsubscribeMacHexDigits lower-case hex digits; nullopt
// otherwise.
std::optional<UnsubscribeTokenParts> parse_unsubscribe_token(std::string_view token);

}  // namespace memberd::email_service
