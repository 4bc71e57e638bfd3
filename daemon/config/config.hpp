#pragma once
// The daemon's own settings, typed. Plain structs whose in-class defaults are
// the defaults: a default-constructed CoreConfig equals what the shipped
// etc/memberd.yaml loads to (a unit test holds them together). Built by
// load_config() (config_loader.hpp), which has validated every value, so the
// code that reads these fields need not check them again.
//
// Named CoreConfig, not Config: memberd::Config is the SDK's interface through
// which a plugin reads its own section (sdk/include/memberd/config.hpp).

#include "config/host_port.hpp"

#include "log/logger.hpp"  // LogLevel (the SDK's) and LogFormat: what log.* configures

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace memberd {

// A plugin's section of the file, still as YAML: it can only be validated
// once the plugin is loaded and has declared its schema (plugin_config.hpp).
// Declared here and defined in plugin_section.hpp so that this header, which
// most of the daemon includes, stays free of yaml-cpp; a shared_ptr allows
// the incomplete type and keeps CoreConfig cheap to copy.
struct PluginSection;

struct TlsConfig {
  std::string cert;  // PEM files; both or neither, checked readable at load
  std::string key;

  bool enabled() const { return !cert.empty(); }
  bool operator==(const TlsConfig&) const = default;
};

struct HttpConfig {
  std::optional<HostPort> listen = HostPort{"127.0.0.1", 8080};  // nullopt: no TCP
  std::string public_url;  // "" means derived from listen: see public_base_url()
  TlsConfig tls;
  std::size_t max_body_bytes = 1'048'576;
  std::size_t max_header_bytes = 8192;
  std::chrono::seconds header_timeout{10};  // the whole header block: slowloris clients are cut
  std::chrono::seconds read_timeout{10};
  std::chrono::seconds write_timeout{10};
  std::chrono::seconds keep_alive_timeout{5};
  std::size_t keep_alive_max_requests = 1000;
  std::size_t io_threads = 0;           // 0: one per core; they own the connections
  std::size_t threads = 128;            // handler workers: > passwords.hashing_threads + hashing_queue
  std::size_t worker_queue = 1024;      // requests waiting for a worker; past it 503
  std::size_t worker_concurrency = 0;   // handlers run at once (0: by cores and database)
  std::size_t max_connections = 10000;  // >= threads; the open-files limit is raised to fit
  std::vector<std::string> trusted_proxies;  // validated IPs/CIDRs: ip_range.hpp parses them

  bool operator==(const HttpConfig&) const = default;
};

struct SocketConfig {
  std::string path = "run/memberd.sock";  // "" disables the Unix socket
  unsigned mode = 0660;

  bool operator==(const SocketConfig&) const = default;
};

struct DatabaseConfig {
  std::string url = "sqlite:var/memberd.db";  // sqlite:PATH or postgresql://...
  std::size_t pool_size = 8;
  std::chrono::milliseconds busy_timeout{5000};  // SQLite counts it in ms

  bool operator==(const DatabaseConfig&) const = default;
};

struct PluginsConfig {
  std::string dir = "build/plugins";
  std::vector<std::string> enabled;  // plugin names, no duplicates
  bool watch = false;                // reload a plugin when its file is replaced
  std::chrono::milliseconds watch_interval{1000};

  bool operator==(const PluginsConfig&) const = default;
};


struct LogConfig {
  LogLevel level = LogLevel::info;
  LogFormat format = LogFormat::text;

  bool operator==(const LogConfig&) const = default;
};

// "auto": Secure cookies when the request came over TLS (directly, or through
// a trusted proxy that says so).
enum class CookieSecure { automatic, always, never };

struct SessionsConfig {
  std::chrono::seconds idle_timeout{30 * 60};
  std::chrono::seconds absolute_timeout{12 * 60 * 60};  // >= idle_timeout
  // How long a daemon may answer from its memory for a session it checked
  // recently; 0 asks the database every time. Changes made through any
  // daemon reach every cache at once (storage/change_feed.hpp); only a change
  // made to the database by hand waits this long.
  std::chrono::milliseconds cache_ttl{30000};
  CookieSecure cookie_secure = CookieSecure::automatic;

  bool operator==(const SessionsConfig&) const = default;
};

struct PasswordsConfig {
  // OWASP's Argon2id minimum: m = 19 MiB, t = 2, p = 1.
  std::uint32_t argon2_memory_kib = 19456;
  std::uint32_t argon2_iterations = 2;
  std::uint32_t argon2_parallelism = 1;
  std::size_t hashing_threads = 2;  // a bounded pool: a sign-in flood cannot starve requests
  std::size_t hashing_queue = 64;   // waiting hashes beyond this are refused (503)
  // One policy for every password, whoever sets it (NIST SP 800-63B).
  std::size_t min_length = 12;
  std::string common_passwords_file = "/usr/share/dict/cracklib-small";

  bool operator==(const PasswordsConfig&) const = default;
};

struct RateLimitsConfig {
  std::uint32_t admin_sign_in_per_minute = 10;  // per client address

  bool operator==(const RateLimitsConfig&) const = default;
};

// The lock on members' secrets, shared by every way in.
struct SignInConfig {
  std::uint32_t lock_after_failures = 5;
  std::vector<std::chrono::seconds> lock_durations{std::chrono::minutes(1), std::chrono::minutes(5),
                                                   std::chrono::minutes(15), std::chrono::minutes(60)};
  std::chrono::seconds trusted_device_lifetime{std::chrono::hours(24 * 180)};

  bool operator==(const SignInConfig&) const = default;
};

// A relay reached over smtp:// or smtps:// (mail.smtp).
struct SmtpConfig {
  // true: refuse a smtp:// relay that does not offer STARTTLS (smtps:// is
  // TLS from the start); false: STARTTLS when offered; nullopt ("auto"):
  // true with credentials or a relay beyond loopback (config/smtp_tls.hpp).
  std::optional<bool> require_tls;
  std::string username;  // AUTH when set
  // The AUTH password: from the config, or from the environment variable
  // named by password_env (read once at start); never logged.
  std::string password;
  std::string password_env;
  std::string ca_file;  // CA bundle the relay's certificate must chain to; "" is the system's
  // For the conversation up to the message data: connect, greeting, TLS,
  // AUTH, MAIL, RCPT, DATA.
  std::chrono::seconds timeout{30};
  // From the relay's go-ahead for the data (354) to its final reply: RFC
  // 5321 4.5.3.2.6 gives the end of the data 10 minutes, because a relay
  // may check the whole message before it answers. No reply in time leaves
  // the outcome unknown (the message is not sent again).
  std::chrono::seconds data_timeout{600};

  bool operator==(const SmtpConfig&) const = default;
};

struct MailConfig {
  // "file" (.eml under data_dir/mail/), "smtp://host:port" or "smtps://host:port"
  std::string transport = "file";
  std::string from = "memberd <no-reply@localhost>";
  // How long a sent or failed message's row (recipient, subject, status; the
  // body is gone on delivery) stays for support questions.
  std::chrono::seconds keep_sent_for{std::chrono::hours(24 * 30)};
  // Retries of a relay that is down or answers 4xx: the first after about
  // retry_first_delay, doubling to retry_max_delay, each with jitter; a
  // message still undelivered give_up_after its queuing fails.
  std::chrono::seconds retry_first_delay{30};
  std::chrono::seconds retry_max_delay{std::chrono::hours(1)};
  std::chrono::seconds give_up_after{std::chrono::hours(48)};
  // Messages this daemon hands to the relay at once, each lane on its own
  // kept connection (1-32).
  int connections = 4;
  // The operator's mail templates: <templates_dir>/<plugin>/<name>.txt and
  // .html replace a plugin's own; a missing directory or file keeps them.
  std::string templates_dir = "/etc/memberd/mail";
  SmtpConfig smtp;

  bool operator==(const MailConfig&) const = default;
};

struct BootstrapConfig {
  std::string admin_email = "admin@memberd.local";

  bool operator==(const BootstrapConfig&) const = default;
};

struct ShutdownConfig {
  // Served on after SIGTERM while /readyz says "stopping", so that a
  // balancer's health checks take the daemon out before it closes anything.
  std::chrono::seconds lame_duck{5};
  std::chrono::seconds drain_timeout{10};

  bool operator==(const ShutdownConfig&) const = default;
};

struct ConsoleConfig {
  bool enabled = true;

  bool operator==(const ConsoleConfig&) const = default;
};

// MaxMind DB files for where sign-ins come from (the host's Geo service).
// Empty: not configured, every address is "Unknown".
struct GeoConfig {
  std::string city_db;       // GeoLite2/GeoIP2 City or Country
  std::string anonymous_db;  // GeoIP2 Anonymous IP
  std::chrono::seconds check_interval{60};  // how often a replaced file is looked for

  bool operator==(const GeoConfig&) const = default;
};

// How long the history the daemon keeps stays, and how often expired rows
// are deleted (expired sessions, rate-limit windows and sent mail too).
struct RetentionConfig {
  std::chrono::seconds interval{60};
  // Review revisions a newer submission replaced, or the member withdrew
  // (earlier profile and photo drafts), with their history: after submission.
  std::chrono::seconds superseded_reviews{std::chrono::hours(24 * 30)};
  // Approved and rejected review items with their history, after the
  // decision; 0 keeps them.
  std::chrono::seconds decided_reviews{std::chrono::hours(24 * 365)};
  // Domain events, once every subscriber active within this time has seen them.
  std::chrono::seconds events{std::chrono::hours(24 * 30)};
  // The admin audit log's records, this long after the action.
  std::chrono::seconds audit{std::chrono::hours(24 * 730)};

  bool operator==(const RetentionConfig&) const = default;
};

// A member's own account as a whole (issue 32): closing it, taking its data.
struct AccountsConfig {
  // Between asking to close and the erasure: signing in offers to keep it.
  std::chrono::seconds closure_grace{std::chrono::hours(24 * 14)};
  // "Download my data" per member per day (each reads everything they have).
  int exports_per_day = 3;
  // An archive larger than this is not answered at once but kept, and a
  // link to it mailed to the member, valid for export_link_lifetime.
  std::int64_t export_at_once_bytes = 4 << 20;
  std::chrono::seconds export_link_lifetime{std::chrono::hours(24)};

  bool operator==(const AccountsConfig&) const = default;
};

struct CoreConfig {
  HttpConfig http;
  SocketConfig socket;
  DatabaseConfig database;
  std::string data_dir = "var";
  PluginsConfig plugins;
  LogConfig log;
  SessionsConfig sessions;
  PasswordsConfig passwords;
  RateLimitsConfig rate_limits;
  SignInConfig sign_in;
  MailConfig mail;
  BootstrapConfig bootstrap;
  ShutdownConfig shutdown;
  ConsoleConfig console;
  GeoConfig geo;
  RetentionConfig retention;
  AccountsConfig accounts;

  // Sections of enabled plugins, by plugin name; an enabled plugin without a
  // section has no entry (its keys all take their defaults).
  std::map<std::string, std::shared_ptr<const PluginSection>> plugin_sections;

  // Plugin sections compare by identity: to compare their values, validate
  // them with their plugin's schema first.
  bool operator==(const CoreConfig&) const = default;
};

// The base of links in mail: http.public_url without a trailing '/', or, when
// empty, http(s)://host:port from http.listen (https when TLS is on; a
// wildcard address becomes "localhost"). "" when neither is set.
std::string public_base_url(const HttpConfig& http);

// The names of the core's top-level keys: no plugin may be named like one.
const std::vector<std::string>& core_section_names();

}  // namespace memberd
