#include "config/core_reader.hpp"

#include <memberd/email_address.hpp>

#include "config/core_binding.hpp"
#include "config/duration.hpp"
#include "config/ip_range.hpp"
#include "config/plugin_section.hpp"
#include "config/smtp_tls.hpp"
#include "config/value_checks.hpp"
#include "config/yaml_reader.hpp"
#include "config/yaml_scalar.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace memberd {

namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Why a TLS or CA file cannot be used, or "" when it can.
std::string unreadable_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return "no such file";
  if (!std::filesystem::is_regular_file(path, ec)) return "not a regular file";
  std::ifstream file(path);
  if (!file) return std::strerror(errno);
  return {};
}

// A file the daemon reads at start: "" (none) or one it can read now. An
// unreadable one is kept all the same, so that checks across keys (TLS
// needs both files) see it set and add nothing to the error it has.
template <class S>
CoreSection<S>& readable_file(CoreSection<S>& section, std::string name, std::string S::*field,
                              std::string description) {
  return section.key(
      std::move(name), ConfigType::string, std::move(description),
      [field](const ConfigValue& v, S& s) {
        auto path = v.string();
        if (!path) return;
        s.*field = *path;
        if (!path->empty())
          if (const std::string why = unreadable_file(*path); !why.empty())
            v.error("cannot read " + in_quotes(*path) + ": " + why);
      },
      [field](const S& s) { return yaml_quoted(s.*field); });
}

// Sent on the SMTP conversation's command lines: one line.
template <class S>
CoreSection<S>& one_line(CoreSection<S>& section, std::string name, std::string S::*field, std::string description) {
  return section.key(
      std::move(name), ConfigType::string, std::move(description),
      [field](const ConfigValue& v, S& s) {
        auto text = v.string();
        if (!text) return;
        if (text->find_first_of("\r\n") != std::string::npos) return v.error("may not contain a line break");
        s.*field = *text;
      },
      [field](const S& s) { return yaml_quoted(s.*field); });
}

std::string flow_list(const std::vector<std::string>& items) {
  std::string text = "[";
  for (const auto& item : items) text += (text.size() > 1 ? ", " : "") + item;
  return text + "]";
}

CoreSection<TlsConfig> tls_keys() {
  CoreSection<TlsConfig> tls;
  readable_file(tls, "cert", &TlsConfig::cert, "PEM certificate chain; TLS needs both cert and key, or neither");
  readable_file(tls, "key", &TlsConfig::key, "PEM private key of the certificate");
  tls.after([](const ConfigValue& value, const TlsConfig& t, const KeyLocations& seen) {
    if (t.cert.empty() == t.key.empty()) return;
    const bool cert_set = !t.cert.empty();
    value.errors().add(cert_set ? seen["http.tls.cert"] : seen["http.tls.key"],
                       cert_set ? "http.tls.key" : "http.tls.cert",
                       cert_set ? "missing: http.tls.cert is set, and TLS needs both or neither"
                                : "missing: http.tls.key is set, and TLS needs both or neither");
  });
  return tls;
}

CoreSection<HttpConfig> http_keys() {
  CoreSection<HttpConfig> http;
  http.key(
      "listen", ConfigType::string, "Address for HTTP(S), host:port ([::1]:8080 for IPv6; port 0: any free port); \"\" for no TCP",
      [](const ConfigValue& v, HttpConfig& h) {
        auto text = v.string();
        if (!text) return;
        if (text->empty()) return h.listen.reset();
        std::string why;
        if (auto address = parse_host_port(*text, &why, /*allow_any_port=*/true))
          h.listen = *address;
        else
          v.error(in_quotes(*text) + " is not host:port (" + why + ")");
      },
      [](const HttpConfig& h) { return yaml_quoted(h.listen ? format_host_port(*h.listen) : ""); });
  http.key(
      "public_url", ConfigType::string, "Base URL of links in mail; \"\" derives it from listen",
      [](const ConfigValue& v, HttpConfig& h) {
        auto url = v.string();
        if (!url) return;
        const bool http_scheme = url->rfind("http://", 0) == 0 && url->size() > 7;
        const bool https_scheme = url->rfind("https://", 0) == 0 && url->size() > 8;
        if (!url->empty() && !http_scheme && !https_scheme)
          return v.error(in_quotes(*url) + " is not an http:// or https:// URL");
        h.public_url = *url;
      },
      [](const HttpConfig& h) { return yaml_quoted(h.public_url); });
  http.section("tls", &HttpConfig::tls, tls_keys());
  http.count("max_body_bytes", &HttpConfig::max_body_bytes, 1024, "Largest request body accepted (larger gets 413)");
  http.count("max_header_bytes", &HttpConfig::max_header_bytes, 1024,
             "Largest request line and header block (larger gets 431)", 65536);
  http.seconds("header_timeout", &HttpConfig::header_timeout, seconds(1),
               "How long a client may take to send the whole header block");
  http.seconds("read_timeout", &HttpConfig::read_timeout, seconds(1), "How long a client may take to send the body");
  http.seconds("write_timeout", &HttpConfig::write_timeout, seconds(1),
               "How long a client may take to read the response");
  http.seconds("keep_alive_timeout", &HttpConfig::keep_alive_timeout, seconds(1),
               "How long a kept-alive connection may wait for its next request");
  http.count("keep_alive_max_requests", &HttpConfig::keep_alive_max_requests, 1,
             "Requests one connection may carry before it is closed");
  http.count("io_threads", &HttpConfig::io_threads, 0, "Threads that own the connections (0: one per core)", 64);
  http.count("threads", &HttpConfig::threads, 2, "Threads that run handlers", 1024);
  http.count("worker_queue", &HttpConfig::worker_queue, 1, "Requests that may wait for a handler thread; past it 503");
  http.count("worker_concurrency", &HttpConfig::worker_concurrency, 0,
             "Handler threads handed requests at once (0: one per core, plus database.pool_size on PostgreSQL)", 1024);
  http.count("max_connections", &HttpConfig::max_connections, 1,
             "Open connections allowed at once (at least threads); past it 503");
  http.key(
      "trusted_proxies", ConfigType::string_list,
      "Reverse proxies (IP addresses or CIDR blocks) whose X-Forwarded-For and X-Forwarded-Proto are believed",
      [](const ConfigValue& v, HttpConfig& h) {
        auto items = v.string_list();
        if (!items) return;
        bool all_valid = true;
        for (std::size_t i = 0; i < items->size(); ++i) {
          std::string why;
          if (!parse_ip_range((*items)[i], &why)) {
            all_valid = false;
            const YAML::Node& item = v.node()[i];
            v.child(item, v.path() + "[" + std::to_string(i) + "]", YAML::Mark::null_mark())
                .error(in_quotes((*items)[i]) + " is not an IP address or CIDR block (" + why + ")");
          }
        }
        if (all_valid) h.trusted_proxies = *items;
      },
      [](const HttpConfig& h) { return flow_list(h.trusted_proxies); });
  http.after([](const ConfigValue& value, const HttpConfig& h, const KeyLocations& seen) {
    if (h.max_connections < h.threads)
      value.errors().add(seen.has("http.max_connections") ? seen["http.max_connections"] : seen["http.threads"],
                         "http.max_connections",
                         "must be at least http.threads (" + std::to_string(h.threads) + "), got " +
                             std::to_string(h.max_connections));
    if (h.worker_concurrency > h.threads)
      value.errors().add(seen["http.worker_concurrency"], "http.worker_concurrency",
                         "must be at most http.threads (" + std::to_string(h.threads) + "), got " +
                             std::to_string(h.worker_concurrency));
  });
  return http;
}

CoreSection<SocketConfig> socket_keys() {
  CoreSection<SocketConfig> socket;
  socket.text("path", &SocketConfig::path, "Unix socket for memberctl, the operator's CLI; \"\" disables it");
  socket.key(
      "mode", ConfigType::string, "The socket's permissions, octal digits as chmod reads them (at most 0777)",
      [](const ConfigValue& v, SocketConfig& s) {
        // Always octal digits, as chmod reads them. An unquoted 0660 is the
        // integer 660 for YAML 1.2 (and 432 for yaml-cpp's as<int>), so the
        // scalar's text is read instead, quoted or not.
        if (!v.node().IsScalar())
          return v.error("expected an octal mode like \"0660\", got " + describe_yaml(v.node()));
        if (auto mode = parse_file_mode(v.node().Scalar()))
          s.mode = *mode;
        else
          v.error(in_quotes(v.node().Scalar()) + " is not an octal mode between 0 and 0777");
      },
      [](const SocketConfig& s) {
        char text[8];
        std::snprintf(text, sizeof text, "%04o", s.mode);
        return yaml_quoted(text);
      });
  return socket;
}

CoreSection<DatabaseConfig> database_keys() {
  CoreSection<DatabaseConfig> database;
  database.key(
      "url", ConfigType::string, "sqlite:PATH, or postgresql://user:password@host:port/dbname to share one database",
      [](const ConfigValue& v, DatabaseConfig& d) {
        auto url = v.string();
        if (!url) return;
        const bool sqlite = url->rfind("sqlite:", 0) == 0 && url->size() > 7;
        const bool postgres = (url->rfind("postgresql://", 0) == 0 && url->size() > 13) ||
                              (url->rfind("postgres://", 0) == 0 && url->size() > 11);
        if (!sqlite && !postgres) return v.error(in_quotes(*url) + " is not sqlite:PATH or a postgresql:// URL");
        d.url = *url;
      },
      [](const DatabaseConfig& d) { return yaml_quoted(d.url); });
  database.count("pool_size", &DatabaseConfig::pool_size, 1, "Connections in the pool", 256);
  // Zero would make concurrent SQLite writers fail at once with "database is locked".
  database.millis("busy_timeout", &DatabaseConfig::busy_timeout, milliseconds(1),
                  "How long an SQLite writer waits for a lock before \"database is locked\"");
  return database;
}

CoreSection<PluginsConfig> plugins_keys() {
  CoreSection<PluginsConfig> plugins;
  plugins.path("dir", &PluginsConfig::dir, "Directory holding the plugin libraries (<name>.so)");
  plugins.key(
      "enabled", ConfigType::string_list, "Plugins to load, by name",
      [](const ConfigValue& v, PluginsConfig& p) {
        auto names = v.string_list();
        if (!names) return;
        // Keep the valid names even when some are not: they decide which
        // top-level sections are plugin sections, and one typo in the list
        // should not turn every section into an "unknown key" error.
        p.enabled.clear();
        const auto& core = core_section_names();
        for (std::size_t i = 0; i < names->size(); ++i) {
          const std::string& name = (*names)[i];
          const ConfigValue item =
              v.child(v.node()[i], v.path() + "[" + std::to_string(i) + "]", YAML::Mark::null_mark());
          if (!is_plugin_name(name))
            item.error(in_quotes(name) + " is not a plugin name ([a-z][a-z0-9_]*)");
          else if (std::find(core.begin(), core.end(), name) != core.end())
            item.error(in_quotes(name) + " is a core section, not a plugin");
          else if (std::find(p.enabled.begin(), p.enabled.end(), name) != p.enabled.end())
            item.error(in_quotes(name) + " is listed twice");
          else
            p.enabled.push_back(name);
        }
      },
      [](const PluginsConfig& p) { return flow_list(p.enabled); });
  plugins.flag("watch", &PluginsConfig::watch, "Reload a plugin when its file in dir is replaced");
  // Below 100ms the watcher would mostly burn CPU.
  plugins.millis("watch_interval", &PluginsConfig::watch_interval, milliseconds(100),
                 "How often the watcher looks at the plugin files");
  return plugins;
}

CoreSection<LogConfig> log_keys() {
  CoreSection<LogConfig> log;
  log.choice("level", &LogConfig::level,
             {{"debug", LogLevel::debug}, {"info", LogLevel::info}, {"warn", LogLevel::warn}, {"error", LogLevel::error}},
             "debug | info | warn | error");
  log.choice("format", &LogConfig::format, {{"text", LogFormat::text}, {"json", LogFormat::json}},
             "text | json (one JSON object per line)");
  return log;
}

CoreSection<SessionsConfig> sessions_keys() {
  CoreSection<SessionsConfig> sessions;
  sessions.seconds("idle_timeout", &SessionsConfig::idle_timeout, seconds(1),
                   "A session ends after this long without a request");
  sessions.seconds("absolute_timeout", &SessionsConfig::absolute_timeout, seconds(1),
                   "...and in any case this long after sign-in (at least idle_timeout)");
  sessions.millis("cache_ttl", &SessionsConfig::cache_ttl, milliseconds(0),
                  "How long a daemon trusts its memory of a session it checked (0: always read the database)");
  sessions.choice("cookie_secure", &SessionsConfig::cookie_secure,
                  {{"auto", CookieSecure::automatic}, {"always", CookieSecure::always}, {"never", CookieSecure::never}},
                  "Secure flag on session cookies: auto (over HTTPS) | always | never");
  sessions.after([](const ConfigValue& value, const SessionsConfig& s, const KeyLocations& seen) {
    if (s.absolute_timeout < s.idle_timeout)
      value.errors().add(seen.has("sessions.absolute_timeout") ? seen["sessions.absolute_timeout"]
                                                               : seen["sessions.idle_timeout"],
                         "sessions.absolute_timeout",
                         "must be at least sessions.idle_timeout (" + format_duration(s.idle_timeout) + "), got " +
                             format_duration(s.absolute_timeout));
  });
  return sessions;
}

CoreSection<PasswordsConfig> passwords_keys() {
  CoreSection<PasswordsConfig> passwords;
  passwords.count("argon2_memory_kib", &PasswordsConfig::argon2_memory_kib, 8192, "Argon2id memory cost, in KiB");
  passwords.count("argon2_iterations", &PasswordsConfig::argon2_iterations, 1, "Argon2id passes");
  passwords.count("argon2_parallelism", &PasswordsConfig::argon2_parallelism, 1, "Argon2id lanes", 16);
  passwords.count("hashing_threads", &PasswordsConfig::hashing_threads, 1, "Threads that hash passwords");
  passwords.count("hashing_queue", &PasswordsConfig::hashing_queue, 1, "Hashes that may wait; beyond it refused");
  // NIST SP 800-63B: at least 8; past 256 a password is not typed but pasted.
  passwords.count("min_length", &PasswordsConfig::min_length, 8, "Fewest characters in a password", 256);
  passwords.path("common_passwords_file", &PasswordsConfig::common_passwords_file,
                 "Passwords refused as too common, one per line");
  return passwords;
}

CoreSection<SignInConfig> sign_in_keys() {
  CoreSection<SignInConfig> sign_in;
  // NIST SP 800-63B 5.2.2 allows up to 100 consecutive failures.
  sign_in.count("lock_after_failures", &SignInConfig::lock_after_failures, 1,
                "Wrong passwords or answers in a row, from unknown clients, before the account locks for them", 100);
  sign_in.key(
      "lock_durations", ConfigType::duration_list, "Lock lengths, escalating with each lock in a row; the last repeats",
      [](const ConfigValue& v, SignInConfig& s) {
        if (auto durations = v.duration_list()) s.lock_durations = *durations;
      },
      [](const SignInConfig& s) {
        std::vector<std::string> items;
        for (auto d : s.lock_durations) items.push_back(format_duration(d));
        return flow_list(items);
      });
  sign_in.seconds("trusted_device_lifetime", &SignInConfig::trusted_device_lifetime, seconds{60},
                  "How long a browser the member signed in from stays trusted without a sign-in");
  return sign_in;
}

CoreSection<RateLimitsConfig> rate_limits_keys() {
  CoreSection<RateLimitsConfig> limits;
  // Zero would lock every admin out.
  limits.count("admin_sign_in_per_minute", &RateLimitsConfig::admin_sign_in_per_minute, 1,
               "Admin sign-in attempts per minute per client address");
  return limits;
}

CoreSection<SmtpConfig> smtp_keys() {
  CoreSection<SmtpConfig> smtp;
  smtp.key(
      "require_tls", ConfigType::string,
      "true: refuse a smtp:// relay without STARTTLS; false: STARTTLS when offered; auto: true with a username or "
      "a relay beyond loopback",
      [](const ConfigValue& v, SmtpConfig& s) {
        auto text = v.string();
        if (!text) return;
        if (*text == "auto")
          s.require_tls.reset();
        else if (auto required = parse_yaml_bool(*text))
          s.require_tls = *required;
        else
          v.error("expected true, false or auto, got " + in_quotes(*text));
      },
      [](const SmtpConfig& s) { return std::string(!s.require_tls ? "auto" : *s.require_tls ? "true" : "false"); });
  one_line(smtp, "username", &SmtpConfig::username, "AUTH when set");
  one_line(smtp, "password", &SmtpConfig::password, "The AUTH password (better: password_env); never logged");
  one_line(smtp, "password_env", &SmtpConfig::password_env, "The environment variable holding the AUTH password");
  readable_file(smtp, "ca_file", &SmtpConfig::ca_file, "CA bundle the relay's certificate must chain to (\"\": the system's)");
  smtp.seconds("timeout", &SmtpConfig::timeout, seconds{1}, "The SMTP conversation up to the message data, in all");
  smtp.seconds("data_timeout", &SmtpConfig::data_timeout, seconds{1},
               "From the relay's go-ahead for the data to its final reply");
  smtp.after([](const ConfigValue& value, const SmtpConfig& s, const KeyLocations&) {
    if (!s.password.empty() && !s.password_env.empty())
      value.errors().add(value.where(), "mail.smtp", "password and password_env are both set: keep one");
    if (s.username.empty() && (!s.password.empty() || !s.password_env.empty()))
      value.errors().add(value.where(), "mail.smtp.username", "missing: a password is set, and AUTH needs a username");
  });
  return smtp;
}

CoreSection<MailConfig> mail_keys() {
  CoreSection<MailConfig> mail;
  mail.key(
      "transport", ConfigType::string, "file (.eml files under <data_dir>/mail/), smtp://host:port or smtps://host:port",
      [](const ConfigValue& v, MailConfig& m) {
        auto transport = v.string();
        if (!transport) return;
        if (*transport != "file") {
          const std::string refused = in_quotes(*transport) + " is not file, smtp://host:port or smtps://host:port";
          std::string_view scheme = transport->rfind("smtp://", 0) == 0    ? "smtp://"
                                    : transport->rfind("smtps://", 0) == 0 ? "smtps://"
                                                                           : "";
          if (scheme.empty()) return v.error(refused);
          std::string why;
          if (!parse_host_port(std::string_view(*transport).substr(scheme.size()), &why))
            return v.error(refused + " (" + why + ")");
        }
        m.transport = *transport;
      },
      [](const MailConfig& m) { return yaml_quoted(m.transport); });
  mail.key(
      "from", ConfigType::string, "From header of every message: address or \"Name <address>\"",
      [](const ConfigValue& v, MailConfig& m) {
        auto from = v.string();
        if (!from) return;
        if (!looks_like_mailbox(*from)) return v.error(in_quotes(*from) + " is not an address or \"Name <address>\"");
        m.from = *from;
      },
      [](const MailConfig& m) { return yaml_quoted(m.from); });
  mail.seconds("keep_sent_for", &MailConfig::keep_sent_for, seconds{60},
               "How long a sent or failed message's row is kept");
  mail.seconds("retry_first_delay", &MailConfig::retry_first_delay, seconds{1},
               "The first retry of a relay that is down or answers 4xx, about this long after");
  mail.seconds("retry_max_delay", &MailConfig::retry_max_delay, seconds{1}, "Retries double up to this");
  mail.seconds("give_up_after", &MailConfig::give_up_after, seconds{1},
               "A message still not delivered this long after queuing fails");
  mail.count("connections", &MailConfig::connections, 1, "Messages handed to the relay at once", 32);
  mail.text("templates_dir", &MailConfig::templates_dir,
            "The operator's mail templates: <templates_dir>/<plugin>/<name>.txt or .html replace a plugin's own");
  mail.section("smtp", &MailConfig::smtp, smtp_keys());
  mail.after([](const ConfigValue& value, const MailConfig& m, const KeyLocations&) {
    if (auto problem = smtp_credentials_problem(m); !problem.empty())
      value.errors().add(value.where(), "mail.smtp.require_tls", problem);
    if (m.retry_max_delay < m.retry_first_delay)
      value.errors().add(value.where(), "mail.retry_max_delay", "is shorter than mail.retry_first_delay");
  });
  return mail;
}

CoreSection<BootstrapConfig> bootstrap_keys() {
  CoreSection<BootstrapConfig> bootstrap;
  bootstrap.key(
      "admin_email", ConfigType::string, "Email of the administrator account created on first start",
      [](const ConfigValue& v, BootstrapConfig& b) {
        auto email = v.string();
        if (!email) return;
        // The account system's own check: an address it would refuse must not
        // pass here and fail only at the first start.
        if (!looks_like_email(*email)) return v.error(in_quotes(*email) + " is not an email address");
        b.admin_email = *email;
      },
      [](const BootstrapConfig& b) { return yaml_quoted(b.admin_email); });
  return bootstrap;
}

CoreSection<ShutdownConfig> shutdown_keys() {
  CoreSection<ShutdownConfig> shutdown;
  // Zero is allowed for both: no lame duck (a daemon no balancer checks),
  // and stop without waiting for requests in flight.
  shutdown.seconds("lame_duck", &ShutdownConfig::lame_duck, seconds(0),
                   "On SIGTERM, how long to serve on while /readyz answers 503 stopping");
  shutdown.seconds("drain_timeout", &ShutdownConfig::drain_timeout, seconds(0),
                   "On SIGTERM, how long requests in flight may take to finish");
  shutdown.after([](const ConfigValue& value, const ShutdownConfig& s, const KeyLocations& seen) {
    // Longer is a stop that never seems to come (the unit's TimeoutStopSec,
    // 30 s as shipped, kills it first).
    if (s.lame_duck > std::chrono::minutes(5))
      value.errors().add(seen["shutdown.lame_duck"], "shutdown.lame_duck",
                         "must be at most 5m, got " + format_duration(s.lame_duck));
  });
  return shutdown;
}

CoreSection<ConsoleConfig> console_keys() {
  CoreSection<ConsoleConfig> console;
  console.flag("enabled", &ConsoleConfig::enabled, "Serve the admin console at /console");
  return console;
}

CoreSection<GeoConfig> geo_keys() {
  CoreSection<GeoConfig> geo;
  // "" leaves a database out.
  geo.text("city_db", &GeoConfig::city_db, "MaxMind City or Country database (\"\": none)");
  geo.text("anonymous_db", &GeoConfig::anonymous_db, "MaxMind Anonymous IP database (\"\": none)");
  geo.seconds("check_interval", &GeoConfig::check_interval, seconds(1), "How often a replaced file is looked for");
  return geo;
}

CoreSection<RetentionConfig> retention_keys() {
  CoreSection<RetentionConfig> retention;
  retention.seconds("interval", &RetentionConfig::interval, seconds(1), "How often expired rows are deleted");
  retention.seconds("superseded_reviews", &RetentionConfig::superseded_reviews, seconds(1),
                    "Review revisions replaced or withdrawn, this long after they were submitted");
  retention.seconds("decided_reviews", &RetentionConfig::decided_reviews, seconds(0),
                    "Decided review items, this long after the decision (0s keeps them)");
  retention.seconds("events", &RetentionConfig::events, seconds(1), "Domain events, this long after they happened");
  retention.seconds("audit", &RetentionConfig::audit, seconds(1),
                    "The admin audit log's records, this long after the action");
  return retention;
}

CoreSection<AccountsConfig> accounts_keys() {
  CoreSection<AccountsConfig> accounts;
  accounts.seconds("closure_grace", &AccountsConfig::closure_grace, seconds(1),
                   "Between a member's asking to close their account and its erasure (signing in offers to keep it)");
  accounts.count("exports_per_day", &AccountsConfig::exports_per_day, 1,
                 "How often a member may download their data in a day");
  accounts.count("export_at_once_bytes", &AccountsConfig::export_at_once_bytes, 1024,
                 "A member's data archive up to this size is downloaded at once; a larger one by a mailed link");
  accounts.seconds("export_link_lifetime", &AccountsConfig::export_link_lifetime, seconds(1),
                   "How long the mailed link to a large data archive works (the archive is kept until then)");
  return accounts;
}

// The whole core, one section per top-level key (and data_dir), in the
// order etc/memberd.yaml lists them.
const CoreSection<CoreConfig>& core_keys() {
  static const CoreSection<CoreConfig> keys = [] {
    CoreSection<CoreConfig> core;
    core.section("http", &CoreConfig::http, http_keys());
    core.section("socket", &CoreConfig::socket, socket_keys());
    core.section("database", &CoreConfig::database, database_keys());
    core.path("data_dir", &CoreConfig::data_dir, "Where memberd keeps its files: staged plugin copies, mail, ...");
    core.section("plugins", &CoreConfig::plugins, plugins_keys());
    core.section("log", &CoreConfig::log, log_keys());
    core.section("sessions", &CoreConfig::sessions, sessions_keys());
    core.section("passwords", &CoreConfig::passwords, passwords_keys());
    core.section("sign_in", &CoreConfig::sign_in, sign_in_keys());
    core.section("rate_limits", &CoreConfig::rate_limits, rate_limits_keys());
    core.section("mail", &CoreConfig::mail, mail_keys());
    core.section("bootstrap", &CoreConfig::bootstrap, bootstrap_keys());
    core.section("shutdown", &CoreConfig::shutdown, shutdown_keys());
    core.section("console", &CoreConfig::console, console_keys());
    core.section("geo", &CoreConfig::geo, geo_keys());
    core.section("retention", &CoreConfig::retention, retention_keys());
    core.section("accounts", &CoreConfig::accounts, accounts_keys());
    core.after([](const ConfigValue& top, const CoreConfig& c, const KeyLocations& seen) {
      if (c.http.listen || !c.socket.path.empty()) return;
      const bool at_listen = seen.has("http.listen");
      top.errors().add(at_listen ? seen["http.listen"] : seen["socket.path"], at_listen ? "http.listen" : "socket.path",
                       at_listen ? "is empty, and so is socket.path: the daemon would be unreachable"
                                 : "is empty, and so is http.listen: the daemon would be unreachable");
    });
    return core;
  }();
  return keys;
}

}  // namespace

const std::vector<std::string>& core_section_names() {
  static const std::vector<std::string> names = core_keys().names();
  return names;
}

std::vector<CoreKeyDoc> core_key_docs() {
  std::vector<CoreKeyDoc> docs;
  core_keys().document("", CoreConfig{}, docs);
  return docs;
}

CoreConfig read_core_config(const YAML::Node& root, const Origin& origin, ErrorList& errors) {
  CoreConfig config;
  KeyLocations seen;
  const ConfigValue top(root, "", YAML::Mark::null_mark(), origin, errors);
  MapReader map(top);
  core_keys().claim(map, config, seen);

  // The rest are plugin sections. An enabled plugin's is checked against its
  // schema when it loads. One of a plugin installed in plugins.dir but not
  // enabled is the operator's settings for when it is (the shipped file has
  // sections for every plugin, and `--set plugins.enabled=[hello]` must still
  // start); it is not read. Any other name is a typo, not a section to
  // ignore silently.
  const auto& enabled = config.plugins.enabled;
  for (const MapReader::Entry* entry : map.unclaimed()) {
    if (std::find(enabled.begin(), enabled.end(), entry->key) == enabled.end()) {
      std::error_code ignored;
      bool installed = is_plugin_name(entry->key) &&
                       std::filesystem::is_regular_file(std::filesystem::path(config.plugins.dir) / (entry->key + ".so"), ignored);
      if (!installed) entry->value.error_at_key("unknown key " + in_quotes(entry->key) + " (not an enabled plugin)");
      continue;
    }
    config.plugin_sections[entry->key] =
        std::make_shared<const PluginSection>(PluginSection{entry->value.node(), origin});
  }

  core_keys().check(top, config, seen);
  return config;
}

}  // namespace memberd
