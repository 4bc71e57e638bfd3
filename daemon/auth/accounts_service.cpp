#include "auth/accounts_service.hpp"

#include <memberd/email_address.hpp>
#include "util/crypto.hpp"
#include "util/time_format.hpp"

#include <soci/soci.h>

namespace memberd {

AccountsService::AccountsService(Database& database, const Clock& clock, PasswordHasher& hasher,
                                 SessionStore& sessions)
    : database_(database), clock_(clock), hasher_(hasher), sessions_(sessions) {}

PasswordHash AccountsService::hash_password(std::string_view password) { return PasswordHash(hasher_.hash(password)); }

std::optional<std::string> AccountsService::create_member(soci::session& tx, std::string_view email,
                                                          const PasswordHash& password,
                                                          const std::vector<std::string>& roles) {
  std::string normalized = normalize_email(email);
  auto taken = [&] {
    int count = 0;
    tx << "SELECT COUNT(*) FROM members WHERE email = :e", soci::use(normalized), soci::into(count);
    return count > 0;
  };
  if (taken()) return std::nullopt;

  std::string id = new_uuid();
  const std::string& hash = password.phc();
  long long now = to_unix(clock_.now());
  // Two requests may pass the check above at once; the UNIQUE constraint
  // decides, and the savepoint keeps the caller's transaction usable
  // (PostgreSQL aborts a whole transaction on an error otherwise).
  tx << "SAVEPOINT create_member";
  try {
    tx << "INSERT INTO members (member_id, email, password_hash, created_at, updated_at) VALUES (:id, :e, :h, :c, :u)",
        soci::use(id), soci::use(normalized), soci::use(hash), soci::use(now), soci::use(now);
  } catch (const soci::soci_error&) {
    tx << "ROLLBACK TO SAVEPOINT create_member";
    if (taken()) return std::nullopt;
    throw;
  }
  tx << "RELEASE SAVEPOINT create_member";
  for (std::string role : roles) tx << "INSERT INTO roles (member_id, role) VALUES (:id, :r)", soci::use(id), soci::use(role);
  return id;
}

std::optional<Member> AccountsService::find_where(const char* column, std::string value) {
  auto lease = database_.lease();
  auto& sql = lease->sql();
  Member member;
  long long created = 0;
  soci::indicator ind = soci::i_null;
  sql << (std::string("SELECT member_id, email, created_at FROM members WHERE ") + column + " = :v"),
      soci::use(value), soci::into(member.member_id, ind), soci::into(member.email), soci::into(created);
  if (!sql.got_data() || ind != soci::i_ok) return std::nullopt;
  member.created_at = format_rfc3339(from_unix(created));
  soci::rowset<std::string> roles =
      (sql.prepare << "SELECT role FROM roles WHERE member_id = :m ORDER BY role", soci::use(member.member_id));
  for (const auto& role : roles) member.roles.push_back(role);
  return member;
}

std::optional<Member> AccountsService::find_by_email(std::string_view email) {
  return find_where("email", normalize_email(email));
}

std::optional<Member> AccountsService::find_by_id(std::string_view member_id) {
  return find_where("member_id", std::string(member_id));
}

PasswordCheck AccountsService::verify_password(std::string_view member_id, std::string_view password) {
  std::string id(member_id), hash;
  soci::indicator ind = soci::i_null;
  {
    auto lease = database_.lease();
    lease->sql() << "SELECT password_hash FROM members WHERE member_id = :id", soci::use(id), soci::into(hash, ind);
    if (!lease->sql().got_data()) ind = soci::i_null;
  }
  try {
    if (ind != soci::i_ok) {
      // Same work for an unknown member as for a known one: no timing oracle.
      hasher_.verify_dummy(password);
      return PasswordCheck::wrong;
    }
    if (!hasher_.verify(hash, password)) return PasswordCheck::wrong;
    if (hasher_.needs_rehash(hash)) {
      auto fresh = hash_password(password);
      auto lease = database_.lease();
      set_password(lease->sql(), member_id, fresh);
    }
    return PasswordCheck::ok;
  } catch (const HashingBusy&) {
    return PasswordCheck::busy;
  }
}

void AccountsService::set_password(soci::session& tx, std::string_view member_id, const PasswordHash& password) {
  std::string hash = password.phc(), id(member_id);
  long long now = to_unix(clock_.now());
  tx << "UPDATE members SET password_hash = :h, updated_at = :u WHERE member_id = :id", soci::use(hash),
      soci::use(now), soci::use(id);
}

void AccountsService::set_email(soci::session& tx, std::string_view member_id, std::string_view email) {
  std::string normalized = normalize_email(email), id(member_id);
  long long now = to_unix(clock_.now());
  tx << "UPDATE members SET email = :e, updated_at = :u WHERE member_id = :id", soci::use(normalized),
      soci::use(now), soci::use(id);
  // Sessions carry the email; a cached one would show the old address. (The
  // caller's transaction may not have committed yet: the next read simply
  // goes to the database.)
  sessions_.forget_member(member_id);
}

std::string AccountsService::hash_secret(std::string_view secret) { return hasher_.hash(secret); }

bool AccountsService::verify_secret(std::string_view phc_hash, std::string_view secret) {
  return hasher_.verify(phc_hash, secret);
}

OpenedSession AccountsService::open_session(std::string_view member_id, std::string_view ip,
                                            std::string_view user_agent) {
  return sessions_.open(member_id, ip, user_agent);
}

void AccountsService::revoke_session(std::string_view session_id) { sessions_.revoke(session_id); }

int AccountsService::revoke_sessions(std::string_view member_id, std::string_view except_session_id) {
  return sessions_.revoke_all(member_id, except_session_id);
}

void AccountsService::set_privileged_until(std::string_view session_id, TimePoint until) {
  sessions_.set_privileged_until(session_id, until);
}

void AccountsService::set_locked_until(std::string_view member_id, TimePoint until) {
  std::string id(member_id);
  long long until_s = to_unix(until);
  soci::indicator ind = until_s > 0 ? soci::i_ok : soci::i_null;
  auto lease = database_.lease();
  lease->sql() << "UPDATE members SET locked_until = :l WHERE member_id = :id", soci::use(until_s, ind), soci::use(id);
}

bool AccountsService::role_exists(std::string_view role) {
  std::string r(role);
  int count = 0;
  auto lease = database_.lease();
  lease->sql() << "SELECT COUNT(*) FROM roles WHERE role = :r", soci::use(r), soci::into(count);
  return count > 0;
}

}  // namespace memberd
