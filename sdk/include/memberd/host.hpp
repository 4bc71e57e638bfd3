#pragma once
// What the daemon offers a plugin: the `Host` and its services.
//
// A plugin gets its `Host` in `start()`. The reference stays valid until the
// plugin's `stop()` returns; keep it, but do not use it after `stop()`. All
// services are thread-safe. Interfaces only grow at their end; the SDK minor
// version (version.hpp) says what exists.
//
// Storage: the host gives you SOCI sessions from its pool (`database()`). Your
// tables carry your plugin's name as a prefix (`credentials_tokens`), and your
// schema comes from `Plugin::migrations()`, applied by the host before
// `start()`. The core's own tables (`members`, `sessions`, `roles`, `events`,
// `mail_outbox`) are reached only through the services below, never by SQL.

#include <memberd/config.hpp>
#include <memberd/http.hpp>

#include <nlohmann/json_fwd.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace soci {
class session;
}

namespace memberd {

using Labels = std::vector<std::pair<std::string, std::string>>;
using TimePoint = std::chrono::system_clock::time_point;

// ---------------------------------------------------------------------------
// Database
enum class Backend { sqlite, postgresql };

// A SOCI session borrowed from the pool; returned when this object dies.
// Hold it only for the work at hand: the pool is small (`database.pool_size`).
// Writes go in a `memberd::Transaction` (database.hpp), not a
// soci::transaction: see there why.
class DbLease {
 public:
  virtual ~DbLease() = default;
  virtual soci::session& sql() = 0;
  virtual Backend backend() const = 0;
};

class Database {
 public:
  virtual ~Database() = default;
  virtual Backend backend() const = 0;
  // Waits for a free session (up to a few seconds, then throws
  // std::runtime_error, which the host turns into a 503).
  virtual std::unique_ptr<DbLease> lease() = 0;
};

// ---------------------------------------------------------------------------
// Accounts: members, passwords and sessions, kept by the core.
struct Member {
  std::string member_id;
  std::string email;
  std::vector<std::string> roles;
  std::string created_at;  // RFC 3339 UTC
};

struct OpenedSession {
  std::string token;       // give it to the client; the host keeps only its hash
  std::string session_id;  // opaque id for revoke_sessions(except)
  std::string csrf_token;  // for cookie clients: send back as X-CSRF-Token
  std::string expires_at;  // RFC 3339 UTC (absolute expiry)
};

// Browser clients get the session as cookies: `memberd_session` (HttpOnly,
// SameSite=Strict) and `memberd_csrf`, readable by the page's script, whose
// value must come back in the X-CSRF-Token header of every write. They are
// browser-session cookies; the server enforces the session's own expiry.
inline void add_session_cookies(Response& response, const OpenedSession& session, bool secure) {
  std::string attributes = std::string("; Path=/; SameSite=Strict") + (secure ? "; Secure" : "");
  response.headers.emplace_back("Set-Cookie", "memberd_session=" + session.token + attributes + "; HttpOnly");
  response.headers.emplace_back("Set-Cookie", "memberd_csrf=" + session.csrf_token + attributes);
  response.headers.emplace_back("Cache-Control", "no-store");
}

inline void clear_session_cookies(Response& response, bool secure) {
  std::string attributes = std::string("; Path=/; SameSite=Strict; Max-Age=0") + (secure ? "; Secure" : "");
  response.headers.emplace_back("Set-Cookie", "memberd_session=" + attributes + "; HttpOnly");
  response.headers.emplace_back("Set-Cookie", "memberd_csrf=" + attributes);
}

enum class PasswordCheck {
  ok,
  wrong,  // wrong password, or no such member: the caller cannot tell which
  busy,   // the hashing pool is saturated: answer 503 with Retry-After
};

// Thrown by the hashing calls when the bounded hashing pool's queue is full.
// The host turns it into 503 + Retry-After if you let it escape a handler.
struct HashingBusy : std::runtime_error {
  HashingBusy() : std::runtime_error("password hashing queue is full") {}
};

// An Argon2id hash (a PHC string) made by Accounts::hash_password(). Storing
// calls take this type, not a string, so that a plaintext password cannot be
// stored by mistake.
class PasswordHash {
 public:
  explicit PasswordHash(std::string phc) : phc_(std::move(phc)) {}
  const std::string& phc() const { return phc_; }

 private:
  std::string phc_;
};

class Accounts {
 public:
  virtual ~Accounts() = default;

  // Argon2id with the configured parameters, on the host's bounded hashing
  // pool: about 25 ms, or HashingBusy at once when the pool's queue is full.
  // Hash BEFORE opening a transaction: on SQLite a write transaction holds
  // the database's only write lock.
  virtual PasswordHash hash_password(std::string_view password) = 0;

  // Creates a member inside `tx` (the caller's transaction). The email is
  // stored lower-cased and trimmed. Returns nullopt when the email is taken
  // (also when another request took it a moment ago; `tx` stays usable).
  virtual std::optional<std::string> create_member(soci::session& tx, std::string_view email,
                                                   const PasswordHash& password,
                                                   const std::vector<std::string>& roles) = 0;
  virtual std::optional<Member> find_by_email(std::string_view email) = 0;
  virtual std::optional<Member> find_by_id(std::string_view member_id) = 0;

  // Checks a password in about the same time whether or not the member exists
  // (a dummy hash is verified for unknown ones). Rehashes on success when the
  // configured Argon2id parameters changed.
  virtual PasswordCheck verify_password(std::string_view member_id, std::string_view password) = 0;
  virtual void set_password(soci::session& tx, std::string_view member_id, const PasswordHash& password) = 0;
  virtual void set_email(soci::session& tx, std::string_view member_id, std::string_view email) = 0;

  // Argon2id for other secrets (security answers): a PHC string, and its check
  // in constant time. Both may throw HashingBusy.
  virtual std::string hash_secret(std::string_view secret) = 0;
  virtual bool verify_secret(std::string_view phc_hash, std::string_view secret) = 0;

  virtual OpenedSession open_session(std::string_view member_id, std::string_view ip,
                                     std::string_view user_agent) = 0;
  virtual void revoke_session(std::string_view session_id) = 0;
  // Revokes every session of the member but `except_session_id` (may be empty).
  virtual int revoke_sessions(std::string_view member_id, std::string_view except_session_id) = 0;
  // Step-up: the session may do `Access::privileged` things until `until`.
  virtual void set_privileged_until(std::string_view session_id, TimePoint until) = 0;
  // Shown to admins as the member's `locked_until`; the epoch clears it. The
  // host does not enforce it: the plugin that owns sign-in does.
  virtual void set_locked_until(std::string_view member_id, TimePoint until) = 0;
};

// ---------------------------------------------------------------------------
// Events: durable domain events between plugins.
struct Event {
  std::int64_t id;
  std::string type;     // "session.created"
  std::string payload;  // a JSON object, as text
  std::string occurred_at;
};

class Events {
 public:
  virtual ~Events() = default;
  // Appends an event inside `tx`: it exists exactly when your change commits.
  // Never put secrets (passwords, tokens, answers) in a payload.
  virtual void publish(soci::session& tx, std::string_view type, const nlohmann::json& payload) = 0;
  // Call from start() only. `subscriber` names your durable cursor
  // ("security_level.sign_ins"): events of the `types` listed are delivered
  // in order, at least once, from where that cursor stopped — across restarts
  // and hot swaps. If `handler` throws, the same event is offered again later.
  virtual void subscribe(std::string_view subscriber, std::vector<std::string> types,
                         std::function<void(const Event&)> handler) = 0;
};

// ---------------------------------------------------------------------------
// Mail: a durable outbox. A message is a row in the caller's transaction; the
// host's mail worker delivers it (by default as a `.eml` file under
// `<data_dir>/mail/`).
struct MailMessage {
  std::string to;
  std::string subject;
  std::string text;
  std::string html;      // optional
  std::string category;  // empty for transactional (security) mail
  // Extra headers, e.g. List-Unsubscribe and List-Unsubscribe-Post for
  // category mail (RFC 8058). Names are letters, digits and '-'; the host's
  // own headers (From, To, Subject, Date, Message-ID, MIME-Version,
  // Content-*) cannot be replaced. Line breaks in values are removed.
  std::vector<std::pair<std::string, std::string>> headers = {};
};

class Mail {
 public:
  virtual ~Mail() = default;
  virtual void enqueue(soci::session& tx, const MailMessage& message) = 0;
};

// ---------------------------------------------------------------------------
// Logger: structured lines tagged with the plugin's name. Never log secrets.
enum class LogLevel { debug, info, warn, error };

class Logger {
 public:
  virtual ~Logger() = default;
  virtual void log(LogLevel level, std::string_view message, const Labels& fields = {}) = 0;
  void debug(std::string_view m, const Labels& f = {}) { log(LogLevel::debug, m, f); }
  void info(std::string_view m, const Labels& f = {}) { log(LogLevel::info, m, f); }
  void warn(std::string_view m, const Labels& f = {}) { log(LogLevel::warn, m, f); }
  void error(std::string_view m, const Labels& f = {}) { log(LogLevel::error, m, f); }
};

// ---------------------------------------------------------------------------
// Clock: use it instead of system_clock so that tests can move time.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
  // RFC 3339 UTC with a Z, seconds precision.
  virtual std::string format(TimePoint t) const = 0;
  // now() as whole seconds since the epoch: how times are stored in tables.
  std::int64_t unix_now() const {
    return std::chrono::duration_cast<std::chrono::seconds>(now().time_since_epoch()).count();
  }
};

// ---------------------------------------------------------------------------
// Metrics: Prometheus series, exported on /metrics with a `memberd_<plugin>_`
// prefix added to your names.
class Metrics {
 public:
  virtual ~Metrics() = default;
  virtual void increment(std::string_view name, std::string_view help, const Labels& labels = {},
                         double by = 1) = 0;
  // A latency-style histogram in seconds.
  virtual void observe(std::string_view name, std::string_view help, double value,
                       const Labels& labels = {}) = 0;
};

// ---------------------------------------------------------------------------
class Host {
 public:
  virtual ~Host() = default;
  virtual std::string_view plugin_name() const = 0;
  // Adds a route; call from start() only. Routes are published all at once
  // when start() returns (a hot swap replaces the old version's routes
  // atomically). Two plugins may not claim the same method and pattern.
  virtual void add_route(Route route) = 0;

  virtual Accounts& accounts() = 0;
  virtual Database& database() = 0;
  virtual Events& events() = 0;
  virtual Mail& mail() = 0;
  virtual Logger& logger() = 0;
  virtual const Clock& clock() const = 0;
  virtual Metrics& metrics() = 0;
  // The daemon's data directory, for files a plugin keeps (photos).
  virtual std::string data_dir() const = 0;
  // The public base URL, for links in mail ("https://example.com").
  virtual std::string public_url() const = 0;
  // Whether session cookies must carry `Secure` (sessions.cookie_secure).
  virtual bool secure_cookies() const = 0;
};

}  // namespace memberd
