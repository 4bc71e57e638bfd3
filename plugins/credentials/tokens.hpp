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

class Tokens {
 public:
  Tokens(const Secrets& secrets, const Clock& clock) : secrets_(secrets), clock_(clock) {}
  // Stores a new token through `work` (in its open transaction) and returns
  // the raw token for the link. Fails: busy, internal (no randomness).
  Result<std::string> issue(UnitOfWork& work, TokenKind kind, const std::string& member_id,
                            std::chrono::seconds lifetime, const std::string& new_email = {});
  // nullopt when no such token of this kind exists. Fails: busy.
  Result<std::optional<TokenRecord>> find(UnitOfWork& work, TokenKind kind, std::string_view token);
  // Marks it used (in the open transaction); false when another request used
  // it first. Fails: busy.
  Result<bool> consume(UnitOfWork& work, const TokenRecord& record);

 private:
  const Secrets& secrets_;
  const Clock& clock_;
};

}  // namespace memberd::credentials
