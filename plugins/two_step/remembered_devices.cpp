#include "remembered_devices.hpp"

#include <memberd/database.hpp>
#include <memberd/session_cookies.hpp>

#include <nlohmann/json.hpp>

namespace memberd::two_step {

Result<std::string> remember_device(Context& ctx, const Request& request, const std::string& member_id) {
  auto& work = request.work();
  auto sql = work.connection();
  if (!sql) return sql.failure();
  auto token = ctx.host.secrets().random_token(32);
  if (!token) return token.failure();
  std::string hash = ctx.host.secrets().sha256_hex(*token), agent(request.user_agent());
  long long now = ctx.host.clock().unix_now(), expires = now + ctx.settings.remember_device_for.count();
  **sql << "INSERT INTO two_step_remembered_devices (token_hash, member_id, user_agent, created_at, expires_at)"
           " VALUES (:h, :m, :a, :c, :e)",
      soci::use(hash), soci::use(member_id), soci::use(agent), soci::use(now), soci::use(expires);
  return *token;
}

void set_remember_cookie(const Context& ctx, Response& response, const std::string& token) {
  // HttpOnly: no script reads it; SameSite=Strict and the API path: it goes
  // nowhere else; Secure when the sessions' cookies are.
  response.headers.emplace_back(
      "Set-Cookie", std::string(kRememberCookie) + "=" + token + "; Path=/api/v1; Max-Age=" +
                        std::to_string(ctx.settings.remember_device_for.count()) + "; HttpOnly; SameSite=Strict" +
                        (ctx.host.secure_cookies() ? "; Secure" : ""));
}

Result<bool> device_remembered(Context& ctx, const Request& request, const std::string& member_id) {
  auto header = request.header("Cookie");
  if (!header) return false;
  auto token = cookie_value(*header, kRememberCookie);
  if (!token || token->empty() || token->size() > 128) return false;
  auto& work = request.work();
  auto sql = work.connection();
  if (!sql) return sql.failure();
  std::string hash = ctx.host.secrets().sha256_hex(*token);
  long long now = ctx.host.clock().unix_now();
  // The hash is the key: no secret byte is compared here.
  soci::statement use = ((*sql)->prepare << "UPDATE two_step_remembered_devices SET last_used_at = :n"
                                            " WHERE token_hash = :h AND member_id = :m AND expires_at > :n2",
                         soci::use(now), soci::use(hash), soci::use(member_id), soci::use(now));
  use.execute(true);
  return use.get_affected_rows() == 1;
}

Result<std::vector<RememberedDevice>> remembered_devices(Context& ctx, UnitOfWork& work, const std::string& member_id) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  std::vector<RememberedDevice> out;
  RememberedDevice row;
  std::string hash;
  long long created = 0, expires = 0, used = 0, now = ctx.host.clock().unix_now();
  soci::indicator used_ind = soci::i_null;
  soci::statement st = ((*sql)->prepare << "SELECT token_hash, user_agent, created_at, expires_at, last_used_at"
                                           " FROM two_step_remembered_devices WHERE member_id = :m AND expires_at > :n"
                                           " ORDER BY created_at DESC",
                        soci::use(member_id), soci::use(now), soci::into(hash), soci::into(row.user_agent),
                        soci::into(created), soci::into(expires), soci::into(used, used_ind));
  st.execute();
  while (st.fetch()) {
    row.id = hash.substr(0, 16);
    row.created_at = created;
    row.expires_at = expires;
    row.last_used_at = used_ind == soci::i_ok ? used : 0;
    out.push_back(row);
  }
  return out;
}

Result<bool> forget_device(UnitOfWork& work, const std::string& member_id, const std::string& id) {
  if (id.size() != 16 || id.find_first_not_of("0123456789abcdef") != std::string::npos) return false;
  auto sql = work.connection();
  if (!sql) return sql.failure();
  std::string prefix = id + "%";
  soci::statement st = ((*sql)->prepare << "DELETE FROM two_step_remembered_devices WHERE member_id = :m"
                                           " AND token_hash LIKE :p",
                        soci::use(member_id), soci::use(prefix));
  st.execute(true);
  return st.get_affected_rows() >= 1;
}

Result<void> forget_devices(UnitOfWork& work, const std::string& member_id) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  **sql << "DELETE FROM two_step_remembered_devices WHERE member_id = :m", soci::use(member_id);
  return {};
}

void forget_devices_on_password_change(Context& ctx) {
  ctx.host.events().subscribe("two_step.password_changes", {"password.changed", "password.reset"},
                              [](const Event& event, UnitOfWork& work) -> Result<void> {
                                auto payload = nlohmann::json::parse(event.payload, nullptr, false);
                                if (!payload.is_object()) return {};
                                auto member_id = payload.value("member_id", "");
                                if (member_id.empty()) return {};
                                return forget_devices(work, member_id);
                              });
}

}  // namespace memberd::two_step
