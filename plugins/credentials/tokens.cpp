#include "tokens.hpp"

#include <memberd/base64.hpp>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <soci/soci.h>

#include <stdexcept>

namespace memberd::credentials {

namespace {

const char* kind_name(TokenKind kind) { return kind == TokenKind::reset ? "reset" : "verify_email"; }

}  // namespace

std::string new_token() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("the random number generator failed");
  return base64_encode(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes), Base64::url);
}

std::string token_hash(std::string_view token) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned length = 0;
  EVP_Digest(token.data(), token.size(), digest, &length, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < length; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

std::string Tokens::issue(soci::session& tx, TokenKind kind, const std::string& member_id,
                          std::chrono::seconds lifetime, const std::string& new_email) {
  std::string token = new_token(), hash = token_hash(token), kind_text = kind_name(kind);
  long long now = clock_.unix_now(), expires = now + lifetime.count();
  tx << "INSERT INTO credentials_tokens (token_hash, kind, member_id, new_email, created_at, expires_at)"
        " VALUES (:h, :k, :m, :e, :c, :x)",
      soci::use(hash), soci::use(kind_text), soci::use(member_id), soci::use(new_email), soci::use(now),
      soci::use(expires);
  return token;
}

std::optional<TokenRecord> Tokens::find(TokenKind kind, std::string_view token) {
  if (token.empty() || token.size() > 128) return std::nullopt;
  TokenRecord record;
  record.token_hash = token_hash(token);
  std::string kind_text = kind_name(kind);
  long long expires = 0, used_at = 0;
  soci::indicator found = soci::i_null, used = soci::i_null;
  auto lease = database_.lease();
  auto& sql = lease->sql();
  sql << "SELECT member_id, new_email, expires_at, used_at FROM credentials_tokens WHERE token_hash = :h AND kind = :k",
      soci::use(record.token_hash), soci::use(kind_text), soci::into(record.member_id, found),
      soci::into(record.new_email), soci::into(expires), soci::into(used_at, used);
  if (!sql.got_data() || found != soci::i_ok) return std::nullopt;
  record.used = used == soci::i_ok;
  record.expired = clock_.unix_now() >= expires;
  return record;
}

bool Tokens::consume(soci::session& tx, const TokenRecord& record) {
  long long now = clock_.unix_now();
  soci::statement st = (tx.prepare << "UPDATE credentials_tokens SET used_at = :n WHERE token_hash = :h AND used_at IS NULL",
                        soci::use(now), soci::use(record.token_hash));
  st.execute(true);
  return st.get_affected_rows() == 1;
}

}  // namespace memberd::credentials
