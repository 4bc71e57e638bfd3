#pragma once
// Single-use tokens sent by mail (password resets, email verifications,
// confirmations of the address a member joined with):
// 32 random bytes, base64url in the link, only their SHA-256 stored.
#include <memberd/host.hpp>
#include <memberd/response.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace memberd::credentials {

// confirm_email: the link in the welcome mail (and its resends); new_email
// holds the address it was sent to.
enum class TokenKind { reset, verify_email, confirm_email };

struct TokenRecord {
  std::string token_hash, member_id, new_email, session_id;
  bool expired = false, used = false;
};

// A member's newest link of a kind that can still be used: an email
// change waiting for its link, as the member's page shows it.
struct LiveToken {
  std::string new_email, session_id;
  std::int64_t created_at = 0, expires_at = 0;  // Unix seconds
};

class Tokens {
 public:
  Tokens(const Secrets& secrets, const Clock& clock) : secrets_(secrets), clock_(clock) {}
  // Stores a new token through `work` (in its open transaction) and returns
  // the raw token for the link. Fails: busy, internal (no randomness).
  // `session_id`: the session that asked (email changes), for signing out
  // the member's other sessions once the link is used.
  Result<std::string> issue(UnitOfWork& work, TokenKind kind, const std::string& member_id,
                            std::chrono::seconds lifetime, const std::string& new_email = {},
                            const std::string& session_id = {});
  // nullopt when no such token of this kind exists. Fails: busy.
  Result<std::optional<TokenRecord>> find(UnitOfWork& work, TokenKind kind, std::string_view token);
  // The member's newest unused, unexpired token of `kind`, or nullopt.
  // `lock`: inside a write transaction, its row stays as read until the
  // commit (FOR UPDATE on PostgreSQL; SQLite's writer holds the database),
  // so a concurrent use, cancel or newer token waits. DB: reads. Fails: busy.
  Result<std::optional<LiveToken>> newest_live(UnitOfWork& work, TokenKind kind, const std::string& member_id,
                                               bool lock = false);
  // Marks it used (in the open transaction); false when another request used
  // it first. Fails: busy.
  Result<bool> consume(UnitOfWork& work, const TokenRecord& record);
  // Ends every outstanding token of the member (of one kind, or all): a
  // reset, a password change or an email change leaves no older link that
  // could undo it. In the open transaction. Fails: busy.
  // Returns how many it ended.
  Result<int> revoke_all(UnitOfWork& work, const std::string& member_id, std::optional<TokenKind> kind = {});

 private:
  const Secrets& secrets_;
  const Clock& clock_;
};

// An emailed link's record when it can still be used, else the answer:
// 404 for a link that never was (`unknown`), 410 for one used or expired
// (`dead`: what to do instead), 503 when the lookup failed. One place for
// the reset, email-verification and address-confirmation links alike.
std::variant<TokenRecord, Response> usable_token(Tokens& tokens, UnitOfWork& work, TokenKind kind,
                                                 std::string_view token, std::string_view unknown,
                                                 std::string_view dead);

}  // namespace memberd::credentials
