#pragma once
// Sessions: opaque random tokens, stored only as their SHA-256.
//
// A session ends at the first of: its absolute expiry (set when opened), an
// idle period with no request (`idle_timeout`), or a revoke. `last_seen_at`
// is written at most every `touch_interval` so that a busy member does not
// turn every read into a database write.
//
// A checked session is kept in memory (`cache_ttl`, and never past the next
// touch) while the change feed is live: every write to a session or to what
// a session carries announces itself on the feed, so every daemon on the
// database forgets it once the write commits (storage/change_feed.hpp).
#include <memberd/host.hpp>
#include <memberd/result.hpp>

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <string>
#include <vector>

namespace memberd {

class ChangeFeed;

struct SessionPolicy {
  std::chrono::seconds idle_timeout{30 * 60};
  std::chrono::seconds absolute_timeout{12 * 60 * 60};
  // A session checked within this long is answered from memory (see
  // sessions.cache_ttl); changes through any daemon drop it at once.
  std::chrono::milliseconds cache_ttl{30000};
};

struct AuthenticatedSession {
  Caller caller;
  std::string csrf_hash;
  SignInMethod method = SignInMethod::password;  // how the session was made
};

// The sessions table's word for each way in ("password", "second_step",
// "passkey"), and back (an unknown word reads as the weakest, password).
const char* sign_in_method_name(SignInMethod method);
SignInMethod sign_in_method_from(std::string_view name);

// Every call works on the caller's unit of work (one connection per
// request); writes join its open transaction, and every daemon's cache
// forgets what a write changed once that commits. Fails: busy (no
// connection), unavailable.
class SessionStore {
 public:
  // Subscribes to `changes` until destroyed.
  SessionStore(const Clock& clock, SessionPolicy policy, ChangeFeed& changes);
  ~SessionStore();
  SessionStore(const SessionStore&) = delete;

  Result<OpenedSession> open(UnitOfWork& work, std::string_view member_id, std::string_view ip,
                             std::string_view user_agent, SignInMethod method = SignInMethod::password);
  // The live session for a token, or nullopt (unknown, expired or revoked).
  // Served from the cache when fresh (no database use at all).
  Result<std::optional<AuthenticatedSession>> authenticate(UnitOfWork& work, std::string_view token);
  Result<void> revoke(UnitOfWork& work, std::string_view session_id);
  // New token and CSRF token for a live session; the old ones stop working
  // once this commits. Fails: not_found, busy.
  Result<OpenedSession> rotate(UnitOfWork& work, std::string_view session_id);
  Result<int> revoke_all(UnitOfWork& work, std::string_view member_id, std::string_view except_session_id);
  Result<void> set_privileged_until(UnitOfWork& work, std::string_view session_id, TimePoint until);
  // The member's live sessions, newest first, at most kListedSessions.
  Result<std::vector<MemberSession>> list(UnitOfWork& work, std::string_view member_id);
  static constexpr int kListedSessions = 200;
  // Ends the session only if it is the member's; whether it did.
  Result<bool> revoke_of_member(UnitOfWork& work, std::string_view member_id, std::string_view session_id);
  // Every daemon drops what it remembers of the member's sessions once
  // `work` commits: the member changed in a way sessions carry (the email).
  Result<void> member_changed(UnitOfWork& work, std::string_view member_id);
  // Deletes expired rows; returns how many.
  Result<int> purge_expired(UnitOfWork& work);

 private:
  struct Cached {
    AuthenticatedSession session;
    long long last_seen, expires;
    std::chrono::steady_clock::time_point fetched;
  };
  std::optional<AuthenticatedSession> from_cache(const std::string& token_hash, long long now);
  void remember(const std::string& token_hash, const AuthenticatedSession& session, long long last_seen,
                long long expires, std::uint64_t read_at_generation);
  template <typename Predicate>
  void forget_if(Predicate predicate);

  const Clock& clock_;
  SessionPolicy policy_;
  std::chrono::seconds touch_interval_;
  std::mutex cache_mutex_;
  std::unordered_map<std::string, Cached> cache_;  // by token hash
  std::uint64_t generation_ = 0;                   // bumped by every forget
  ChangeFeed& changes_;
  std::uint64_t session_subscription_ = 0, member_subscription_ = 0;
};

}  // namespace memberd
