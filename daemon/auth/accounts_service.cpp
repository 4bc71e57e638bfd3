#include "auth/accounts_service.hpp"

#include "auth/email_identity.hpp"
#include "auth/password_rules.hpp"
#include "storage/pooled_unit.hpp"
#include "storage/service_boundary.hpp"
#include "storage/unit_sql.hpp"
#include "util/crypto.hpp"
#include "util/time_format.hpp"

#include <memberd/email_address.hpp>

#include <soci/soci.h>

#include <algorithm>

namespace memberd {

namespace {

Failure hashing_busy() { return busy(std::chrono::seconds{1}, "Too many sign-ins at once; try again shortly."); }

Failure email_taken() { return Failure{Refusal::taken, {}, "This address is already registered."}; }

bool email_held_by_other(soci::session& sql, const std::string& email, const std::string& member_id) {
  int count = 0;
  sql << "SELECT COUNT(*) FROM members WHERE email = :e AND member_id <> :m", soci::use(email), soci::use(member_id),
      soci::into(count);
  return count > 0;
}

// Runs `write` so that a UNIQUE violation on members.email becomes `taken`
// and leaves an open transaction usable: inside one, a savepoint (PostgreSQL
// aborts the whole transaction on an error otherwise); outside, the statement
// commits or fails alone.
template <typename Write>
Result<void> guarding_unique_email(UnitOfWork& work, soci::session& sql, const std::string& email,
                                   const std::string& member_id, Write&& write) {
  if (email_held_by_other(sql, email, member_id)) return email_taken();
  bool savepoint = work.in_transaction();
  if (savepoint) sql << "SAVEPOINT unique_email";
  try {
    write();
  } catch (const soci::soci_error&) {
    // Two requests may pass the check above at once; the constraint decides.
    if (savepoint) sql << "ROLLBACK TO SAVEPOINT unique_email";
    if (email_held_by_other(sql, email, member_id)) return email_taken();
    throw;
  }
  if (savepoint) sql << "RELEASE SAVEPOINT unique_email";
  return {};
}

}  // namespace

AccountsService::AccountsService(const Clock& clock, PasswordHasher& hasher, SessionStore& sessions, LogSink& log)
    : clock_(clock), hasher_(hasher), sessions_(sessions), log_(log) {}

template <typename Hashing>
auto AccountsService::hashing(UnitOfWork& work, const char* call, Hashing&& hash) -> Result<decltype(hash())> {
  require_no_transaction(work, call);
  // ~25 ms (more while queued) without the database: give the connection back.
  if (auto* pooled = as_pooled(work)) pooled->park();
  try {
    return hash();
  } catch (const HashingBusy&) {
    return hashing_busy();
  }
}

Result<PasswordHash> AccountsService::hash_password(UnitOfWork& work, std::string_view password) {
  return service_call(log_, "Accounts::hash_password", work, [&]() -> Result<PasswordHash> {
    auto phc = hashing(work, "Accounts::hash_password", [&] { return hasher_.hash(normalize_password(password)); });
    if (!phc) return phc.failure();
    return PasswordHash(std::move(*phc));
  });
}

Result<std::string> AccountsService::create_member(UnitOfWork& work, std::string_view email,
                                                   const PasswordHash& password,
                                                   const std::vector<std::string>& roles) {
  return service_call(log_, "Accounts::create_member", work, [&]() -> Result<std::string> {
    std::string normalized = canonical_email(email);
    std::string id = new_uuid();
    return atomically(work, [&](soci::session& sql) -> Result<std::string> {
      const std::string& hash = password.phc();
      long long now = to_unix(clock_.now());
      auto inserted = guarding_unique_email(work, sql, normalized, id, [&] {
        sql << "INSERT INTO members (member_id, email, password_hash, created_at, updated_at) VALUES (:id, :e, :h, :c, :u)",
            soci::use(id), soci::use(normalized), soci::use(hash), soci::use(now), soci::use(now);
      });
      if (!inserted) return inserted.failure();
      for (std::string role : roles)
        sql << "INSERT INTO roles (member_id, role) VALUES (:id, :r)", soci::use(id), soci::use(role);
      return id;
    });
  });
}

Result<Member> AccountsService::find_where(UnitOfWork& work, const char* column, std::string value) {
  auto connection = work.connection();
  if (!connection) return connection.failure();
  auto& sql = **connection;
  Member member;
  long long created = 0;
  soci::indicator ind = soci::i_null;
  sql << (std::string("SELECT member_id, email, created_at FROM members WHERE ") + column + " = :v"),
      soci::use(value), soci::into(member.member_id, ind), soci::into(member.email), soci::into(created);
  if (!sql.got_data() || ind != soci::i_ok) return Failure{Refusal::not_found, {}, "There is no such member."};
  member.created_at = format_rfc3339(from_unix(created));
  soci::rowset<std::string> roles =
      (sql.prepare << "SELECT role FROM roles WHERE member_id = :m ORDER BY role", soci::use(member.member_id));
  for (const auto& role : roles) member.roles.push_back(role);
  return member;
}

Result<std::vector<Member>> AccountsService::find_by_ids(UnitOfWork& work, const std::vector<std::string>& member_ids) {
  return service_call(log_, "Accounts::find_by_ids", work, [&]() -> Result<std::vector<Member>> {
    constexpr std::size_t kMaxIds = 500;
    if (member_ids.size() > kMaxIds) throw std::invalid_argument("Accounts::find_by_ids takes at most 500 ids");
    std::vector<Member> members;
    if (member_ids.empty()) return members;
    auto connection = work.connection();
    if (!connection) return connection.failure();
    auto& sql = **connection;
    std::string in = "(";
    for (std::size_t i = 0; i < member_ids.size(); ++i) in += (i ? ", :i" : ":i") + std::to_string(i);
    in += ")";
    auto bind_ids = [&](soci::statement& st) {
      for (const auto& id : member_ids) st.exchange(soci::use(id));
    };
    {
      Member row;
      long long created = 0;
      soci::statement st(sql);
      bind_ids(st);
      st.exchange(soci::into(row.member_id));
      st.exchange(soci::into(row.email));
      st.exchange(soci::into(created));
      st.alloc();
      st.prepare("SELECT member_id, email, created_at FROM members WHERE member_id IN " + in + " ORDER BY member_id");
      st.define_and_bind();
      if (st.execute(true)) {
        do {
          row.created_at = format_rfc3339(from_unix(created));
          members.push_back(row);
        } while (st.fetch());
      }
    }
    {
      std::string member_id, role;
      soci::statement st(sql);
      bind_ids(st);
      st.exchange(soci::into(member_id));
      st.exchange(soci::into(role));
      st.alloc();
      st.prepare("SELECT member_id, role FROM roles WHERE member_id IN " + in + " ORDER BY member_id, role");
      st.define_and_bind();
      if (st.execute(true)) {
        do {
          auto at = std::lower_bound(members.begin(), members.end(), member_id,
                                     [](const Member& m, const std::string& id) { return m.member_id < id; });
          if (at != members.end() && at->member_id == member_id) at->roles.push_back(role);
        } while (st.fetch());
      }
    }
    return members;
  });
}

Result<std::vector<Member>> AccountsService::members_after(UnitOfWork& work, std::string_view after_member_id,
                                                          int limit) {
  return service_call(log_, "Accounts::members_after", work, [&]() -> Result<std::vector<Member>> {
    if (limit < 1 || limit > 1000) throw std::invalid_argument("Accounts::members_after takes a limit of 1 to 1000");
    auto connection = work.connection();
    if (!connection) return connection.failure();
    std::vector<std::string> ids(static_cast<std::size_t>(limit));
    std::string after(after_member_id);
    **connection << "SELECT member_id FROM members WHERE member_id > :a ORDER BY member_id LIMIT " + std::to_string(limit),
        soci::use(after), soci::into(ids);
    // Their emails and roles as find_by_ids reads them, at most 500 at a time.
    std::vector<Member> members;
    for (std::size_t start = 0; start < ids.size(); start += 500) {
      std::vector<std::string> chunk(ids.begin() + static_cast<long>(start),
                                     ids.begin() + static_cast<long>(std::min(ids.size(), start + 500)));
      auto found = find_by_ids(work, chunk);
      if (!found) return found.failure();
      members.insert(members.end(), found->begin(), found->end());
    }
    return members;
  });
}

Result<std::int64_t> AccountsService::member_count(UnitOfWork& work) {
  return service_call(log_, "Accounts::member_count", work, [&]() -> Result<std::int64_t> {
    auto connection = work.connection();
    if (!connection) return connection.failure();
    long long count = 0;
    **connection << "SELECT COUNT(*) FROM members", soci::into(count);
    return static_cast<std::int64_t>(count);
  });
}

Result<Member> AccountsService::find_by_email(UnitOfWork& work, std::string_view email) {
  return service_call(log_, "Accounts::find_by_email", work, [&]() -> Result<Member> {
    return find_where(work, "email", canonical_email(email));
  });
}

Result<Member> AccountsService::find_by_id(UnitOfWork& work, std::string_view member_id) {
  return service_call(log_, "Accounts::find_by_id", work, [&]() -> Result<Member> {
    return find_where(work, "member_id", std::string(member_id));
  });
}

Result<PasswordCheck> AccountsService::verify_password(UnitOfWork& work, std::string_view member_id,
                                                       std::string_view password) {
  return service_call(log_, "Accounts::verify_password", work, [&]() -> Result<PasswordCheck> {
    require_no_transaction(work, "Accounts::verify_password");
    std::string id(member_id), hash;
    soci::indicator ind = soci::i_null;
    if (!id.empty()) {
      auto sql = work.connection();
      if (!sql) return sql.failure();
      **sql << "SELECT password_hash FROM members WHERE member_id = :id", soci::use(id), soci::into(hash, ind);
      if (!(*sql)->got_data()) ind = soci::i_null;
    }
    const std::string normalized = normalize_password(password);
    // Hashes made before passwords were normalised hold the bytes as typed:
    // a password that is not its own NFKC form is also tried as it is, and
    // rehashed in the normal form when that matches.
    bool matched_as_typed = false;
    auto verdict = hashing(work, "Accounts::verify_password", [&] {
      if (ind != soci::i_ok) {
        // Same work for an unknown member as for a known one's wrong password,
        // the second try as typed included: no timing oracle.
        hasher_.verify_dummy(normalized);
        if (normalized != password) hasher_.verify_dummy(password);
        return false;
      }
      if (hasher_.verify(hash, normalized)) return true;
      matched_as_typed = normalized != password && hasher_.verify(hash, password);
      return matched_as_typed;
    });
    if (!verdict) return verdict.failure();
    if (!*verdict) return PasswordCheck::wrong;
    if (matched_as_typed || hasher_.needs_rehash(hash)) {
      auto fresh = hash_password(work, password);
      // A busy pool only postpones the rehash to the next sign-in.
      if (fresh)
        if (auto stored = set_password(work, member_id, *fresh); !stored) return stored.failure();
    }
    return PasswordCheck::right;
  });
}

Result<void> AccountsService::set_password(UnitOfWork& work, std::string_view member_id, const PasswordHash& password) {
  return service_call(log_, "Accounts::set_password", work, [&]() -> Result<void> {
    auto sql = work.connection();
    if (!sql) return sql.failure();
    std::string hash = password.phc(), id(member_id);
    long long now = to_unix(clock_.now());
    soci::statement st = ((*sql)->prepare << "UPDATE members SET password_hash = :h, updated_at = :u WHERE member_id = :id",
                          soci::use(hash), soci::use(now), soci::use(id));
    st.execute(true);
    if (st.get_affected_rows() == 0) return Failure{Refusal::not_found, {}, "There is no such member."};
    return {};
  });
}

Result<void> AccountsService::set_email(UnitOfWork& work, std::string_view member_id, std::string_view email) {
  return service_call(log_, "Accounts::set_email", work, [&]() -> Result<void> {
    auto sql = work.connection();
    if (!sql) return sql.failure();
    std::string normalized = canonical_email(email), id(member_id);
    long long now = to_unix(clock_.now());
    long long affected = 0;
    auto written = guarding_unique_email(work, **sql, normalized, id, [&] {
      soci::statement st = ((*sql)->prepare << "UPDATE members SET email = :e, updated_at = :u WHERE member_id = :id",
                            soci::use(normalized), soci::use(now), soci::use(id));
      st.execute(true);
      affected = st.get_affected_rows();
    });
    if (!written) return written;
    if (affected == 0) return Failure{Refusal::not_found, {}, "There is no such member."};
    // Sessions carry the email: cached ones would show the old address.
    return sessions_.member_changed(work, id);
  });
}

Result<std::string> AccountsService::hash_secret(UnitOfWork& work, std::string_view secret) {
  return service_call(log_, "Accounts::hash_secret", work, [&]() -> Result<std::string> {
    return hashing(work, "Accounts::hash_secret", [&] { return hasher_.hash(secret); });
  });
}

Result<bool> AccountsService::verify_secret(UnitOfWork& work, std::string_view phc_hash, std::string_view secret) {
  return service_call(log_, "Accounts::verify_secret", work, [&]() -> Result<bool> {
    return hashing(work, "Accounts::verify_secret", [&] { return hasher_.verify(phc_hash, secret); });
  });
}

Result<OpenedSession> AccountsService::open_session(UnitOfWork& work, std::string_view member_id, std::string_view ip,
                                                    std::string_view user_agent) {
  return service_call(log_, "Accounts::open_session", work, [&]() -> Result<OpenedSession> {
    return sessions_.open(work, member_id, ip, user_agent);
  });
}

Result<void> AccountsService::revoke_session(UnitOfWork& work, std::string_view session_id) {
  return service_call(log_, "Accounts::revoke_session", work, [&]() -> Result<void> {
    return sessions_.revoke(work, session_id);
  });
}

Result<int> AccountsService::revoke_sessions(UnitOfWork& work, std::string_view member_id,
                                             std::string_view except_session_id) {
  return service_call(log_, "Accounts::revoke_sessions", work, [&]() -> Result<int> {
    return sessions_.revoke_all(work, member_id, except_session_id);
  });
}

Result<OpenedSession> AccountsService::rotate_session(UnitOfWork& work, std::string_view session_id) {
  return service_call(log_, "Accounts::rotate_session", work, [&]() -> Result<OpenedSession> {
    return sessions_.rotate(work, session_id);
  });
}

Result<std::vector<MemberSession>> AccountsService::sessions_of(UnitOfWork& work, std::string_view member_id) {
  return service_call(log_, "Accounts::sessions_of", work,
                      [&]() -> Result<std::vector<MemberSession>> { return sessions_.list(work, member_id); });
}

Result<bool> AccountsService::revoke_member_session(UnitOfWork& work, std::string_view member_id,
                                                    std::string_view session_id) {
  return service_call(log_, "Accounts::revoke_member_session", work,
                      [&]() -> Result<bool> { return sessions_.revoke_of_member(work, member_id, session_id); });
}

Result<void> AccountsService::set_privileged_until(UnitOfWork& work, std::string_view session_id, TimePoint until) {
  return service_call(log_, "Accounts::set_privileged_until", work, [&]() -> Result<void> {
    return sessions_.set_privileged_until(work, session_id, until);
  });
}

Result<void> AccountsService::set_locked_until(UnitOfWork& work, std::string_view member_id, TimePoint until) {
  return service_call(log_, "Accounts::set_locked_until", work, [&]() -> Result<void> {
    auto sql = work.connection();
    if (!sql) return sql.failure();
    std::string id(member_id);
    long long until_s = to_unix(until);
    soci::indicator ind = until_s > 0 ? soci::i_ok : soci::i_null;
    **sql << "UPDATE members SET locked_until = :l WHERE member_id = :id", soci::use(until_s, ind), soci::use(id);
    return {};
  });
}

Result<bool> AccountsService::role_exists(UnitOfWork& work, std::string_view role) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  std::string r(role);
  int count = 0;
  **sql << "SELECT COUNT(*) FROM roles WHERE role = :r", soci::use(r), soci::into(count);
  return count > 0;
}

}  // namespace memberd
