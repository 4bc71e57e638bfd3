#include "auth/session_store.hpp"

#include "auth/member_standing.hpp"

#include "storage/change_feed.hpp"
#include "util/crypto.hpp"
#include "util/time_format.hpp"

#include <memberd/kept_statement.hpp>
#include <memberd/text.hpp>
#include "storage/unit_sql.hpp"

#include "storage/row_values.hpp"

#include <soci/soci.h>

namespace memberd {

namespace {
// What the change feed carries for sessions: one session (by id), or all of
// one member's (by member id).
constexpr std::string_view kSessionTopic = "sessions.session", kMemberTopic = "sessions.member";
}  // namespace

const char* sign_in_method_name(SignInMethod method) {
  switch (method) {
    case SignInMethod::second_step: return "second_step";
    case SignInMethod::passkey: return "passkey";
    default: return "password";
  }
}

SignInMethod sign_in_method_from(std::string_view name) {
  if (name == "second_step") return SignInMethod::second_step;
  if (name == "passkey") return SignInMethod::passkey;
  return SignInMethod::password;
}

SessionStore::SessionStore(const Clock& clock, SessionPolicy policy, ChangeFeed& changes)
    : clock_(clock),
      policy_(policy),
      touch_interval_(std::min<std::chrono::seconds>(std::chrono::seconds{60}, policy.idle_timeout / 4)),
      changes_(changes) {
  // An empty key: changes may have been missed; forget everything.
  session_subscription_ = changes_.subscribe(std::string(kSessionTopic), [this](std::string_view id) {
    forget_if([&](const Caller& c) { return id.empty() || c.session_id == id; });
  });
  member_subscription_ = changes_.subscribe(std::string(kMemberTopic), [this](std::string_view id) {
    forget_if([&](const Caller& c) { return id.empty() || c.member_id == id; });
  });
}

SessionStore::~SessionStore() {
  changes_.unsubscribe(session_subscription_);
  changes_.unsubscribe(member_subscription_);
}

Result<OpenedSession> SessionStore::open(UnitOfWork& work, std::string_view member_id, std::string_view ip,
                                         std::string_view user_agent, SignInMethod method) {
  OpenedSession opened;
  opened.token = random_token(32);
  opened.csrf_token = random_token(32);
  opened.session_id = new_uuid();
  auto now = clock_.now();
  auto expires = now + policy_.absolute_timeout;
  opened.expires_at = format_rfc3339(expires);

  std::string token_hash = sha256_hex(opened.token), csrf_hash = sha256_hex(opened.csrf_token);
  std::string member(member_id), address = valid_utf8(ip, 64), agent = valid_utf8(user_agent, 512);
  long long now_s = to_unix(now), expires_s = to_unix(expires);
  std::string method_name = sign_in_method_name(method);
  // The check and the session in one transaction (the caller's, or one of
  // their own), the member's row locked between them: a disable that
  // commits meanwhile either comes first and refuses, or comes after and
  // ends this session too.
  return atomically(work, [&](soci::session& sql) -> Result<OpenedSession> {
    // Every way in (a password, a second step, a passkey, a reset) ends
    // here: a member an admin disabled gets no session from any of them.
    if (auto standing = refuse_if_disabled(work, member_id, now_s); !standing) return standing.failure();
    sql << "INSERT INTO sessions (session_id, token_hash, csrf_hash, member_id, created_at, last_seen_at,"
           " expires_at, privileged_until, ip, user_agent, method)"
           " VALUES (:id, :th, :ch, :m, :c, :c2, :e, 0, :ip, :ua, :method)",
        soci::use(opened.session_id), soci::use(token_hash), soci::use(csrf_hash), soci::use(member),
        soci::use(now_s), soci::use(now_s), soci::use(expires_s), soci::use(address), soci::use(agent),
        soci::use(method_name);
    return opened;
  });
}

namespace {
// Past this many cached sessions the cache starts over rather than grow.
constexpr std::size_t kCacheLimit = 100000;
}  // namespace

std::optional<AuthenticatedSession> SessionStore::from_cache(const std::string& token_hash, long long now) {
  // Not hearing every change: memory may be stale.
  if (policy_.cache_ttl.count() == 0 || !changes_.live()) return std::nullopt;
  std::lock_guard lock(cache_mutex_);
  auto it = cache_.find(token_hash);
  if (it == cache_.end()) return std::nullopt;
  const Cached& c = it->second;
  bool fresh = std::chrono::steady_clock::now() - c.fetched < policy_.cache_ttl;
  // Expiry and the last-seen touch are decided by the database path.
  bool still_valid = now < c.expires && now - c.last_seen < policy_.idle_timeout.count();
  bool needs_touch = now - c.last_seen >= touch_interval_.count();
  if (!fresh || !still_valid || needs_touch) {
    cache_.erase(it);
    return std::nullopt;
  }
  return c.session;
}

void SessionStore::remember(const std::string& token_hash, const AuthenticatedSession& session, long long last_seen,
                            long long expires, std::uint64_t read_at_generation) {
  if (policy_.cache_ttl.count() == 0 || !changes_.live()) return;
  std::lock_guard lock(cache_mutex_);
  // A change was heard while we read the row: what we read may be stale.
  if (generation_ != read_at_generation) return;
  if (cache_.size() >= kCacheLimit) cache_.clear();
  cache_[token_hash] = Cached{session, last_seen, expires, std::chrono::steady_clock::now()};
}

template <typename Predicate>
void SessionStore::forget_if(Predicate predicate) {
  std::lock_guard lock(cache_mutex_);
  ++generation_;
  std::erase_if(cache_, [&](const auto& entry) { return predicate(entry.second.session.caller); });
}

Result<std::optional<AuthenticatedSession>> SessionStore::authenticate(UnitOfWork& work, std::string_view token) {
  using Found = std::optional<AuthenticatedSession>;
  if (token.empty() || token.size() > 256) return Found{};
  std::string token_hash = sha256_hex(token);
  long long now = to_unix(clock_.now());
  if (auto cached = from_cache(token_hash, now)) return Found{std::move(cached)};
  std::uint64_t generation;
  {
    std::lock_guard lock(cache_mutex_);
    generation = generation_;
  }
  // Kept prepared: the query behind every authenticated request the cache
  // does not answer.
  auto select = work.kept(
      "SELECT s.session_id, s.member_id, s.csrf_hash, s.last_seen_at, s.expires_at, s.privileged_until, m.email,"
      " m.created_at, s.method FROM sessions s JOIN members m ON m.member_id = s.member_id WHERE s.token_hash = :th");
  if (!select) return select.failure();
  AuthenticatedSession found;
  long long last_seen = 0, expires = 0, privileged = 0, member_since = 0;
  std::string method;
  soci::indicator ind = soci::i_null;
  bool got = (*select)->run(soci::use(token_hash), soci::into(found.caller.session_id, ind),
                            soci::into(found.caller.member_id), soci::into(found.csrf_hash), soci::into(last_seen),
                            soci::into(expires), soci::into(privileged), soci::into(found.caller.email),
                            soci::into(member_since), soci::into(method));
  if (!got || ind != soci::i_ok) return Found{};
  found.method = sign_in_method_from(method);
  auto& sql = **work.connection();  // leased by kept()

  if (now >= expires || now - last_seen >= policy_.idle_timeout.count()) {
    sql << "DELETE FROM sessions WHERE session_id = :id", soci::use(found.caller.session_id);
    return Found{};
  }
  if (now - last_seen >= touch_interval_.count()) {
    sql << "UPDATE sessions SET last_seen_at = :n WHERE session_id = :id", soci::use(now),
        soci::use(found.caller.session_id);
    last_seen = now;
  }

  soci::rowset<std::string> roles = (sql.prepare << "SELECT role FROM roles WHERE member_id = :m ORDER BY role",
                                     soci::use(found.caller.member_id));
  for (const auto& role : roles) found.caller.roles.push_back(role);
  found.caller.privileged_until = from_unix(privileged);
  found.caller.member_since = format_rfc3339(from_unix(member_since));
  remember(token_hash, found, last_seen, expires, generation);
  return Found{std::move(found)};
}

// In the methods below the database changes first and the caches forget
// after the change commits (the feed's handlers run then): the other order
// would let a request in between cache the old row.
Result<void> SessionStore::revoke(UnitOfWork& work, std::string_view session_id) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  std::string id(session_id);
  soci::statement st = ((*sql)->prepare << "DELETE FROM sessions WHERE session_id = :id", soci::use(id));
  st.execute(true);
  // Nothing to forget for an id that matched nothing (which may be anything
  // a client sent).
  if (st.get_affected_rows() == 0) return {};
  return changes_.announce(work, kSessionTopic, id);
}

Result<OpenedSession> SessionStore::rotate(UnitOfWork& work, std::string_view session_id) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  OpenedSession rotated;
  rotated.session_id = std::string(session_id);
  rotated.token = random_token(32);
  rotated.csrf_token = random_token(32);
  std::string token_hash = sha256_hex(rotated.token), csrf_hash = sha256_hex(rotated.csrf_token);
  long long now = to_unix(clock_.now()), expires = 0;
  soci::indicator ind = soci::i_null;
  **sql << "SELECT expires_at FROM sessions WHERE session_id = :id AND expires_at > :n", soci::use(rotated.session_id),
      soci::use(now), soci::into(expires, ind);
  if (!(*sql)->got_data() || ind != soci::i_ok) return Failure{Refusal::not_found};
  **sql << "UPDATE sessions SET token_hash = :th, csrf_hash = :ch WHERE session_id = :id", soci::use(token_hash),
      soci::use(csrf_hash), soci::use(rotated.session_id);
  rotated.expires_at = format_rfc3339(from_unix(expires));
  if (auto announced = changes_.announce(work, kSessionTopic, rotated.session_id); !announced)
    return announced.failure();
  return rotated;
}

Result<int> SessionStore::revoke_all(UnitOfWork& work, std::string_view member_id, std::string_view except_session_id) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  std::string member(member_id), except(except_session_id);
  soci::statement st = ((*sql)->prepare << "DELETE FROM sessions WHERE member_id = :m AND session_id <> :e",
                        soci::use(member), soci::use(except));
  st.execute(true);
  int revoked = static_cast<int>(st.get_affected_rows());
  // The kept session is forgotten too; it is read again on its next request.
  if (revoked > 0)
    if (auto announced = changes_.announce(work, kMemberTopic, member); !announced) return announced.failure();
  return revoked;
}

Result<void> SessionStore::set_privileged_until(UnitOfWork& work, std::string_view session_id, TimePoint until) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  std::string id(session_id);
  long long until_s = to_unix(until);
  soci::statement st = ((*sql)->prepare << "UPDATE sessions SET privileged_until = :p WHERE session_id = :id",
                        soci::use(until_s), soci::use(id));
  st.execute(true);
  if (st.get_affected_rows() == 0) return {};
  return changes_.announce(work, kSessionTopic, id);
}

Result<std::vector<MemberSession>> SessionStore::list(UnitOfWork& work, std::string_view member_id) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  std::string member(member_id);
  long long now = to_unix(clock_.now()), idle_floor = now - policy_.idle_timeout.count();
  int limit = kListedSessions;
  soci::rowset<soci::row> rows =
      ((*sql)->prepare << "SELECT session_id, created_at, last_seen_at, expires_at, ip, user_agent, method FROM sessions"
                               " WHERE member_id = :m AND expires_at > :n AND last_seen_at > :f"
                               " ORDER BY created_at DESC, session_id LIMIT :l",
       soci::use(member), soci::use(now), soci::use(idle_floor), soci::use(limit));
  std::vector<MemberSession> out;
  for (const auto& row : rows) {
    out.push_back({row.get<std::string>(0), format_rfc3339(from_unix(row_int64(row, 1))),
                   format_rfc3339(from_unix(row_int64(row, 2))), format_rfc3339(from_unix(row_int64(row, 3))),
                   row.get<std::string>(4), row.get<std::string>(5), sign_in_method_from(row.get<std::string>(6))});
  }
  return out;
}

Result<bool> SessionStore::revoke_of_member(UnitOfWork& work, std::string_view member_id,
                                            std::string_view session_id) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  std::string member(member_id), id(session_id);
  // A session past its end that no sweep removed yet is no live one: the
  // member is told it had ended, not that they ended it.
  long long now = to_unix(clock_.now()), idle_floor = now - policy_.idle_timeout.count();
  soci::statement st = ((*sql)->prepare << "DELETE FROM sessions WHERE session_id = :id AND member_id = :m"
                                              " AND expires_at > :n AND last_seen_at > :f",
                        soci::use(id), soci::use(member), soci::use(now), soci::use(idle_floor));
  st.execute(true);
  if (st.get_affected_rows() == 0) return false;
  if (auto announced = changes_.announce(work, kSessionTopic, id); !announced) return announced.failure();
  return true;
}

Result<void> SessionStore::member_changed(UnitOfWork& work, std::string_view member_id) {
  return changes_.announce(work, kMemberTopic, member_id);
}

Result<int> SessionStore::purge_expired(UnitOfWork& work) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  long long now = to_unix(clock_.now()), idle_floor = now - policy_.idle_timeout.count();
  soci::statement st = ((*sql)->prepare << "DELETE FROM sessions WHERE expires_at <= :n OR last_seen_at <= :f",
                        soci::use(now), soci::use(idle_floor));
  st.execute(true);
  return static_cast<int>(st.get_affected_rows());
}

}  // namespace memberd
