#pragma once
// Single-use tokens sent by mail (password resets, email verifications):
// 32 random bytes, base64url in the link, only their SHA-256 stored.
#include <memberd/host.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace memberd::credentials {

enum class TokenKind { reset, verify_email };

struct TokenRecord {
  std::string token_hash, member_id, new_email;
  bool expired = false, used = false;
};

std::string new_token();
std::string token_hash(std::string_view token);

class Tokens {
 public:
  Tokens(Database& database, const Clock& clock) : database_(database), clock_(clock) {}
  // Stores a new token in `tx` and returns the raw token for the link.
  std::string issue(soci::session& tx, TokenKind kind, const std::string& member_id, std::chrono::seconds lifetime,
                    const std::string& new_email = {});
  // nullopt when no such token of this kind exists.
  std::optional<TokenRecord> find(TokenKind kind, std::string_view token);
  // Marks it used inside `tx`; false when another request used it first.
  bool consume(soci::session& tx, const TokenRecord& record);

 private:
  Database& database_;
  const Clock& clock_;
};

}  // namespace memberd::credentials
