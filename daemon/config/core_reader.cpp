#include "config/core_reader.hpp"

#include <memberd/email_address.hpp>

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

constexpr std::int64_t no_max = std::numeric_limits<std::int64_t>::max();

// Reads an integer into a field of any integer type, within [min, max].
template <class T>
void read_count(const ConfigValue& v, T& field, std::int64_t min,
                std::int64_t max = static_cast<std::int64_t>(std::min<std::uint64_t>(
                    std::numeric_limits<T>::max(), no_max))) {
  if (auto value = v.integer(min, max)) field = static_cast<T>(*value);
}

void read_bool(const ConfigValue& v, bool& field) {
  if (auto value = v.boolean()) field = *value;
}

void read_seconds(const ConfigValue& v, seconds& field, seconds min) {
  if (auto value = v.duration_seconds(min)) field = *value;
}

void read_millis(const ConfigValue& v, milliseconds& field, milliseconds min) {
  if (auto value = v.duration(min)) field = *value;
}

// A non-empty string.
void read_path(const ConfigValue& v, std::string& field) {
  auto value = v.string();
  if (!value) return;
  if (value->empty()) return v.error("must not be empty");
  field = *value;
}

// One of a few words, each mapped to an enum value.
template <class E>
void read_choice(const ConfigValue& v, E& field,
                 std::initializer_list<std::pair<std::string_view, E>> choices) {
  auto value = v.string();
  if (!value) return;
  std::string names;
  for (const auto& [name, choice] : choices) {
    if (*value == name) {
      field = choice;
      return;
    }
    names += names.empty() ? "" : "|";
    names += name;
  }
  v.error(in_quotes(*value) + " is not one of " + names);
}

// Why a TLS file cannot be used, or "" when it can.
std::string unreadable_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return "no such file";
  if (!std::filesystem::is_regular_file(path, ec)) return "not a regular file";
  std::ifstream file(path);
  if (!file) return std::strerror(errno);
  return {};
}

// Locations of values that cross-checks mention, "" when the key was absent.
struct Seen {
  std::string tls_cert, tls_key, threads, max_connections, worker_concurrency, idle_timeout, absolute_timeout,
      listen, socket_path;
};

void read_tls(const ConfigValue& value, TlsConfig& tls, Seen& seen) {
  MapReader map(value);
  auto read_file = [](const ConfigValue& v, std::string& field, std::string& where) {
    auto path = v.string();
    if (!path) return;
    field = *path;
    where = v.where();
    if (path->empty()) return;
    if (const std::string why = unreadable_file(*path); !why.empty()) {
      v.error("cannot read " + in_quotes(*path) + ": " + why);
    }
  };
  map.on("cert", [&](const ConfigValue& v) { read_file(v, tls.cert, seen.tls_cert); });
  map.on("key", [&](const ConfigValue& v) { read_file(v, tls.key, seen.tls_key); });
  map.refuse_unclaimed();

  if (tls.cert.empty() != tls.key.empty()) {
    const bool cert_set = !tls.cert.empty();
    value.errors().add(cert_set ? seen.tls_cert : seen.tls_key,
                       cert_set ? "http.tls.key" : "http.tls.cert",
                       cert_set ? "missing: http.tls.cert is set, and TLS needs both or neither"
                                : "missing: http.tls.key is set, and TLS needs both or neither");
  }
}

void read_http(const ConfigValue& value, HttpConfig& http, Seen& seen) {
  MapReader map(value);
  map.on("listen", [&](const ConfigValue& v) {
    auto text = v.string();
    if (!text) return;
    seen.listen = v.where();
    if (text->empty()) {
      http.listen.reset();
      return;
    }
    std::string why;
    if (auto address = parse_host_port(*text, &why, /*allow_any_port=*/true)) {
      http.listen = *address;
    } else {
      v.error(in_quotes(*text) + " is not host:port (" + why + ")");
    }
  });
  map.on("public_url", [&](const ConfigValue& v) {
    auto url = v.string();
    if (!url) return;
    const bool http_scheme = url->rfind("http://", 0) == 0 && url->size() > 7;
    const bool https_scheme = url->rfind("https://", 0) == 0 && url->size() > 8;
    if (!url->empty() && !http_scheme && !https_scheme) {
      return v.error(in_quotes(*url) + " is not an http:// or https:// URL");
    }
    http.public_url = *url;
  });
  map.on("tls", [&](const ConfigValue& v) { read_tls(v, http.tls, seen); });
  map.on("max_body_bytes", [&](const ConfigValue& v) { read_count(v, http.max_body_bytes, 1024); });
  map.on("max_header_bytes", [&](const ConfigValue& v) { read_count(v, http.max_header_bytes, 1024, 65536); });
  map.on("header_timeout", [&](const ConfigValue& v) { read_seconds(v, http.header_timeout, seconds(1)); });
  map.on("read_timeout", [&](const ConfigValue& v) { read_seconds(v, http.read_timeout, seconds(1)); });
  map.on("write_timeout", [&](const ConfigValue& v) { read_seconds(v, http.write_timeout, seconds(1)); });
  map.on("keep_alive_timeout",
         [&](const ConfigValue& v) { read_seconds(v, http.keep_alive_timeout, seconds(1)); });
  map.on("keep_alive_max_requests",
         [&](const ConfigValue& v) { read_count(v, http.keep_alive_max_requests, 1); });
  map.on("threads", [&](const ConfigValue& v) {
    seen.threads = v.where();
    read_count(v, http.threads, 2, 1024);
  });
  map.on("max_connections", [&](const ConfigValue& v) {
    seen.max_connections = v.where();
    read_count(v, http.max_connections, 1);
  });
  map.on("io_threads", [&](const ConfigValue& v) { read_count(v, http.io_threads, 0, 64); });
  map.on("worker_queue", [&](const ConfigValue& v) { read_count(v, http.worker_queue, 1); });
  map.on("worker_concurrency", [&](const ConfigValue& v) {
    seen.worker_concurrency = v.where();
    read_count(v, http.worker_concurrency, 0, 1024);
  });
  map.on("trusted_proxies", [&](const ConfigValue& v) {
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
    if (all_valid) http.trusted_proxies = *items;
  });
  map.refuse_unclaimed();

  if (http.max_connections < http.threads) {
    value.errors().add(seen.max_connections.empty() ? seen.threads : seen.max_connections,
                       "http.max_connections",
                       "must be at least http.threads (" + std::to_string(http.threads) + "), got " +
                           std::to_string(http.max_connections));
  }
  if (http.worker_concurrency > http.threads) {
    value.errors().add(seen.worker_concurrency, "http.worker_concurrency",
                       "must be at most http.threads (" + std::to_string(http.threads) + "), got " +
                           std::to_string(http.worker_concurrency));
  }
}

void read_socket(const ConfigValue& value, SocketConfig& socket, Seen& seen) {
  MapReader map(value);
  map.on("path", [&](const ConfigValue& v) {
    seen.socket_path = v.where();
    if (auto path = v.string()) socket.path = *path;
  });
  map.on("mode", [&](const ConfigValue& v) {
    // Always octal digits, as chmod reads them. An unquoted 0660 is the
    // integer 660 for YAML 1.2 (and 432 for yaml-cpp's as<int>), so the
    // scalar's text is read instead, quoted or not.
    if (!v.node().IsScalar()) {
      return v.error("expected an octal mode like \"0660\", got " + describe_yaml(v.node()));
    }
    if (auto mode = parse_file_mode(v.node().Scalar())) {
      socket.mode = *mode;
    } else {
      v.error(in_quotes(v.node().Scalar()) + " is not an octal mode between 0 and 0777");
    }
  });
  map.refuse_unclaimed();
}

void read_database(const ConfigValue& value, DatabaseConfig& database) {
  MapReader map(value);
  map.on("url", [&](const ConfigValue& v) {
    auto url = v.string();
    if (!url) return;
    const bool sqlite = url->rfind("sqlite:", 0) == 0 && url->size() > 7;
    const bool postgres = (url->rfind("postgresql://", 0) == 0 && url->size() > 13) ||
                          (url->rfind("postgres://", 0) == 0 && url->size() > 11);
    if (!sqlite && !postgres) {
      return v.error(in_quotes(*url) + " is not sqlite:PATH or a postgresql:// URL");
    }
    database.url = *url;
  });
  map.on("pool_size", [&](const ConfigValue& v) { read_count(v, database.pool_size, 1, 256); });
  // Zero would make concurrent SQLite writers fail at once with "database is locked".
  map.on("busy_timeout",
         [&](const ConfigValue& v) { read_millis(v, database.busy_timeout, milliseconds(1)); });
  map.refuse_unclaimed();
}

void read_plugins(const ConfigValue& value, PluginsConfig& plugins) {
  MapReader map(value);
  map.on("dir", [&](const ConfigValue& v) { read_path(v, plugins.dir); });
  map.on("enabled", [&](const ConfigValue& v) {
    auto names = v.string_list();
    if (!names) return;
    // Keep the valid names even when some are not: they decide which
    // top-level sections are plugin sections, and one typo in the list
    // should not turn every section into an "unknown key" error.
    plugins.enabled.clear();
    const auto& core = core_section_names();
    for (std::size_t i = 0; i < names->size(); ++i) {
      const std::string& name = (*names)[i];
      const ConfigValue item = v.child(v.node()[i], v.path() + "[" + std::to_string(i) + "]",
                                       YAML::Mark::null_mark());
      if (!is_plugin_name(name)) {
        item.error(in_quotes(name) + " is not a plugin name ([a-z][a-z0-9_]*)");
      } else if (std::find(core.begin(), core.end(), name) != core.end()) {
        item.error(in_quotes(name) + " is a core section, not a plugin");
      } else if (std::find(plugins.enabled.begin(), plugins.enabled.end(), name) != plugins.enabled.end()) {
        item.error(in_quotes(name) + " is listed twice");
      } else {
        plugins.enabled.push_back(name);
      }
    }
  });
  map.on("watch", [&](const ConfigValue& v) { read_bool(v, plugins.watch); });
  // Below 100ms the watcher would mostly burn CPU.
  map.on("watch_interval",
         [&](const ConfigValue& v) { read_millis(v, plugins.watch_interval, milliseconds(100)); });
  map.refuse_unclaimed();
}

void read_log(const ConfigValue& value, LogConfig& log) {
  MapReader map(value);
  map.on("level", [&](const ConfigValue& v) {
    read_choice(v, log.level,
                {{"debug", LogLevel::debug}, {"info", LogLevel::info}, {"warn", LogLevel::warn},
                 {"error", LogLevel::error}});
  });
  map.on("format", [&](const ConfigValue& v) {
    read_choice(v, log.format, {{"text", LogFormat::text}, {"json", LogFormat::json}});
  });
  map.refuse_unclaimed();
}

void read_sessions(const ConfigValue& value, SessionsConfig& sessions, Seen& seen) {
  MapReader map(value);
  map.on("idle_timeout", [&](const ConfigValue& v) {
    seen.idle_timeout = v.where();
    read_seconds(v, sessions.idle_timeout, seconds(1));
  });
  map.on("absolute_timeout", [&](const ConfigValue& v) {
    seen.absolute_timeout = v.where();
    read_seconds(v, sessions.absolute_timeout, seconds(1));
  });
  map.on("cache_ttl", [&](const ConfigValue& v) { read_millis(v, sessions.cache_ttl, milliseconds(0)); });
  map.on("cookie_secure", [&](const ConfigValue& v) {
    read_choice(v, sessions.cookie_secure,
                {{"auto", CookieSecure::automatic}, {"always", CookieSecure::always},
                 {"never", CookieSecure::never}});
  });
  map.refuse_unclaimed();

  if (sessions.absolute_timeout < sessions.idle_timeout) {
    value.errors().add(seen.absolute_timeout.empty() ? seen.idle_timeout : seen.absolute_timeout,
                       "sessions.absolute_timeout",
                       "must be at least sessions.idle_timeout (" + format_duration(sessions.idle_timeout) +
                           "), got " + format_duration(sessions.absolute_timeout));
  }
}

void read_passwords(const ConfigValue& value, PasswordsConfig& passwords) {
  MapReader map(value);
  map.on("argon2_memory_kib",
         [&](const ConfigValue& v) { read_count(v, passwords.argon2_memory_kib, 8192); });
  map.on("argon2_iterations", [&](const ConfigValue& v) { read_count(v, passwords.argon2_iterations, 1); });
  map.on("argon2_parallelism",
         [&](const ConfigValue& v) { read_count(v, passwords.argon2_parallelism, 1, 16); });
  map.on("hashing_threads", [&](const ConfigValue& v) { read_count(v, passwords.hashing_threads, 1); });
  map.on("hashing_queue", [&](const ConfigValue& v) { read_count(v, passwords.hashing_queue, 1); });
  // NIST SP 800-63B: at least 8; past 256 a password is not typed but pasted.
  map.on("min_length", [&](const ConfigValue& v) { read_count(v, passwords.min_length, 8, 256); });
  map.on("common_passwords_file", [&](const ConfigValue& v) { read_path(v, passwords.common_passwords_file); });
  map.refuse_unclaimed();
}

void read_sign_in(const ConfigValue& value, SignInConfig& sign_in) {
  MapReader map(value);
  // NIST SP 800-63B 5.2.2 allows up to 100 consecutive failures.
  map.on("lock_after_failures", [&](const ConfigValue& v) { read_count(v, sign_in.lock_after_failures, 1, 100); });
  map.on("lock_durations", [&](const ConfigValue& v) {
    if (auto durations = v.duration_list()) sign_in.lock_durations = *durations;
  });
  map.on("trusted_device_lifetime",
         [&](const ConfigValue& v) { read_seconds(v, sign_in.trusted_device_lifetime, seconds{60}); });
  map.refuse_unclaimed();
}

void read_rate_limits(const ConfigValue& value, RateLimitsConfig& limits) {
  MapReader map(value);
  // Zero would lock every admin out.
  map.on("admin_sign_in_per_minute",
         [&](const ConfigValue& v) { read_count(v, limits.admin_sign_in_per_minute, 1); });
  map.refuse_unclaimed();
}

void read_smtp(const ConfigValue& value, SmtpConfig& smtp) {
  MapReader map(value);
  map.on("require_tls", [&](const ConfigValue& v) {
    auto text = v.string();
    if (!text) return;
    if (*text == "auto") {
      smtp.require_tls.reset();
    } else if (auto required = parse_yaml_bool(*text)) {
      smtp.require_tls = *required;
    } else {
      v.error("expected true, false or auto, got " + in_quotes(*text));
    }
  });
  auto one_line_string = [](const ConfigValue& v, std::string& field) {
    auto text = v.string();
    if (!text) return;
    // Sent on the SMTP conversation's command lines.
    if (text->find_first_of("\r\n") != std::string::npos) return v.error("may not contain a line break");
    field = *text;
  };
  map.on("username", [&](const ConfigValue& v) { one_line_string(v, smtp.username); });
  map.on("password", [&](const ConfigValue& v) { one_line_string(v, smtp.password); });
  map.on("password_env", [&](const ConfigValue& v) { one_line_string(v, smtp.password_env); });
  map.on("ca_file", [&](const ConfigValue& v) {
    auto path = v.string();
    if (!path) return;
    if (!path->empty())
      if (const std::string why = unreadable_file(*path); !why.empty())
        return v.error("cannot read " + in_quotes(*path) + ": " + why);
    smtp.ca_file = *path;
  });
  map.on("timeout", [&](const ConfigValue& v) { read_seconds(v, smtp.timeout, seconds{1}); });
  map.on("data_timeout", [&](const ConfigValue& v) { read_seconds(v, smtp.data_timeout, seconds{1}); });
  map.refuse_unclaimed();
  if (!smtp.password.empty() && !smtp.password_env.empty())
    value.errors().add(value.where(), "mail.smtp", "password and password_env are both set: keep one");
  if (smtp.username.empty() && (!smtp.password.empty() || !smtp.password_env.empty()))
    value.errors().add(value.where(), "mail.smtp.username", "missing: a password is set, and AUTH needs a username");
}

void read_mail(const ConfigValue& value, MailConfig& mail) {
  MapReader map(value);
  map.on("transport", [&](const ConfigValue& v) {
    auto transport = v.string();
    if (!transport) return;
    if (*transport != "file") {
      const std::string refused = in_quotes(*transport) + " is not file, smtp://host:port or smtps://host:port";
      std::string_view scheme = transport->rfind("smtp://", 0) == 0    ? "smtp://"
                                : transport->rfind("smtps://", 0) == 0 ? "smtps://"
                                                                       : "";
      if (scheme.empty()) return v.error(refused);
      std::string why;
      if (!parse_host_port(std::string_view(*transport).substr(scheme.size()), &why)) {
        return v.error(refused + " (" + why + ")");
      }
    }
    mail.transport = *transport;
  });
  map.on("from", [&](const ConfigValue& v) {
    auto from = v.string();
    if (!from) return;
    if (!looks_like_mailbox(*from)) {
      return v.error(in_quotes(*from) + " is not an address or \"Name <address>\"");
    }
    mail.from = *from;
  });
  map.on("keep_sent_for", [&](const ConfigValue& v) { read_seconds(v, mail.keep_sent_for, seconds{60}); });
  map.on("retry_first_delay", [&](const ConfigValue& v) { read_seconds(v, mail.retry_first_delay, seconds{1}); });
  map.on("retry_max_delay", [&](const ConfigValue& v) { read_seconds(v, mail.retry_max_delay, seconds{1}); });
  map.on("give_up_after", [&](const ConfigValue& v) { read_seconds(v, mail.give_up_after, seconds{1}); });
  map.on("smtp", [&](const ConfigValue& v) { read_smtp(v, mail.smtp); });
  map.on("connections", [&](const ConfigValue& v) { read_count(v, mail.connections, 1, 32); });
  map.on("templates_dir", [&](const ConfigValue& v) {
    if (auto dir = v.string()) mail.templates_dir = *dir;
  });
  map.refuse_unclaimed();
  if (auto problem = smtp_credentials_problem(mail); !problem.empty())
    value.errors().add(value.where(), "mail.smtp.require_tls", problem);
  if (mail.retry_max_delay < mail.retry_first_delay)
    value.errors().add(value.where(), "mail.retry_max_delay", "is shorter than mail.retry_first_delay");
}

void read_bootstrap(const ConfigValue& value, BootstrapConfig& bootstrap) {
  MapReader map(value);
  map.on("admin_email", [&](const ConfigValue& v) {
    auto email = v.string();
    if (!email) return;
    // The account system's own check: an address it would refuse must not
    // pass here and fail only at the first start.
    if (!looks_like_email(*email)) return v.error(in_quotes(*email) + " is not an email address");
    bootstrap.admin_email = *email;
  });
  map.refuse_unclaimed();
}

void read_shutdown(const ConfigValue& value, ShutdownConfig& shutdown) {
  MapReader map(value);
  // Zero is allowed: stop without waiting for requests in flight.
  map.on("drain_timeout", [&](const ConfigValue& v) { read_seconds(v, shutdown.drain_timeout, seconds(0)); });
  map.refuse_unclaimed();
}

void read_console(const ConfigValue& value, ConsoleConfig& console) {
  MapReader map(value);
  map.on("enabled", [&](const ConfigValue& v) { read_bool(v, console.enabled); });
  map.refuse_unclaimed();
}

void read_geo(const ConfigValue& value, GeoConfig& geo) {
  MapReader map(value);
  // "" leaves a database out.
  map.on("city_db", [&](const ConfigValue& v) { if (auto s = v.string()) geo.city_db = *s; });
  map.on("anonymous_db", [&](const ConfigValue& v) { if (auto s = v.string()) geo.anonymous_db = *s; });
  map.on("check_interval", [&](const ConfigValue& v) { read_seconds(v, geo.check_interval, seconds(1)); });
  map.refuse_unclaimed();
}

void read_retention(const ConfigValue& value, RetentionConfig& retention) {
  MapReader map(value);
  map.on("interval", [&](const ConfigValue& v) { read_seconds(v, retention.interval, seconds(1)); });
  map.on("superseded_reviews", [&](const ConfigValue& v) { read_seconds(v, retention.superseded_reviews, seconds(1)); });
  map.on("decided_reviews", [&](const ConfigValue& v) { read_seconds(v, retention.decided_reviews, seconds(0)); });
  map.on("events", [&](const ConfigValue& v) { read_seconds(v, retention.events, seconds(1)); });
  map.refuse_unclaimed();
}

}  // namespace

CoreConfig read_core_config(const YAML::Node& root, const Origin& origin, ErrorList& errors) {
  CoreConfig config;
  Seen seen;
  const ConfigValue top(root, "", YAML::Mark::null_mark(), origin, errors);
  MapReader map(top);

  map.on("http", [&](const ConfigValue& v) { read_http(v, config.http, seen); });
  map.on("socket", [&](const ConfigValue& v) { read_socket(v, config.socket, seen); });
  map.on("database", [&](const ConfigValue& v) { read_database(v, config.database); });
  map.on("data_dir", [&](const ConfigValue& v) { read_path(v, config.data_dir); });
  map.on("plugins", [&](const ConfigValue& v) { read_plugins(v, config.plugins); });
  map.on("log", [&](const ConfigValue& v) { read_log(v, config.log); });
  map.on("sessions", [&](const ConfigValue& v) { read_sessions(v, config.sessions, seen); });
  map.on("passwords", [&](const ConfigValue& v) { read_passwords(v, config.passwords); });
  map.on("rate_limits", [&](const ConfigValue& v) { read_rate_limits(v, config.rate_limits); });
  map.on("sign_in", [&](const ConfigValue& v) { read_sign_in(v, config.sign_in); });
  map.on("mail", [&](const ConfigValue& v) { read_mail(v, config.mail); });
  map.on("bootstrap", [&](const ConfigValue& v) { read_bootstrap(v, config.bootstrap); });
  map.on("shutdown", [&](const ConfigValue& v) { read_shutdown(v, config.shutdown); });
  map.on("console", [&](const ConfigValue& v) { read_console(v, config.console); });
  map.on("geo", [&](const ConfigValue& v) { read_geo(v, config.geo); });
  map.on("retention", [&](const ConfigValue& v) { read_retention(v, config.retention); });

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

  if (!config.http.listen && config.socket.path.empty()) {
    const bool at_listen = !seen.listen.empty();
    errors.add(at_listen ? seen.listen : seen.socket_path, at_listen ? "http.listen" : "socket.path",
               at_listen ? "is empty, and so is socket.path: the daemon would be unreachable"
                         : "is empty, and so is http.listen: the daemon would be unreachable");
  }
  return config;
}

}  // namespace memberd
