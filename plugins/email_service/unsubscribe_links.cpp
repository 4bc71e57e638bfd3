#include "unsubscribe_links.hpp"

#include "unsubscribe_token.hpp"

#include <memberd/database.hpp>

namespace memberd::email_service {

namespace {

std::string mac_of(const Context& ctx, const std::string& secret, long long version, std::string_view member_id,
                   std::string_view category_id) {
  return ctx.host.secrets()
      .hmac_sha256(secret, unsubscribe_signed_text(version, member_id, category_id))
      .substr(0, kUnsubscribeMacHexDigits);
}

Failure invalid_link() {
  return Failure{Refusal::not_found, {}, "This unsubscribe link is not valid. Sign in to change the mail you get."};
}

}  // namespace

Result<SigningKey> signing_key(Context& ctx, UnitOfWork& work) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  auto newest = [&]() {
    SigningKey key;
    long long created = 0;
    soci::indicator found = soci::i_null;
    **sql << "SELECT version, secret, created_at FROM email_service_unsubscribe_keys ORDER BY version DESC LIMIT 1",
        soci::into(key.version, found), soci::into(key.secret), soci::into(created);
    return std::make_pair((*sql)->got_data() && found == soci::i_ok ? key : SigningKey{}, created);
  };
  auto [key, created] = newest();
  long long now = ctx.host.clock().unix_now();
  if (key.version > 0 && now - created < ctx.settings.rotate_keys_every.count()) return key;

  auto secret = ctx.host.secrets().random_token(32);
  if (!secret) return secret.failure();
  long long next = key.version + 1;
  // Another daemon may rotate at the same moment: its key wins, ours is dropped.
  **sql << "INSERT INTO email_service_unsubscribe_keys (version, secret, created_at) VALUES (:v, :s, :c)"
           " ON CONFLICT (version) DO NOTHING",
      soci::use(next), soci::use(*secret), soci::use(now);
  **sql << "UPDATE email_service_unsubscribe_keys SET retired_at = :n WHERE version < :v AND retired_at IS NULL",
      soci::use(now), soci::use(next);
  auto rotated = newest().first;
  if (rotated.version == 0) return Failure{Refusal::internal};
  return rotated;
}

std::string unsubscribe_token(const Context& ctx, const SigningKey& key, const std::string& member_id,
                              const std::string& category_id) {
  return unsubscribe_token_text(
      {key.version, member_id, category_id, mac_of(ctx, key.secret, key.version, member_id, category_id)});
}

Result<UnsubscribeClaim> check_unsubscribe_token(Context& ctx, UnitOfWork& work, const std::string& token) {
  // Checked by shape before anything touches the database.
  auto parts = parse_unsubscribe_token(token);
  if (!parts) return invalid_link();
  const long long version = parts->version;
  auto sql = work.connection();
  if (!sql) return sql.failure();
  std::string secret;
  long long retired_at = 0;
  soci::indicator found = soci::i_null, retired = soci::i_null;
  **sql << "SELECT secret, retired_at FROM email_service_unsubscribe_keys WHERE version = :v", soci::use(version),
      soci::into(secret, found), soci::into(retired_at, retired);
  if (!(*sql)->got_data() || found != soci::i_ok) return invalid_link();
  if (!ctx.host.secrets().equal(mac_of(ctx, secret, version, parts->member_id, parts->category_id), parts->mac))
    return invalid_link();
  if (retired == soci::i_ok && ctx.host.clock().unix_now() > retired_at + ctx.settings.keys_accepted_for.count())
    return Failure{Refusal::gone, {},
                   "This unsubscribe link is too old. Sign in and choose the mail you get under Email Service."};
  return UnsubscribeClaim{parts->member_id, parts->category_id};
}

}  // namespace memberd::email_service
