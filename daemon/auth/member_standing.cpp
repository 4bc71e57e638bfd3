#include "auth/member_standing.hpp"

#include "auth/session_store.hpp"

#include <soci/soci.h>

#include <string>

namespace memberd {

namespace {

// What the caller reads of a member before changing their standing.
struct Standing {
  bool found = false;
  bool disabled = false;
  bool admin = false;
};

Failure no_such_member() { return Failure{Refusal::not_found, {}, "There is no such member."}; }

// Changes to who is an enabled admin take turns: two admins removing each
// other at once must not both succeed. SQLite's write transaction already
// holds the one writer's lock; PostgreSQL takes a lock of its own for the
// rest of the transaction (the key is arbitrary but fixed: "memberd admins").
void take_admin_turn(UnitOfWork& work, soci::session& sql) {
  if (work.backend() == Backend::postgresql) sql << "SELECT pg_advisory_xact_lock(7306541)";
}

Standing read_standing(soci::session& sql, const std::string& member) {
  Standing s;
  long long disabled_at = 0;
  soci::indicator disabled_ind = soci::i_null;
  std::string found;
  sql << "SELECT member_id, disabled_at FROM members WHERE member_id = :m", soci::use(member), soci::into(found),
      soci::into(disabled_at, disabled_ind);
  if (!sql.got_data()) return s;
  s.found = true;
  s.disabled = disabled_ind == soci::i_ok;
  long long admin = 0;
  sql << "SELECT COUNT(*) FROM roles WHERE member_id = :m AND role = 'admin'", soci::use(member), soci::into(admin);
  s.admin = admin > 0;
  return s;
}

// The admins who can use the console now and later: not disabled, and not
// on their way out (an account set to close).
long long enabled_admins(soci::session& sql) {
  long long count = 0;
  sql << "SELECT COUNT(*) FROM roles r JOIN members m ON m.member_id = r.member_id"
         " WHERE r.role = 'admin' AND m.disabled_at IS NULL AND m.closes_at IS NULL",
      soci::into(count);
  return count;
}

Failure last_admin() {
  return Failure{Refusal::conflict, {},
                 "This is the only enabled admin. Make another member an admin first, so that someone can still "
                 "use the console."};
}

// Takes the admins' turn, reads the member's standing and hands it to
// `change` (in the caller's open transaction); an unknown member: not_found.
template <typename Change>
Result<bool> with_standing(UnitOfWork& work, std::string_view member_id, Change&& change) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  take_admin_turn(work, **sql);
  const std::string member(member_id);
  auto standing = read_standing(**sql, member);
  if (!standing.found) return no_such_member();
  return change(**sql, standing, member);
}

}  // namespace

Result<void> refuse_if_disabled(UnitOfWork& work, std::string_view member_id, long long now) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  std::string member(member_id);
  long long disabled_at = 0, closes_at = 0;
  soci::indicator disabled = soci::i_null, closing = soci::i_null;
  **sql << (work.backend() == Backend::postgresql
                ? "SELECT disabled_at, closes_at FROM members WHERE member_id = :m FOR UPDATE"
                : "SELECT disabled_at, closes_at FROM members WHERE member_id = :m"),
      soci::use(member), soci::into(disabled_at, disabled), soci::into(closes_at, closing);
  if (!(*sql)->got_data()) return {};
  if (disabled == soci::i_ok) return Failure{Refusal::disabled, {}, ""};
  // Its closing day has come: the erasure may be under way (api/account_closure.hpp).
  if (closing == soci::i_ok && closes_at <= now)
    return Failure{Refusal::disabled, {}, "This account is being closed, as its owner asked."};
  return {};
}

Result<void> refuse_last_admin(UnitOfWork& work, std::string_view member_id) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  take_admin_turn(work, **sql);
  auto standing = read_standing(**sql, std::string(member_id));
  if (standing.admin && !standing.disabled && enabled_admins(**sql) <= 1) return last_admin();
  return {};
}

Result<bool> MemberStanding::disable(UnitOfWork& work, std::string_view member_id, long long now) {
  return with_standing(work, member_id, [&](soci::session& sql, const Standing& standing,
                                            const std::string& member) -> Result<bool> {
    if (standing.disabled) return false;
    if (standing.admin && enabled_admins(sql) <= 1) return last_admin();
    sql << "UPDATE members SET disabled_at = :n, updated_at = :u WHERE member_id = :m", soci::use(now),
        soci::use(now), soci::use(member);
    // Every session ends with it; revoke_all has every daemon forget them.
    auto ended = sessions_.revoke_all(work, member, "");
    if (!ended) return ended.failure();
    if (auto forgotten = sessions_.member_changed(work, member); !forgotten) return forgotten.failure();
    return true;
  });
}

Result<bool> MemberStanding::enable(UnitOfWork& work, std::string_view member_id) {
  return with_standing(work, member_id, [&](soci::session& sql, const Standing& standing,
                                            const std::string& member) -> Result<bool> {
    if (!standing.disabled) return false;
    sql << "UPDATE members SET disabled_at = NULL WHERE member_id = :m", soci::use(member);
    return true;
  });
}

Result<bool> MemberStanding::grant_admin(UnitOfWork& work, std::string_view member_id) {
  return with_standing(work, member_id, [&](soci::session& sql, const Standing& standing,
                                            const std::string& member) -> Result<bool> {
    if (standing.admin) return false;
    sql << "INSERT INTO roles (member_id, role) VALUES (:m, 'admin')", soci::use(member);
    // Sessions carry the roles: cached ones would still refuse the console.
    if (auto forgotten = sessions_.member_changed(work, member); !forgotten) return forgotten.failure();
    return true;
  });
}

Result<bool> MemberStanding::remove_admin(UnitOfWork& work, std::string_view member_id) {
  return with_standing(work, member_id, [&](soci::session& sql, const Standing& standing,
                                            const std::string& member) -> Result<bool> {
    if (!standing.admin) return false;
    if (!standing.disabled && enabled_admins(sql) <= 1) return last_admin();
    sql << "DELETE FROM roles WHERE member_id = :m AND role = 'admin'", soci::use(member);
    if (auto forgotten = sessions_.member_changed(work, member); !forgotten) return forgotten.failure();
    return true;
  });
}

}  // namespace memberd
