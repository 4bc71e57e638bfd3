#include "factors.hpp"

#include "recovery_codes.hpp"

#include <memberd/database.hpp>

namespace memberd::two_step {

Result<FactorState> read_factors(UnitOfWork& work, const std::string& member_id) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  FactorState state;
  soci::indicator confirmed_ind = soci::i_null, used_ind = soci::i_null;
  long long added = 0, confirmed = 0, used = 0;
  soci::statement app = ((*sql)->prepare << "SELECT created_at, confirmed_at, last_used_at FROM two_step_totp"
                                            " WHERE member_id = :m",
                         soci::use(member_id), soci::into(added), soci::into(confirmed, confirmed_ind),
                         soci::into(used, used_ind));
  if (app.execute(true)) {
    state.app_on = confirmed_ind == soci::i_ok;
    state.app_pending = !state.app_on;
    state.app_added = state.app_on ? confirmed : added;
    state.app_last_used = used_ind == soci::i_ok ? used : 0;
  }
  long long left = 0, made = 0;
  soci::indicator made_ind = soci::i_null;
  **sql << "SELECT COUNT(CASE WHEN used_at IS NULL THEN 1 END), MAX(created_at) FROM two_step_recovery_codes"
           " WHERE member_id = :m",
      soci::use(member_id), soci::into(left), soci::into(made, made_ind);
  state.codes_left = static_cast<int>(left);
  state.codes_made = made_ind == soci::i_ok ? made : 0;
  return state;
}

Result<std::optional<AppSecret>> read_app_secret(const Context& ctx, UnitOfWork& work, const std::string& member_id) {
  using Found = std::optional<AppSecret>;
  auto sql = work.connection();
  if (!sql) return sql.failure();
  std::string sealed;
  long long last_counter = -1;
  soci::indicator confirmed_ind = soci::i_null;
  long long confirmed = 0;
  soci::statement st = ((*sql)->prepare << "SELECT secret_sealed, last_counter, confirmed_at FROM two_step_totp"
                                           " WHERE member_id = :m",
                        soci::use(member_id), soci::into(sealed), soci::into(last_counter),
                        soci::into(confirmed, confirmed_ind));
  if (!st.execute(true)) return Found{};
  auto secret = ctx.box.open(sealed, member_id);
  if (!secret) {
    ctx.host.logger().error("an authenticator secret does not open under the configured key",
                            {{"member_id", member_id}});
    return Found{};
  }
  return Found{AppSecret{std::move(*secret), last_counter, confirmed_ind == soci::i_ok}};
}

Result<bool> store_pending_app(const Context& ctx, UnitOfWork& work, const std::string& member_id,
                               const std::string& secret, std::int64_t now) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  std::string sealed = ctx.box.seal(secret, member_id);
  long long at = now;
  soci::statement st = ((*sql)->prepare << "INSERT INTO two_step_totp (member_id, secret_sealed, created_at)"
                                           " VALUES (:m, :s, :c) ON CONFLICT (member_id) DO UPDATE"
                                           " SET secret_sealed = excluded.secret_sealed, created_at = excluded.created_at,"
                                           " last_counter = -1 WHERE two_step_totp.confirmed_at IS NULL",
                        soci::use(member_id), soci::use(sealed), soci::use(at));
  st.execute(true);
  return st.get_affected_rows() == 1;
}

Result<bool> use_app_step(UnitOfWork& work, const std::string& member_id, std::int64_t counter, bool confirming,
                          std::int64_t now) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  long long step = counter, at = now;
  soci::statement st =
      confirming
          ? ((*sql)->prepare << "UPDATE two_step_totp SET last_counter = :c, last_used_at = :n, confirmed_at = :n2"
                                " WHERE member_id = :m AND last_counter < :c2 AND confirmed_at IS NULL",
             soci::use(step), soci::use(at), soci::use(at), soci::use(member_id), soci::use(step))
          : ((*sql)->prepare << "UPDATE two_step_totp SET last_counter = :c, last_used_at = :n"
                                " WHERE member_id = :m AND last_counter < :c2 AND confirmed_at IS NOT NULL",
             soci::use(step), soci::use(at), soci::use(member_id), soci::use(step));
  st.execute(true);
  return st.get_affected_rows() == 1;
}

Result<void> replace_recovery_codes(const Context& ctx, UnitOfWork& work, const std::string& member_id,
                                    const std::vector<std::string>& codes, std::int64_t now) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  **sql << "DELETE FROM two_step_recovery_codes WHERE member_id = :m", soci::use(member_id);
  long long at = now;
  for (const auto& code : codes) {
    std::string hash = ctx.box.code_hash(*normalize_recovery_code(code));
    **sql << "INSERT INTO two_step_recovery_codes (member_id, code_hash, created_at) VALUES (:m, :h, :c)",
        soci::use(member_id), soci::use(hash), soci::use(at);
  }
  return {};
}

Result<bool> use_recovery_code(const Context& ctx, UnitOfWork& work, const std::string& member_id,
                               const std::string& normalized_code, std::int64_t now) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  std::string hash = ctx.box.code_hash(normalized_code);
  long long at = now;
  // The hash is the row's key: the lookup compares no secret byte by byte.
  soci::statement st = ((*sql)->prepare << "UPDATE two_step_recovery_codes SET used_at = :n"
                                           " WHERE member_id = :m AND code_hash = :h AND used_at IS NULL",
                        soci::use(at), soci::use(member_id), soci::use(hash));
  st.execute(true);
  return st.get_affected_rows() == 1;
}

namespace {

// Deletes the member's factors and remembered browsers; an app still being
// set up stays when `keep_pending_app`. True when a factor went.
Result<bool> delete_factors(UnitOfWork& work, const std::string& member_id, bool keep_pending_app) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  bool removed = false;
  for (const char* statement :
       {keep_pending_app ? "DELETE FROM two_step_totp WHERE member_id = :m AND confirmed_at IS NOT NULL"
                         : "DELETE FROM two_step_totp WHERE member_id = :m",
        "DELETE FROM two_step_recovery_codes WHERE member_id = :m", "DELETE FROM two_step_passkeys WHERE member_id = :m"}) {
    soci::statement st = ((*sql)->prepare << statement, soci::use(member_id));
    st.execute(true);
    removed = removed || st.get_affected_rows() > 0;
  }
  **sql << "DELETE FROM two_step_remembered_devices WHERE member_id = :m", soci::use(member_id);
  return removed;
}

}  // namespace

Result<void> forget_stale_factors(UnitOfWork& work, const std::string& member_id) {
  auto removed = delete_factors(work, member_id, true);
  if (!removed) return removed.failure();
  return {};
}

Result<bool> remove_factors(UnitOfWork& work, const std::string& member_id) {
  return delete_factors(work, member_id, false);
}

}  // namespace memberd::two_step
