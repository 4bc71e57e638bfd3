#pragma once
// What the daemon offers a plugin: the `Host` and its services.
//
// A plugin gets its `Host` in `start()`. The reference stays valid until the
// plugin's `stop()` returns; keep it, but do not use it after `stop()`. All
// services are thread-safe.
//
// How to read each call's documentation:
//   - what it does, and whether it touches the database ("DB: reads",
//     "DB: writes") or blocks (hashing: ~25 ms on the host's hashing pool);
//   - "Fails:" lists every way it can fail as a value (result.hpp); turn one
//     into the client's answer with refusal_problem() (problem.hpp), or
//     handle it. Nothing else is thrown on a request path except
//     std::logic_error for a misuse (a bug: the host answers 500 and logs it).
//   - calls that write join the unit's open write transaction (see
//     unit_of_work.hpp); without one, each commits on its own.
//
// Storage: your tables carry your plugin's name as a prefix
// (`credentials_tokens`) and come from `Plugin::migrations()`, applied by the
// host before `start()`. The core's own tables (`members`, `sessions`,
// `roles`, `events`, `mail_outbox`, `rate_limits`, `attempt_limits`) are
// reached only through the services below, never by SQL.
//
// Interfaces only grow at their end, and structs here are frozen within a
// major version (version.hpp).

#include <memberd/changes.hpp>
#include <memberd/config.hpp>
#include <memberd/embedded_file.hpp>
#include <memberd/http.hpp>
#include <memberd/geo.hpp>
#include <memberd/ui.hpp>
#include <memberd/result.hpp>
#include <memberd/reviews.hpp>
#include <memberd/text.hpp>
#include <memberd/unit_of_work.hpp>

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

namespace memberd {

class SignInFactors;
class SecondStepProvider;
class MemberDataProvider;  // memberd/member_data.hpp (2.16)

using Labels = std::vector<std::pair<std::string, std::string>>;
using TimePoint = std::chrono::system_clock::time_point;

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

// One of a member's live sessions, as the member's own "Your devices"
// shows it (SDK 2.15). Frozen from 2.15 on.
struct MemberSession {
  std::string session_id;    // opaque; the caller's own is Caller::session_id
  std::string created_at;    // RFC 3339 UTC: when it was opened (first seen)
  std::string last_seen_at;  // RFC 3339 UTC: its last request, to within a few minutes
  std::string expires_at;    // RFC 3339 UTC: when it ends at the latest
  std::string ip;            // the client address it was opened from
  std::string user_agent;    // as the client sent it when it was opened (at most 512 bytes)
  SignInMethod method = SignInMethod::password;  // how it was made
};

enum class PasswordCheck {
  right,
  wrong,  // wrong password, or no such member: the caller cannot tell which
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

  // Argon2id with the configured parameters on the host's bounded hashing
  // pool: blocks ~25 ms. While it hashes, the unit gives its connection back
  // to the pool (it leases one again on its next use), so a queue of sign-ins
  // does not hold the database. DB: none.
  // Fails: busy (the hashing queue is full; retry_after 1 s).
  // Inside an open write transaction: std::logic_error (hash first).
  virtual Result<PasswordHash> hash_password(UnitOfWork& work, std::string_view password) = 0;

  // Creates a member; the email is stored in the host's one form for it
  // (trimmed; local part in NFC and lower-cased by Unicode's rules; domain
  // mapped by IDNA UTS #46 to lower-case Unicode), so every way of typing an
  // address is one account: find_by_email and set_email use the same form.
  // DB: writes
  // (joins the open transaction). Returns the new member_id.
  // Fails: taken (the email is registered, also when another request took it
  // a moment ago; an open transaction stays usable), busy.
  virtual Result<std::string> create_member(UnitOfWork& work, std::string_view email, const PasswordHash& password,
                                            const std::vector<std::string>& roles) = 0;
  // DB: reads. Fails: not_found, busy.
  virtual Result<Member> find_by_email(UnitOfWork& work, std::string_view email) = 0;
  virtual Result<Member> find_by_id(UnitOfWork& work, std::string_view member_id) = 0;

  // Checks a password in about the same time whether or not the member exists
  // (a dummy hash is verified for unknown ones); an empty member_id is an
  // unknown member. Rehashes on success when the configured Argon2id
  // parameters changed. Blocks like hash_password (the unit's connection is
  // given back meanwhile). DB: reads; writes on a rehash.
  // Fails: busy. Inside an open write transaction: std::logic_error.
  virtual Result<PasswordCheck> verify_password(UnitOfWork& work, std::string_view member_id,
                                                std::string_view password) = 0;
  // DB: writes (joins the open transaction). Fails: not_found, busy.
  virtual Result<void> set_password(UnitOfWork& work, std::string_view member_id, const PasswordHash& password) = 0;
  // Changes the member's email (normalised like create_member). Sessions
  // carry the email: the host drops its cached copies once this commits.
  // DB: writes (joins the open transaction).
  // Fails: taken (another member holds it, also when a concurrent change
  // took it a moment ago; an open transaction stays usable), not_found, busy.
  virtual Result<void> set_email(UnitOfWork& work, std::string_view member_id, std::string_view email) = 0;

  // Argon2id for other secrets (security answers): a PHC string, and its
  // check in constant time. Block like hash_password. DB: none.
  // Fails: busy. Inside an open write transaction: std::logic_error.
  virtual Result<std::string> hash_secret(UnitOfWork& work, std::string_view secret) = 0;
  virtual Result<bool> verify_secret(UnitOfWork& work, std::string_view phc_hash, std::string_view secret) = 0;

  // Opens a session for the member (the token is random 32 bytes; only its
  // SHA-256 is stored). DB: writes (joins the open transaction: open it in
  // the same transaction as the event that records it). Fails: busy.
  virtual Result<OpenedSession> open_session(UnitOfWork& work, std::string_view member_id, std::string_view ip,
                                             std::string_view user_agent) = 0;
  // Ends one session; unknown ids are not an error. The host's session cache
  // forgets it once the change commits. DB: writes. Fails: busy.
  virtual Result<void> revoke_session(UnitOfWork& work, std::string_view session_id) = 0;
  // Ends every session of the member but `except_session_id` (may be empty);
  // returns how many. DB: writes. Fails: busy.
  virtual Result<int> revoke_sessions(UnitOfWork& work, std::string_view member_id,
                                      std::string_view except_session_id) = 0;
  // Step-up: the session may do `Access::privileged` things until `until`.
  // DB: writes. Fails: busy.
  virtual Result<void> set_privileged_until(UnitOfWork& work, std::string_view session_id, TimePoint until) = 0;
  // Shown to admins as the member's `locked_until`; the epoch clears it. The
  // host does not enforce it: enforce locks with RateLimits. DB: writes.
  // Fails: busy.
  virtual Result<void> set_locked_until(UnitOfWork& work, std::string_view member_id, TimePoint until) = 0;

  // --- SDK 2.1 ---
  // Gives the session a new token and CSRF token and retires the old ones
  // (the session id, its expiry and its step-up state stay): call it when the
  // session gains privileges, so a token captured before the step-up is
  // worth nothing after it (OWASP session management). The host's session
  // cache forgets the old token once this commits. DB: writes (joins the
  // open transaction). Fails: not_found (no such live session), busy.
  virtual Result<OpenedSession> rotate_session(UnitOfWork& work, std::string_view session_id) = 0;

  // --- SDK 2.3 ---
  // The members among `member_ids` (at most 500; ids no member has are left
  // out), in member_id order: one query for a page of records that name
  // their members, rather than one find_by_id each. DB: reads.
  // Fails: busy; more than 500 ids is a bug: std::invalid_argument.
  virtual Result<std::vector<Member>> find_by_ids(UnitOfWork& work, const std::vector<std::string>& member_ids) = 0;

  // --- SDK 2.4 ---
  // Up to `limit` (1..1000) members whose member_id sorts after
  // `after_member_id` ("" for the first page), in member_id order: how to
  // walk every member in bounded steps (a send to all subscribers). An empty
  // page is the end. DB: reads. Fails: busy; a limit outside 1..1000 is a
  // bug: std::invalid_argument.
  virtual Result<std::vector<Member>> members_after(UnitOfWork& work, std::string_view after_member_id, int limit) = 0;

  // --- SDK 2.5 ---
  // How many members there are (one COUNT over the members table): the
  // audience of something every member gets unless they opted out.
  // DB: reads. Fails: busy.
  virtual Result<std::int64_t> member_count(UnitOfWork& work) = 0;

  // --- SDK 2.15 ---
  // The member's live sessions (not expired, not idle past the host's
  // sessions.idle_timeout), newest first, at most 200: where the member is
  // signed in. DB: reads. Fails: busy, unavailable.
  virtual Result<std::vector<MemberSession>> sessions_of(UnitOfWork& work, std::string_view member_id) = 0;
  // Ends one session if it is the member's (a member ending their own
  // sessions must not reach anyone else's): true when it ended, false when
  // the member has no live session with that id (ended already, never
  // theirs). Every daemon's session cache forgets it once `work` commits.
  // DB: writes (joins the open transaction). Fails: busy, unavailable.
  virtual Result<bool> revoke_member_session(UnitOfWork& work, std::string_view member_id,
                                             std::string_view session_id) = 0;
};

// ---------------------------------------------------------------------------
// Events: durable domain events between plugins.
struct Event {
  std::int64_t id;
  std::string type;     // "session.created"
  std::string payload;  // a JSON object, as text
  std::string occurred_at;
};

// What a subscriber returns: {} when the event is handled; a Failure (or a
// throw) rolls its writes back and has the same event offered again later.
using EventHandler = std::function<Result<void>(const Event& event, UnitOfWork& work)>;

class Events {
 public:
  virtual ~Events() = default;
  // Appends an event. In an open write transaction it exists exactly when
  // your change commits; publish inside the transaction of the change it
  // records. Never put secrets (passwords, tokens, answers) in a payload.
  // DB: writes. Fails: busy.
  virtual Result<void> publish(UnitOfWork& work, std::string_view type, const nlohmann::json& payload) = 0;
  // Call from start() only (else std::logic_error). `subscriber` names your
  // durable cursor ("security_level.sign_ins"): events of the `types` listed
  // are delivered in order, at least once, from where that cursor stopped —
  // across restarts and hot swaps — on the host's event thread. The handler
  // runs inside the delivery's write transaction on `work`: its writes
  // commit together with the cursor's advance, so its database effects
  // happen exactly once (mail and files may repeat). Do not open a
  // transaction of your own or hash there (std::logic_error).
  // Fails: never (a misuse throws).
  virtual void subscribe(std::string_view subscriber, std::vector<std::string> types, EventHandler handler) = 0;
};

// ---------------------------------------------------------------------------
// Mail: a durable outbox. A message is a row written through the unit; the
// host's mail worker delivers it after it commits (by default as a `.eml`
// file under `<data_dir>/mail/`).
struct MailMessage {
  std::string to;
  std::string subject;
  std::string text;
  std::string html;      // optional
  std::string category;  // empty for transactional (security) mail
  // Extra headers, e.g. List-Unsubscribe and List-Unsubscribe-Post for
  // category mail (RFC 8058). Names are letters, digits and '-'; the host's
  // own headers (From, To, Subject, Date, Message-ID, MIME-Version,
  // Content-*) cannot be replaced. A CR or LF in a value (or in `to` or
  // `subject`) is refused: enqueue throws std::invalid_argument (2.4).
  std::vector<std::pair<std::string, std::string>> headers = {};
};

class Mail {
 public:
  virtual ~Mail() = default;
  // Queues the message (joins the open transaction: queue it in the
  // transaction of the change it tells about). DB: writes. Fails: busy.
  // A CR or LF in `to`, `subject` or a header value, or a header name the
  // host keeps for itself, is a bug (nothing is queued): std::invalid_argument
  // (from SDK 2.4; 2.3 replaced line breaks with spaces). Check values that
  // come from outside before queuing them.
  virtual Result<void> enqueue(UnitOfWork& work, const MailMessage& message) = 0;

  // --- SDK 2.4 ---
  // Queues like enqueue, tagged with `batch` (1..64 of [A-Za-z0-9_.-]), which
  // the host prefixes with the plugin's name: the messages of one send are
  // followed together, by GET /api/v1/admin/outbox?batch=<plugin>:<batch>
  // and its summary (the console's progress of a send). DB: writes. Fails:
  // busy; a malformed batch is a bug: std::invalid_argument.
  virtual Result<void> enqueue_in_batch(UnitOfWork& work, const MailMessage& message, std::string_view batch) = 0;

  // --- SDK 2.5 ---
  // Queues transactional mail made from the plugin's template `name` (see
  // Host::add_mail_templates): each {{key}} of its subject, text and HTML
  // becomes the value given for it — HTML-escaped in the HTML part, as it is
  // in the others; a placeholder without a value stays as written. Joins the
  // open transaction like enqueue. DB: writes. Fails: busy. A template the
  // plugin never added is a bug: std::logic_error; a value that puts a CR or
  // LF into the subject is refused like enqueue's (std::invalid_argument).
  virtual Result<void> enqueue_template(UnitOfWork& work, std::string_view to, std::string_view name,
                                        const PlaceholderValues& values) = 0;
};

// ---------------------------------------------------------------------------
// Rate limits and lockouts, counted in the database (the tables
// `rate_limits` and `attempt_limits`), so they hold across restarts and across
// daemons sharing one PostgreSQL. Keys are yours to choose; the host prefixes
// them with your plugin's name. Keep a key under 200 bytes (longer ones are
// hashed) and bounded by what you validated, never a raw client string.

// Guarded attempts (a password, an answer): `attempts` failures per lock,
// then a lock that grows with each lock in a row (the last duration repeats:
// the cap).
struct AttemptPolicy {
  int attempts = 5;
  std::vector<std::chrono::seconds> lock_durations{std::chrono::minutes(1)};
};

struct AttemptState {
  bool locked = false;
  std::chrono::seconds retry_after{0};  // while locked: until the lock ends
  int attempts_left = 0;                // failures still allowed before the lock
};

class RateLimits {
 public:
  virtual ~RateLimits() = default;

  // Reserves one check of `key`'s secret BEFORE it is made. At most
  // `attempts - failures` checks of one key run at once, across daemons: a
  // further one waits (up to ~2 s) for one of them to finish, so a burst of
  // guesses can never have more checks decided than the lock allows, while
  // a burst of right answers (one member, many devices) all get through.
  // Report the outcome with attempt_succeeded, attempt_failed or
  // release_attempt; a reservation left unreported (a crash) lapses after
  // 30 s. DB: writes (short transactions of its own; the connection is given
  // back while it waits).
  // Fails: locked (retry_after, attempts_left 0), busy (no check finished in
  // time: retry_after 1 s). Inside an open write transaction:
  // std::logic_error (the reservation must survive a rollback).
  virtual Result<void> reserve_attempt(UnitOfWork& work, std::string_view key, const AttemptPolicy& policy) = 0;
  // The check succeeded and ends the flow: the key's failures and lock level
  // start over. DB: writes (joins the open transaction). Fails: busy.
  virtual Result<void> attempt_succeeded(UnitOfWork& work, std::string_view key) = 0;
  // The check failed: counts it, and locks the key once `attempts` failed in
  // a row. Returns the state after it (locked: retry_after is the new lock's
  // length). DB: writes (its own short transaction). Fails: busy.
  // Inside an open write transaction: std::logic_error.
  virtual Result<AttemptState> attempt_failed(UnitOfWork& work, std::string_view key,
                                              const AttemptPolicy& policy) = 0;
  // The check passed without ending the flow (a right password before the
  // answer), or did not happen (the hashing pool was busy): the reservation
  // is given back and nothing is counted. DB: writes. Fails: busy.
  virtual Result<void> release_attempt(UnitOfWork& work, std::string_view key) = 0;
  // The key's state, counting nothing. DB: reads. Fails: busy.
  virtual Result<AttemptState> attempt_state(UnitOfWork& work, std::string_view key, const AttemptPolicy& policy) = 0;

  // Counts one hit on `key` in a fixed window and refuses once the window
  // holds more than `limit`. DB: writes (its own atomic statement).
  // Fails: rate_limited (retry_after: until the window ends), busy.
  // Inside an open write transaction: std::logic_error.
  virtual Result<void> hit(UnitOfWork& work, std::string_view key, int limit, std::chrono::seconds window) = 0;
  // Refuses like hit() when the window already holds `limit` or more, without
  // counting. DB: reads. Fails: rate_limited, busy.
  virtual Result<void> check(UnitOfWork& work, std::string_view key, int limit, std::chrono::seconds window) = 0;

  // --- SDK 2.9 ---
  // Takes back one hit() that `key`'s current window counted: for a window
  // that counts what is feared BEFORE it is known (a guess is counted as a
  // failure before it is checked, so parallel guesses cannot all pass a cap
  // read before any of them was counted), once it turned out otherwise (the
  // password was right) or never happened (the check could not run). The
  // count never goes below zero, and a window that has ended is left alone
  // (the next hit starts a new one from nothing). A take_back that comes
  // after another hit started a new window takes from that one: `key`
  // names a window, not a hit, so keep the check between hit() and
  // take_back() short. DB: writes (one statement; joins the open
  // transaction). Fails: busy.
  virtual Result<void> take_back(UnitOfWork& work, std::string_view key, std::chrono::seconds window) = 0;
};

// ---------------------------------------------------------------------------
// Secrets: tokens for links and sessions, their storage form, comparisons.
// --- SDK 2.1 ---
// The rules every password must meet, whoever chooses it: a member joining,
// changing or resetting theirs, an admin creating a member. One policy for
// the whole daemon, set in the core's `passwords:` section (min_length,
// common_passwords_file), after NIST SP 800-63B 3.1.1.2: a length floor and
// ceiling counted in characters, a block list of common passwords and of the
// member's own email name, and no composition rules.
class PasswordRules {
 public:
  virtual ~PasswordRules() = default;
  // Why `password` may not be used by the member with `email` (their new or
  // current address), as one sentence to show them; nullopt when it may.
  // DB: none. Fails: never.
  virtual std::optional<std::string> problem(std::string_view password, std::string_view email) const = 0;
};

// One check of a member's secret, as reserved by SignInGuard::reserve. FROZEN
// from 2.1 on, like the structs listed in version.hpp.
struct SignInAttempt {
  std::string key;              // the counter it is charged to (opaque)
  std::string member_id;        // "" for an email nobody owns
  // Not charged to the account's lock, so its failures lock only their own
  // counter: a device this member signed in from before, or (2.14) a
  // flow's own budget (SignInFactors::verify_second_step_on_budget).
  bool trusted_device = false;
};

// The lock on a member's secrets, the same for every way in: the member
// sign-in, the console's, step-up and the answers in reset links (ASVS 5.0
// V6.3, OWASP's "device cookie" pattern). Failures from clients the member
// never signed in from share one counter per account and lock it, with
// escalating lengths that stop growing at the last one configured
// (`sign_in.lock_after_failures`, `sign_in.lock_durations`); a device that
// signed in as the member before (its `memberd_device` cookie, see
// session_cookies.hpp) has a counter of its own, so an attacker's failures
// elsewhere never lock the member out of their own devices. Every check is
// reserved BEFORE the secret is verified, so a burst of guesses can never
// have more checks decided than the lock allows.
class SignInGuard {
 public:
  virtual ~SignInGuard() = default;
  // Reserves one check of the secret of the account `email` (member_id: its
  // owner, "" if none) from the device whose cookie value is `device_token`
  // ("" if none; an unknown, expired or another member's token counts as
  // none). Report the outcome with failed, succeeded or release. DB: reads,
  // writes (short transactions of its own). Fails: locked (retry_after,
  // attempts_left 0), busy (too many checks of the account at once:
  // retry_after 1 s). Inside an open write transaction: std::logic_error.
  virtual Result<SignInAttempt> reserve(UnitOfWork& work, std::string_view email, std::string_view member_id,
                                        std::string_view device_token) = 0;
  // The secret was wrong: counts it; once `lock_after_failures` failed in a
  // row the counter locks (and an account's lock is recorded as the member's
  // locked_until). Returns the state after it. DB: writes (its own short
  // transactions). Fails: busy. Inside an open write transaction:
  // std::logic_error.
  virtual Result<AttemptState> failed(UnitOfWork& work, const SignInAttempt& attempt) = 0;
  // The secret was right and ends the flow: the attempt's counter starts
  // over (a trusted device's success leaves the account's lock for other
  // clients in place). DB: writes (joins the open transaction). Fails: busy.
  virtual Result<void> succeeded(UnitOfWork& work, const SignInAttempt& attempt) = 0;
  // The check passed without ending the flow, or never happened: the
  // reservation is given back, nothing is counted. DB: writes. Fails: busy.
  virtual Result<void> release(UnitOfWork& work, const SignInAttempt& attempt) = 0;
  // Remembers the device a member just signed in from and returns the
  // cookie value to set: `device_token` itself when it is already this
  // member's (its lifetime starts over), else a new random one (only its
  // SHA-256 is stored; a member keeps their 10 most recent devices).
  // DB: writes (joins the open transaction). Fails: busy, internal.
  virtual Result<std::string> trust_device(UnitOfWork& work, std::string_view member_id,
                                           std::string_view device_token) = 0;
  // How long a device stays trusted without signing in (the cookie's
  // Max-Age). Fails: never.
  virtual std::chrono::seconds trusted_device_lifetime() const = 0;
  // Ends the account's lock and forgets its failures: the member proved they
  // own the address (they completed a reset through the emailed link).
  // DB: writes (joins the open transaction). Fails: busy.
  virtual Result<void> unlock(UnitOfWork& work, std::string_view email, std::string_view member_id) = 0;

  // --- SDK 2.9 ---
  // Forgets every device `member_id` signed in from, except the one whose
  // cookie value is `keep_device_token` ("" keeps none): after their
  // password changed (or was reset), a device trusted with the old one must
  // not keep a guess budget of its own (it counts against the account's
  // lock again until it signs in with the new password). Returns how many
  // were forgotten. DB: writes (joins the open transaction). Fails: busy.
  virtual Result<int> forget_devices(UnitOfWork& work, std::string_view member_id,
                                     std::string_view keep_device_token) = 0;
};

class Secrets {
 public:
  virtual ~Secrets() = default;
  // `bytes` bytes from OpenSSL's CSPRNG as base64url without padding
  // (32 bytes: 43 characters, fit for links and cookies). DB: none.
  // Fails: internal (the CSPRNG failed; a weak token is never returned).
  virtual Result<std::string> random_token(std::size_t bytes = 32) const = 0;
  // SHA-256 as 64 lowercase hex digits: how to store a token so that a
  // database leak hands out nothing live. Fails: never.
  virtual std::string sha256_hex(std::string_view data) const = 0;
  // Equality in time that depends on the lengths only. Fails: never.
  virtual bool equal(std::string_view a, std::string_view b) const = 0;

  // --- SDK 2.4 ---
  // HMAC-SHA-256 of `data` under `key`, as 64 lowercase hex digits: a token
  // that proves the host made it without a table of tokens (compare with
  // equal()). Keep keys of 32 random bytes. Fails: never.
  virtual std::string hmac_sha256(std::string_view key, std::string_view data) const = 0;
};

// ---------------------------------------------------------------------------
// Logger: structured lines tagged with the plugin's name. Values whose names
// look like secrets (password, token, answer ...) are redacted, but never log
// secrets on purpose. DB: none. Fails: never.
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
// DB: none. Fails: never.
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
// prefix added to your names. In memory. Fails: never (a name or label that
// is not a valid Prometheus one is a bug: std::logic_error).
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
  // Adds a route; call from start() only (else std::logic_error). Routes are
  // published all at once when start() returns (a hot swap replaces the old
  // version's routes atomically). Two plugins may not claim the same method
  // and pattern: the second fails to load, naming the route.
  virtual void add_route(Route route) = 0;

  virtual Accounts& accounts() = 0;
  virtual Database& database() = 0;
  virtual Events& events() = 0;
  virtual Mail& mail() = 0;
  virtual RateLimits& rate_limits() = 0;
  virtual const Secrets& secrets() const = 0;
  virtual Logger& logger() = 0;
  virtual const Clock& clock() const = 0;
  virtual Metrics& metrics() = 0;
  // The daemon's data directory, for files a plugin keeps (photos).
  virtual std::string data_dir() const = 0;
  // The public base URL, for links in mail ("https://example.com").
  virtual std::string public_url() const = 0;
  // Whether session cookies must carry `Secure` (sessions.cookie_secure);
  // see session_cookies.hpp.
  virtual bool secure_cookies() const = 0;

  // --- SDK 2.1 ---
  virtual const PasswordRules& password_rules() const = 0;
  virtual SignInGuard& sign_in_guard() = 0;

  // --- SDK 2.2 (ui.hpp) ---
  // Serves `files` from memory at /account/plugins/<plugin>/<path> and
  // /console/plugins/<plugin>/<path>; the bytes are copied, so the list may
  // die after the call. Call from start() only (else std::logic_error).
  // Fails (the plugin does not load, the message names the file): a path
  // that is not relative, has an empty, "." or ".." segment, or a character
  // outside [A-Za-z0-9._/-]; a path given twice.
  virtual void add_ui_files(const std::vector<EmbeddedFile>& files) = 0;
  // Adds a member page or a console panel (see UiEntry). Call from start()
  // only. Checked when start() returns; the plugin does not load, naming
  // the entry, when its id is malformed or taken, its title empty, its
  // module or a style not among the files, or a console entry not admin.
  virtual void add_ui(UiEntry entry) = 0;

  // --- SDK 2.3 (geo.hpp) ---
  // Where an address is (geo.city_db, geo.anonymous_db). Fails: never; see
  // Geo::locate.
  virtual const Geo& geo() const = 0;

  // --- SDK 2.5 ---
  // The plugin's mail templates, for Mail::enqueue_template: `<name>.txt`
  // (its first line "Subject: ...", then the text) and optionally
  // `<name>.html` beside it, names of [a-z0-9_-]. The operator's copy,
  // <mail.templates_dir>/<plugin>/<name>.txt or .html (by default under
  // /etc/memberd/mail/), replaces the plugin's own file when it exists; it is
  // read now, so a reload or hot swap picks up an edit. Call from start()
  // only (else std::logic_error). Fails (the plugin does not load, the
  // message names the file): a .txt without its Subject line, an .html
  // without its .txt, a name outside [a-z0-9_-], an operator's file that
  // cannot be read.
  virtual void add_mail_templates(const std::vector<EmbeddedFile>& files) = 0;

  // --- SDK 2.6 (reviews.hpp) ---
  // The host's moderation queue: submit what a member would publish, learn
  // the admin's decision from review.approved / review.rejected events.
  virtual Reviews& reviews() = 0;

  // --- SDK 2.7 ---
  // Adds a route like add_route whose request bodies may take up to
  // `max_body_bytes` instead of the daemon's `http.max_body_bytes` (which
  // stays the limit of every other route): an upload. The transport
  // refuses a longer body with 413 from its Content-Length before reading
  // any of it, or as soon as a chunked body grows past the limit; the body
  // is held in memory, so keep the limit to what the route needs. Call
  // from start() only (else std::logic_error). Fails (the plugin does not
  // load, naming the route): a limit under 1 KiB or over 1 GiB.
  virtual void add_route_with_body_limit(Route route, std::size_t max_body_bytes) = 0;

  // --- SDK 2.8 ---
  // The path of a program the plugin ships beside its library, as
  // `<plugins.dir>/<name>`, for work a plugin runs in a process of its own
  // (the photo plugin decodes uploads in one, so that a bug in an image
  // library costs one upload, not the daemon). The file is checked as the
  // host checks plugin libraries before loading them: it and every directory
  // from it up to plugins.dir must be owned by root or the daemon's user and
  // writable by no one else (a symlink is followed, and so is the rule:
  // every directory a link of the chain lives in, and those on the way to
  // its target, must pass it too), and it must be a regular file the daemon
  // may execute. The path returned is the real one, links resolved. Starting, limiting and supervising the process is the plugin's
  // work. Fails with not_found, whose detail names the file and the rule it
  // broke: a name outside [a-z0-9_-], no such file, a file or directory
  // others could replace, a file that is not executable.
  virtual Result<std::string> plugin_program(std::string_view name) const = 0;

  // --- SDK 2.9 ---
  // Declares how the console shows one of your review kinds (reviews.hpp,
  // ReviewKind): its title, the reasons offered when rejecting, and the
  // module that renders an item. It leaves with your plugin's version, like
  // its UI entries. Call from start() only (else std::logic_error). Checked
  // when start() returns; the plugin does not load, naming the kind, when it
  // is not yours (your name or "<name>.<word>", of a-z, 0-9, _ and ., at
  // most 64 characters), is declared twice, its
  // title is empty or over 40 bytes, it has over 50 reasons or one empty or
  // over 500 bytes, or its module is not among your UI files.
  virtual void add_review_kind(ReviewKind kind) = 0;

  // --- SDK 2.10 ---
  // Your part of the HTTP contract: OpenAPI 3.1 fragments in YAML, each
  // holding only `paths` (keyed by your routes' patterns) and `components`
  // (whose names begin with your name in PascalCase: "SecurityLevel..." for
  // security_level), referring to the core's components (Problem, Time,
  // NextCursor, Limit, Cursor; see the served document) with $ref. The host
  // merges them into GET /api/v1/openapi.json while your version serves and
  // fills in each operation's access, security and tag from your routes.
  // memberd_add_plugin(... OPENAPI openapi.yaml) embeds the file as
  // openapi::files(). Call from start() only (else std::logic_error).
  // Fails (the plugin does not load, naming the file or the route): YAML
  // that does not parse, a top-level key other than paths and components, a
  // path or component given twice, an operation without `responses`, a
  // method and path you do not serve, a component name without your prefix.
  virtual void add_api_description(const std::vector<EmbeddedFile>& files) = 0;

  // --- SDK 2.12 (changes.hpp) ---
  // What you keep in memory, dropped on every daemon when any daemon
  // changes it. Fails: never.
  virtual Changes& changes() = 0;
  // Whether this daemon runs the cluster's once-only background work now:
  // of several daemons on one PostgreSQL exactly one leads (a database lock
  // held while its connection lives; another takes over within seconds when
  // that daemon stops or dies); on SQLite the one daemon always does. Ask it
  // before each round of a sweep that all daemons would otherwise repeat
  // (deleting old rows), and keep such work safe to run twice: two daemons
  // may both lead for a moment when the network splits. Fails: never.
  virtual bool leading() const = 0;

  // --- SDK 2.13 (sign_in_factors.hpp) ---
  // The second step of sign-in: challenges, the members who turned one on,
  // and their proofs. Fails: never.
  virtual SignInFactors& sign_in_factors() = 0;
  // Makes this plugin the provider of the second step of the members who
  // turn it on through it (SignInFactors::require_second_step). It serves
  // while this version does and is replaced with it on a hot swap. Call
  // from start() only (else std::logic_error); once per version.
  virtual void provide_second_step(std::shared_ptr<SecondStepProvider> provider) = 0;

  // --- SDK 2.15 (the admin audit log) ---
  // Every request an admin (or the operator on the local socket) makes to
  // an Access::admin route with a method other than GET or HEAD is one
  // record of the host's admin audit log (GET /api/v1/admin/audit), written
  // by the host once the handler has returned, whatever it answered:
  // result "done" below 400, "refused" for 4xx, "failed" for 5xx; with the
  // admin, the client address, the member named by the path's {member_id}
  // (else the JSON body's "member_id") and the body's "reason". A non-admin
  // refused by the host (401, 403) is no admin action and is not recorded.
  // An admin refused at the door for a missing CSRF token is recorded too. This names what one of your admin routes does there, as
  // "<your plugin name>.<verb>" ("email_service.send": a-z, 0-9, _ and .,
  // at most 64 characters); an unnamed route is logged as
  // "<METHOD> <pattern>". Call from start() only, after add_route() of that
  // route (else std::logic_error); a name not of that form, or a route that
  // is not one of your Access::admin routes: std::invalid_argument.
  virtual void name_admin_action(std::string_view method, std::string_view pattern, std::string_view action) = 0;
  // Writes the record of the admin action this request is in the open
  // transaction of its change (call it just before commit), with what else
  // the action names: `detail`, a JSON object as text (never a secret). The
  // record then commits or rolls back with the change: once it committed
  // the host writes none after the handler (whatever it answers after);
  // rolled back, the host records the handler's answer instead. Once per
  // request. DB: writes. Fails: busy, unavailable; internal outside an
  // admin route's request with a method other than GET or HEAD, outside a
  // transaction, or when called twice.
  virtual Result<void> record_admin_action(UnitOfWork& work, std::string_view detail) = 0;

  // --- SDK 2.16 ---
  // The plugin's part of every member's data: exported into the member's
  // archive and erased when their account is closed (memberd/member_data.hpp).
  // Call from start(), at most once; the provider is dropped with this
  // version of the plugin. Throws std::logic_error outside start(),
  // std::invalid_argument for a null provider or a second call.
  virtual void provide_member_data(std::shared_ptr<MemberDataProvider> provider) = 0;
};

}  // namespace memberd
