#include "passkeys.hpp"

#include <memberd/base64.hpp>
#include <memberd/database.hpp>

namespace memberd::two_step {

namespace {

constexpr std::int64_t kCeremonySeconds = 300;

const char* purpose_name(CeremonyPurpose purpose) {
  switch (purpose) {
    case CeremonyPurpose::register_key: return "register";
    case CeremonyPurpose::sign_in: return "sign_in";
    default: return "second_step";
  }
}

std::string client_hash(Context& ctx, const Request& request) {
  return ctx.host.secrets().sha256_hex(std::string(request.client_ip()) + "\n" + std::string(request.user_agent()));
}

constexpr const char* kColumns =
    "SELECT credential_id, member_id, name, public_key, cose_alg, sign_count, created_at, last_used_at"
    " FROM two_step_passkeys ";

// The rows of `st`, run with `key` bound: typed intos (a soci::row's
// dynamic types differ between the backends for the same column).
Result<std::vector<PasskeyRow>> read_rows(UnitOfWork& work, const std::string& where, const std::string& key) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  std::vector<PasskeyRow> out;
  PasskeyRow row;
  std::string public_key;
  int alg = 0;
  long long count = 0, created = 0, used = 0;
  soci::indicator used_ind = soci::i_null;
  soci::statement st = ((*sql)->prepare << std::string(kColumns) + where, soci::use(key),
                        soci::into(row.credential_id), soci::into(row.member_id), soci::into(row.name),
                        soci::into(public_key), soci::into(alg), soci::into(count), soci::into(created),
                        soci::into(used, used_ind));
  st.execute();
  while (st.fetch()) {
    row.key.public_key = base64_decode(public_key).value_or("");
    row.key.cose_alg = alg;
    row.key.sign_count = static_cast<std::uint32_t>(count);
    row.created_at = created;
    row.last_used_at = used_ind == soci::i_ok ? used : 0;
    out.push_back(row);
  }
  return out;
}

}  // namespace

std::string passkey_user_handle(const Context& ctx, const std::string& member_id) {
  return ctx.box.code_hash("webauthn user handle\n" + member_id).substr(0, 32);
}

Result<std::vector<PasskeyRow>> member_passkeys(UnitOfWork& work, const std::string& member_id, bool lock) {
  bool row_locks = lock && work.backend() == Backend::postgresql;
  return read_rows(work, std::string("WHERE member_id = :m ORDER BY created_at, credential_id") +
                             (row_locks ? " FOR UPDATE" : ""),
                   member_id);
}

Result<std::optional<PasskeyRow>> find_passkey(UnitOfWork& work, const std::string& credential_id) {
  auto rows = read_rows(work, "WHERE credential_id = :c", credential_id);
  if (!rows) return rows.failure();
  if (rows->empty()) return std::optional<PasskeyRow>{};
  return std::optional<PasskeyRow>{std::move(rows->front())};
}

Result<bool> add_passkey(UnitOfWork& work, const PasskeyRow& row) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  std::string key = base64_encode(row.key.public_key, Base64::url);
  long long alg = row.key.cose_alg, count = row.key.sign_count, created = row.created_at;
  soci::statement st = ((*sql)->prepare << "INSERT INTO two_step_passkeys (credential_id, member_id, name, public_key,"
                                           " cose_alg, sign_count, created_at) VALUES (:c, :m, :n, :k, :a, :s, :t)"
                                           " ON CONFLICT (credential_id) DO NOTHING",
                        soci::use(row.credential_id), soci::use(row.member_id), soci::use(row.name), soci::use(key),
                        soci::use(alg), soci::use(count), soci::use(created));
  st.execute(true);
  return st.get_affected_rows() == 1;
}

Result<bool> record_passkey_use(UnitOfWork& work, const std::string& credential_id, std::uint32_t old_count,
                                std::uint32_t new_count, std::int64_t now) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  long long before = old_count, after = new_count, at = now;
  soci::statement st = ((*sql)->prepare << "UPDATE two_step_passkeys SET sign_count = :n, last_used_at = :t"
                                           " WHERE credential_id = :c AND sign_count = :o",
                        soci::use(after), soci::use(at), soci::use(credential_id), soci::use(before));
  st.execute(true);
  return st.get_affected_rows() == 1;
}

Result<bool> rename_passkey(UnitOfWork& work, const std::string& member_id, const std::string& credential_id,
                            const std::string& name) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  soci::statement st = ((*sql)->prepare << "UPDATE two_step_passkeys SET name = :n WHERE credential_id = :c"
                                           " AND member_id = :m",
                        soci::use(name), soci::use(credential_id), soci::use(member_id));
  st.execute(true);
  return st.get_affected_rows() == 1;
}

Result<bool> remove_passkey(UnitOfWork& work, const std::string& member_id, const std::string& credential_id) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  soci::statement st = ((*sql)->prepare << "DELETE FROM two_step_passkeys WHERE credential_id = :c AND member_id = :m",
                        soci::use(credential_id), soci::use(member_id));
  st.execute(true);
  return st.get_affected_rows() == 1;
}

Result<std::string> issue_ceremony_challenge(Context& ctx, const Request& request, CeremonyPurpose purpose,
                                             const std::string& member_id) {
  auto& work = request.work();
  auto sql = work.connection();
  if (!sql) return sql.failure();
  auto token = ctx.host.secrets().random_token(32);
  if (!token) return token.failure();
  long long now = ctx.host.clock().unix_now(), expires = now + kCeremonySeconds;
  **sql << "DELETE FROM two_step_webauthn_challenges WHERE expires_at <= :n", soci::use(now);
  std::string hash = ctx.host.secrets().sha256_hex(*token), client = client_hash(ctx, request),
              what = purpose_name(purpose);
  soci::indicator member_ind = member_id.empty() ? soci::i_null : soci::i_ok;
  **sql << "INSERT INTO two_step_webauthn_challenges (challenge_hash, purpose, member_id, client_hash, expires_at)"
           " VALUES (:h, :p, :m, :c, :e)",
      soci::use(hash), soci::use(what), soci::use(member_id, member_ind), soci::use(client), soci::use(expires);
  return *token;
}

Result<std::optional<std::string>> use_ceremony_challenge(Context& ctx, const Request& request,
                                                          CeremonyPurpose purpose, const std::string& challenge) {
  using Found = std::optional<std::string>;
  if (challenge.empty() || challenge.size() > 128) return Found{};
  auto& work = request.work();
  auto sql = work.connection();
  if (!sql) return sql.failure();
  std::string hash = ctx.host.secrets().sha256_hex(challenge), what = purpose_name(purpose), member, client;
  long long now = ctx.host.clock().unix_now();
  soci::indicator member_ind = soci::i_null;
  {
    // Its own scope: a SELECT left open keeps SQLite's read snapshot, and
    // the DELETE below on the same connection would then fail "database is
    // locked" whenever another connection wrote meanwhile (the benchmark
    // found it).
    soci::statement select = ((*sql)->prepare << "SELECT member_id, client_hash FROM two_step_webauthn_challenges"
                                                 " WHERE challenge_hash = :h AND purpose = :p AND expires_at > :n",
                              soci::use(hash), soci::use(what), soci::use(now), soci::into(member, member_ind),
                              soci::into(client));
    if (!select.execute(true)) return Found{};
  }
  if (!ctx.host.secrets().equal(client, client_hash(ctx, request))) return Found{};
  soci::statement use_up = ((*sql)->prepare << "DELETE FROM two_step_webauthn_challenges WHERE challenge_hash = :h",
                            soci::use(hash));
  use_up.execute(true);
  if (use_up.get_affected_rows() != 1) return Found{};
  return Found{member_ind == soci::i_ok ? member : std::string()};
}

}  // namespace memberd::two_step
