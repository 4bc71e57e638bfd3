#include "tokens.hpp"

#include <memberd/database.hpp>
#include <memberd/problem.hpp>

namespace memberd::credentials {

namespace {

const char* kind_name(TokenKind kind) {
  switch (kind) {
    case TokenKind::reset: return "reset";
    case TokenKind::verify_email: return "verify_email";
    case TokenKind::confirm_email: return "confirm_email";
  }
  return "unknown";
}

}  // namespace

Result<std::string> Tokens::issue(UnitOfWork& work, TokenKind kind, const std::string& member_id,
                                  std::chrono::seconds lifetime, const std::string& new_email,
                                  const std::string& session_id) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  auto token = secrets_.random_token(32);
  if (!token) return token.failure();
  std::string hash = secrets_.sha256_hex(*token), kind_text = kind_name(kind);
  long long now = clock_.unix_now(), expires = now + lifetime.count();
  // Issuing is when the table grows, so it is also when it shrinks: every
  // token that expired over an hour ago (used or not; an expired link is
  // refused either way) goes, whoever it was for. The hour keeps a link
  // that just expired answering "expired" rather than "unknown".
  long long purge_before = now - 3600;
  **sql << "DELETE FROM credentials_tokens WHERE expires_at < :p", soci::use(purge_before);
  **sql << "INSERT INTO credentials_tokens (token_hash, kind, member_id, new_email, session_id, created_at, expires_at)"
           " VALUES (:h, :k, :m, :e, :s, :c, :x)",
      soci::use(hash), soci::use(kind_text), soci::use(member_id), soci::use(new_email), soci::use(session_id),
      soci::use(now), soci::use(expires);
  return token;
}

Result<std::optional<TokenRecord>> Tokens::find(UnitOfWork& work, TokenKind kind, std::string_view token) {
  using Found = std::optional<TokenRecord>;
  if (token.empty() || token.size() > 128) return Found{};
  auto connection = work.connection();
  if (!connection) return connection.failure();
  auto& sql = **connection;
  TokenRecord record;
  record.token_hash = secrets_.sha256_hex(token);
  std::string kind_text = kind_name(kind);
  long long expires = 0, used_at = 0;
  soci::indicator found = soci::i_null, used = soci::i_null;
  sql << "SELECT member_id, new_email, session_id, expires_at, used_at FROM credentials_tokens"
         " WHERE token_hash = :h AND kind = :k",
      soci::use(record.token_hash), soci::use(kind_text), soci::into(record.member_id, found),
      soci::into(record.new_email), soci::into(record.session_id), soci::into(expires), soci::into(used_at, used);
  if (!sql.got_data() || found != soci::i_ok) return Found{};
  record.used = used == soci::i_ok;
  record.expired = clock_.unix_now() >= expires;
  return Found{std::move(record)};
}

Result<std::optional<LiveToken>> Tokens::newest_live(UnitOfWork& work, TokenKind kind, const std::string& member_id,
                                                     bool lock) {
  using Found = std::optional<LiveToken>;
  auto connection = work.connection();
  if (!connection) return connection.failure();
  auto& sql = **connection;
  std::string kind_text = kind_name(kind);
  long long now = clock_.unix_now(), created = 0, expires = 0;
  LiveToken live;
  soci::indicator found = soci::i_null;
  const bool row_lock = lock && work.backend() == Backend::postgresql;
  sql << std::string("SELECT new_email, session_id, created_at, expires_at FROM credentials_tokens"
                     " WHERE member_id = :m AND kind = :k AND used_at IS NULL AND expires_at > :n"
                     " ORDER BY created_at DESC, expires_at DESC LIMIT 1") +
             (row_lock ? " FOR UPDATE" : ""),
      soci::use(member_id), soci::use(kind_text), soci::use(now), soci::into(live.new_email, found),
      soci::into(live.session_id), soci::into(created), soci::into(expires);
  if (!sql.got_data() || found != soci::i_ok) return Found{};
  live.created_at = created;
  live.expires_at = expires;
  return Found{std::move(live)};
}

Result<bool> Tokens::consume(UnitOfWork& work, const TokenRecord& record) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  long long now = clock_.unix_now();
  soci::statement st =
      ((*sql)->prepare << "UPDATE credentials_tokens SET used_at = :n WHERE token_hash = :h AND used_at IS NULL",
       soci::use(now), soci::use(record.token_hash));
  st.execute(true);
  return st.get_affected_rows() == 1;
}

Result<int> Tokens::revoke_all(UnitOfWork& work, const std::string& member_id, std::optional<TokenKind> kind) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  long long now = clock_.unix_now();
  std::string kind_text = kind ? kind_name(*kind) : "";
  soci::statement st =
      kind ? ((*sql)->prepare << "UPDATE credentials_tokens SET used_at = :n WHERE member_id = :m AND kind = :k"
                                 " AND used_at IS NULL",
              soci::use(now), soci::use(member_id), soci::use(kind_text))
           : ((*sql)->prepare << "UPDATE credentials_tokens SET used_at = :n WHERE member_id = :m AND used_at IS NULL",
              soci::use(now), soci::use(member_id));
  st.execute(true);
  return static_cast<int>(st.get_affected_rows());
}

std::variant<TokenRecord, Response> usable_token(Tokens& tokens, UnitOfWork& work, TokenKind kind,
                                                 std::string_view token, std::string_view unknown,
                                                 std::string_view dead) {
  auto record = tokens.find(work, kind, token);
  if (!record) return refusal_problem(record.failure());
  if (!*record) return problem(404, "not_found", "Unknown link", std::string(unknown));
  if ((*record)->used || (*record)->expired) return problem(410, "gone", "Link used or expired", std::string(dead));
  return **record;
}

}  // namespace memberd::credentials
