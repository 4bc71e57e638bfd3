#include "daemon.hpp"

#include "api/account_closure.hpp"
#include "api/core_services.hpp"
#include "api/mailed_export.hpp"
#include "audit/admin_audit_log.hpp"
#include "api/openapi_document.hpp"
#include "auth/accounts_service.hpp"
#include "auth/bootstrap_admin.hpp"
#include "auth/password_hasher.hpp"
#include "auth/password_rules.hpp"
#include "auth/rate_limits_service.hpp"
#include "auth/second_steps.hpp"
#include "auth/sign_in_guard.hpp"
#include "auth/session_store.hpp"
#include "config/plugin_config.hpp"
#include "config/smtp_tls.hpp"
#include "events/event_bus.hpp"
#include "geo/geo_databases.hpp"
#include "log/logger.hpp"
#include "mail/outbox.hpp"
#include "reviews/review_queue.hpp"
#include "mail/transport_from_config.hpp"
#include "storage/change_feed.hpp"
#include "storage/cluster_registry.hpp"
#include "metrics/registry.hpp"
#include "plugin_host/cluster_convergence.hpp"
#include "plugin_host/plugin_host.hpp"
#include "storage/database.hpp"
#include "storage/error_text.hpp"
#include "storage/migrations.hpp"
#include "storage/plugin_requests.hpp"
#include "storage/request_units.hpp"
#include "transport/dispatcher.hpp"
#include "transport/http_server.hpp"
#include "transport/router.hpp"
#include "util/crypto.hpp"
#include "util/secrets_service.hpp"
#include <memberd/embedded_file.hpp>

#include <memberd/migrations.hpp>
#include "util/system_clock.hpp"
#include "util/time_format.hpp"

#include <memberd/database.hpp>
#include <nlohmann/json.hpp>
#include <soci/soci.h>
#include <systemd/sd-daemon.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <map>
#include <mutex>
#include <iostream>
#include <thread>
#include <unistd.h>

namespace memberd {

namespace core_schema {
const std::vector<EmbeddedFile>& files();
}

namespace {

std::string host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "unknown";
  return name;
}

bool secure_cookies(const CoreConfig& c) {
  return c.sessions.cookie_secure == CookieSecure::always ||
         (c.sessions.cookie_secure == CookieSecure::automatic && c.http.tls.enabled());
}

std::size_t cores() { return std::max(1u, std::thread::hardware_concurrency()); }

// Handlers run at once (http.worker_concurrency: 0). One per core on
// SQLite, where a handler waits only for a lock (and its busy handler says
// so); measured on GET /api/v1/me here, one per core beat two at 1,000
// connections (44-46k vs 34-39k requests/s, p99 36-39 vs 46-53 ms) and
// matched it at 64. On PostgreSQL every query is a network round trip the
// pool cannot see, so each pooled connection adds one more.
std::size_t default_worker_concurrency(const CoreConfig& c) {
  bool network_database = backend_for_url(c.database.url) == Backend::postgresql;
  return cores() + (network_database ? c.database.pool_size : 0);
}

HttpSettings http_settings(const CoreConfig& c) {
  HttpSettings http;
  if (c.http.listen) {
    http.host = c.http.listen->host;
    http.port = c.http.listen->port;
  }
  http.tls_cert = c.http.tls.cert;
  http.tls_key = c.http.tls.key;
  http.max_body_bytes = c.http.max_body_bytes;
  http.max_header_bytes = c.http.max_header_bytes;
  http.header_timeout = c.http.header_timeout;
  http.read_timeout = c.http.read_timeout;
  http.write_timeout = c.http.write_timeout;
  http.keep_alive_timeout = c.http.keep_alive_timeout;
  http.keep_alive_max_requests = c.http.keep_alive_max_requests;
  http.io_threads = c.http.io_threads ? c.http.io_threads : cores();
  http.threads = c.http.threads;
  http.worker_concurrency = c.http.worker_concurrency ? c.http.worker_concurrency : default_worker_concurrency(c);
  http.worker_queue = c.http.worker_queue;
  http.max_connections = c.http.max_connections;
  http.socket_path = c.socket.path;
  http.socket_mode = static_cast<mode_t>(c.socket.mode);
  return http;
}

}  // namespace

struct Daemon::Parts {
  LogSink log;
  MetricsRegistry metrics;
  SystemClock clock;
  std::unique_ptr<ConnectionPool> database;
  std::unique_ptr<ClusterRegistry> cluster;
  std::unique_ptr<ChangeFeed> changes;  // before everything that subscribes
  std::unique_ptr<PasswordHasher> hasher;
  std::unique_ptr<SessionStore> sessions;
  std::unique_ptr<AccountsService> accounts;
  std::unique_ptr<RateLimitsService> rate_limits;
  std::unique_ptr<PasswordRulesService> password_rules;
  std::unique_ptr<SignInGuardService> sign_in;
  std::unique_ptr<SecondSteps> second_steps;  // before the plugins: their hosts refer to it
  std::unique_ptr<GeoDatabases> geo;
  std::chrono::steady_clock::time_point last_geo_check{};
  SecretsService secrets;
  std::unique_ptr<EventBus> events;
  std::unique_ptr<MailOutbox> mail;
  std::unique_ptr<ReviewQueue> reviews;
  std::unique_ptr<AdminAuditLog> audit;
  Router router;
  std::unique_ptr<CoreServices> core;
  std::unique_ptr<AccountClosure> closure;  // refers to core
  std::unique_ptr<PluginHost> plugins;
  std::unique_ptr<PluginRequests> plugin_requests;    // asked for the cluster
  std::unique_ptr<ClusterConvergence> convergence;    // and applied here
  std::mutex recording_plugins;  // the tick and the convergence thread both record
  std::unique_ptr<PooledRequestUnits> request_units;
  std::unique_ptr<Dispatcher> dispatcher;
  std::unique_ptr<HttpServer> http;
  std::chrono::steady_clock::time_point last_housekeeping{};
  bool notify_systemd = false;
  std::atomic<bool> stopping{false};  // after SIGTERM: /readyz says so

  Parts(const CoreConfig& c) : log(c.log.level, c.log.format) {}
};

void Daemon::record_plugins(Parts& p) {
  std::lock_guard lock(p.recording_plugins);
  auto outcomes = p.convergence ? p.convergence->outcomes() : std::map<std::string, ClusterConvergence::Outcome>{};
  nlohmann::json plugins = nlohmann::json::array();
  for (const auto& s : p.plugins->status()) {
    nlohmann::json entry{{"name", s.name}, {"version", s.version}, {"state", state_name(s.state)},
                         {"sha256", s.sha256.substr(0, 12)}, {"generation", s.generation}};
    // The newest request for the cluster this daemon applied (0: none yet),
    // and how. Always written: a daemon of an older release, which does not
    // converge, writes neither, and the progress leaves it out.
    auto o = outcomes.find(s.name);
    entry["request"] = o != outcomes.end() ? o->second.request_id : 0;
    entry["request_error"] =
        o != outcomes.end() && !o->second.error.empty() ? nlohmann::json(o->second.error) : nlohmann::json(nullptr);
    plugins.push_back(std::move(entry));
  }
  auto began = p.database->outages().now();
  try {
    p.cluster->record_plugins(plugins.dump(), to_unix(p.clock.now()));
  } catch (const std::exception& e) {
    // Tried again at the next tick; an outage is the pool's to log, once.
    if (auto fault = classify_database_error(e); fault != DatabaseFault::none)
      p.database->outages().failed(fault, began);
  }
}

// Gauges read at scrape time.
void Daemon::refresh_gauges(Parts& p) {
  p.metrics.gauge("memberd_db_pool_in_use", "Database connections leased now", {}).set(double(p.database->in_use()));
  p.metrics.gauge("memberd_changes_live", "1 while every daemon's changes reach this one (caches are used)", {})
      .set(p.changes->live() ? 1 : 0);
  p.metrics.gauge("memberd_changes_heard_total", "Changes heard from other daemons since start", {})
      .set(double(p.changes->heard_total()));
  p.metrics.gauge("memberd_cluster_leader", "1 while this daemon runs the cluster's background work (retention)", {})
      .set(p.changes->leading() ? 1 : 0);
  p.metrics.gauge("memberd_db_pool_size", "Database connections in the pool", {}).set(double(p.database->size()));
  p.metrics.gauge("memberd_db_pool_waiting", "Units of work waiting for a database connection", {})
      .set(double(p.database->waiting()));
  p.metrics.gauge("memberd_db_pool_leases", "Database connections leased since start (requests and background)", {})
      .set(double(p.database->leases_total()));
  p.metrics.gauge("memberd_db_statements_prepared", "Statements kept prepared since start, over all connections", {})
      .set(double(p.database->statements_prepared()));
  p.metrics.gauge("memberd_hashing_queue_depth", "Password hashes waiting for a thread", {}).set(double(p.hasher->queue_depth()));
  p.metrics.gauge("memberd_hashing_in_flight", "Password hashes being computed", {}).set(double(p.hasher->in_flight()));
  if (p.http) {
    p.metrics.gauge("memberd_http_worker_queue_depth", "Requests waiting for a handler thread", {})
        .set(double(p.http->worker_queue_depth()));
    p.metrics.gauge("memberd_http_workers_running", "Handlers running now (waiting ones included)", {})
        .set(double(p.http->workers_running()));
    p.metrics.gauge("memberd_http_worker_boosts", "Threads added since start because queued requests did not move for 1 ms", {})
        .set(double(p.http->worker_boosts_total()));
  }
  // The review queue's service level, from the database: several daemons
  // share one queue. A scrape during an outage keeps the last figures.
  try {
    auto unit = p.database->open_unit();
    if (auto figures = p.reviews->figures(*unit)) {
      p.metrics.gauge("memberd_reviews_pending", "Review items waiting for a decision", {}).set(double(figures->pending));
      p.metrics.gauge("memberd_reviews_overdue", "Pending review items past their due time", {}).set(double(figures->overdue));
      p.metrics.gauge("memberd_reviews_oldest_pending_seconds", "Age of the oldest pending review item", {})
          .set(double(figures->oldest_pending_seconds));
    }
  } catch (const std::exception&) {
  }
  auto counters = p.plugins->counters();
  p.metrics.gauge("memberd_plugin_versions_retiring", "Old plugin versions waiting for their last request", {})
      .set(double(counters.retiring));
  for (const auto& s : p.plugins->status())
    p.metrics.gauge("memberd_plugin_loaded", "1 when the plugin serves", {{"plugin", s.name}})
        .set(s.state == PluginState::loaded ? 1 : 0);
}

Daemon::Daemon(CoreConfig config) : config_(std::move(config)), parts_(std::make_unique<Parts>(config_)) {}

Daemon::~Daemon() { stop(); }

// Start-up, in dependency order: storage, the core's services, the core's
// routes, the plugins, then the doors. Each step throws std::runtime_error
// with an operator-facing message.
void Daemon::start() {
  std::filesystem::create_directories(config_.data_dir);
  open_storage();
  make_services();
  make_plugin_host();
  install_core_routes();
  parts_->convergence->before_loading();
  parts_->plugins->load_enabled();
  parts_->convergence->start();
  record_plugins(*parts_);
  parts_->events->start();
  parts_->mail->start();
  serve();
}

void Daemon::open_storage() {
  auto& p = *parts_;
  const auto& c = config_;
  p.database = std::make_unique<ConnectionPool>(
      DatabaseSettings{c.database.url, c.database.pool_size, c.database.busy_timeout, std::chrono::milliseconds{5000}});
  p.database->outages().report_to(p.log, p.metrics);
  auto report = apply_migrations(*p.database, "core", migrations_from_files(core_schema::files()));
  if (!report.applied.empty())
    p.log.write(LogLevel::info, "storage", "core schema migrated",
                {{"to_version", std::to_string(report.applied.back())}});
  p.cluster = std::make_unique<ClusterRegistry>(*p.database);
  try {
    p.cluster->enrol(host_name(), ::getpid(), MEMBERD_VERSION, to_unix(p.clock.now()));
  } catch (const std::exception& e) {
    // A database that takes no writes (read-only, full) must not keep the
    // daemon from starting and saying so on /readyz: it serves unlisted, and
    // its mail claims fall back to the claim lease.
    p.log.write(LogLevel::warn, "storage", "cannot enrol in the cluster registry; serving unlisted",
                {{"error", describe_error(e)}});
  }
  p.changes = std::make_unique<ChangeFeed>(p.database->backend(), c.database.url, p.log, p.cluster->id());
  p.changes->start();
}

void Daemon::make_services() {
  auto& p = *parts_;
  const auto& c = config_;
  p.hasher = std::make_unique<PasswordHasher>(
      Argon2Params{c.passwords.argon2_memory_kib, c.passwords.argon2_iterations, c.passwords.argon2_parallelism},
      c.passwords.hashing_threads, c.passwords.hashing_queue);
  p.sessions = std::make_unique<SessionStore>(
      p.clock, SessionPolicy{c.sessions.idle_timeout, c.sessions.absolute_timeout, c.sessions.cache_ttl}, *p.changes);
  p.accounts = std::make_unique<AccountsService>(p.clock, *p.hasher, *p.sessions, p.log);
  p.rate_limits = std::make_unique<RateLimitsService>(p.clock, p.log);
  try {
    p.password_rules = std::make_unique<PasswordRulesService>(c.passwords.min_length, c.passwords.common_passwords_file);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(std::string("passwords.common_passwords_file: ") + e.what());
  }
  p.sign_in = std::make_unique<SignInGuardService>(
      p.clock, *p.rate_limits, *p.accounts,
      SignInPolicy{{static_cast<int>(c.sign_in.lock_after_failures), c.sign_in.lock_durations},
                   c.sign_in.trusted_device_lifetime},
      p.log);
  p.second_steps = std::make_unique<SecondSteps>(p.clock, *p.sessions, *p.sign_in, p.log);
  p.geo = std::make_unique<GeoDatabases>(GeoFiles{c.geo.city_db, c.geo.anonymous_db}, p.log, p.metrics);
  p.events = std::make_unique<EventBus>(*p.database, *p.changes, p.clock, p.log);
  DeliveryPolicy delivery;
  delivery.retry = {c.mail.retry_first_delay, c.mail.retry_max_delay, c.mail.give_up_after};
  // Longer than any one conversation, the wait for the relay's final reply
  // included: a row still `sending` after that is no lane's any more.
  delivery.sending_lease = std::max({delivery.sending_lease, 4 * c.mail.smtp.timeout,
                                     c.mail.smtp.timeout + c.mail.smtp.data_timeout + std::chrono::seconds(60)});
  if (auto warning = smtp_plain_text_warning(c.mail); !warning.empty())
    p.log.write(LogLevel::warn, "mail", warning, {});
  std::vector<std::unique_ptr<MailTransport>> lanes;
  for (int i = 0; i < c.mail.connections; ++i) lanes.push_back(make_mail_transport(c.mail, c.data_dir));
  p.mail = std::make_unique<MailOutbox>(*p.database, *p.changes, *p.cluster, p.clock, p.log, p.metrics, std::move(lanes),
                                        c.mail.from, delivery);
  p.reviews = std::make_unique<ReviewQueue>(*p.events, p.clock, p.log);
  p.audit = std::make_unique<AdminAuditLog>(p.clock, p.log);
  ensure_bootstrap_admin(*p.accounts, *p.password_rules, *p.database, *p.events, c.bootstrap.admin_email, c.data_dir);
}

void Daemon::make_plugin_host() {
  auto& p = *parts_;
  const auto& c = config_;
  SharedServices shared{*p.accounts, *p.database, *p.changes, *p.events, *p.mail,   *p.reviews, *p.rate_limits,
                        *p.password_rules, *p.sign_in, *p.geo, p.secrets, p.log, p.metrics,
                        p.clock,     c.data_dir,        public_base_url(c.http), secure_cookies(c),
                        c.mail.templates_dir,  c.plugins.dir,
                        [&p](const std::string& plugin) { return p.second_steps->for_plugin(plugin); },
                        *p.audit};
  PluginHostSettings settings{c.plugins.dir, std::filesystem::path(c.data_dir) / "plugins", c.plugins.enabled,
                              c.plugins.watch, c.plugins.watch_interval, component_names(*core_contract())};
  // A reload on SIGHUP or by the watcher is the operator's act: the audit
  // log has it like a reload asked through the API ("plugin.reload").
  settings.on_unasked_reload = [&p](const PluginStatus& status, std::string_view cause, bool loaded) {
    nlohmann::json detail{{"plugin", status.name}, {"cause", cause}, {"version", status.version}};
    if (!loaded) detail["error"] = status.last_error;
    Result<void> recorded = Failure{Refusal::unavailable, {}, "no database"};
    try {
      auto unit = p.database->open_unit();
      recorded = p.audit->record_operator(*unit, {"plugin.reload", "", "", detail.dump()}, loaded ? "done" : "failed");
    } catch (const std::exception& e) {
      recorded = Failure{Refusal::unavailable, {}, e.what()};
    }
    if (!recorded)
      p.log.write(LogLevel::error, "audit", "an operator's plugin reload could not be recorded",
                  {{"plugin", status.name}, {"cause", std::string(cause)}, {"error", recorded.failure().detail}});
  };
  const CoreConfig& config = config_;
  p.plugins = std::make_unique<PluginHost>(
      settings, shared, p.router,
      [&config](const std::string& plugin, const std::vector<ConfigKey>& schema) -> std::unique_ptr<Config> {
        auto found = config.plugin_sections.find(plugin);
        return std::make_unique<SectionConfig>(load_plugin_config(
            plugin, schema, found == config.plugin_sections.end() ? nullptr : found->second.get()));
      });
  p.second_steps->set_provider_lookup(
      [&p](const std::string& plugin) { return p.plugins->second_step_provider(plugin); });
  p.plugin_requests = std::make_unique<PluginRequests>(*p.changes);
  p.convergence = std::make_unique<ClusterConvergence>(*p.database, *p.changes, *p.plugin_requests, *p.plugins, p.log,
                                                       [&p] { record_plugins(p); });
}

// The core's own routes (health, admin, console) are one more route set of
// the router's, served whatever plugin is loaded.
void Daemon::install_core_routes() {
  auto& p = *parts_;
  const auto& c = config_;
  p.core = std::make_unique<CoreServices>(CoreServices{*p.database, *p.accounts, *p.sessions, *p.events, p.metrics,
                                                       p.log, p.clock, *p.rate_limits, *p.password_rules, *p.sign_in,
                                                       *p.plugins, *p.mail, *p.reviews,
                                                       [&p] { refresh_gauges(p); },
                                                       static_cast<int>(c.rate_limits.admin_sign_in_per_minute),
                                                       secure_cookies(c), c.console.enabled});
  p.core->stopping = [&p] { return p.stopping.load(); };
  p.core->cluster = p.cluster.get();
  p.core->plugin_requests = p.plugin_requests.get();
  p.core->second_steps = p.second_steps.get();
  p.second_steps->set_console_sign_in_recorder(
      [&p](UnitOfWork& work, const Request& request, std::string_view member_id, SignInMethod method) -> Result<void> {
        auto admin = p.accounts->find_by_id(work, member_id);
        if (!admin) return admin.failure();
        return p.audit->record_sign_in(work, request, *admin, sign_in_method_name(method));
      });
  p.core->audit = p.audit.get();
  p.closure = std::make_unique<AccountClosure>(*p.core, c.accounts.closure_grace);
  p.core->closure = p.closure.get();
  p.core->exports_per_day = static_cast<int>(c.accounts.exports_per_day);
  p.core->export_at_once_bytes = c.accounts.export_at_once_bytes;
  p.core->export_link_lifetime = c.accounts.export_link_lifetime;
  p.core->public_url = public_base_url(c.http);
  name_core_admin_actions(*p.audit);
  p.core->served_routes = [&p] {
    std::vector<ServedRoute> out;
    for (const auto& entry : p.router.snapshot()->entries())
      out.push_back({entry.route.method, entry.route.pattern, entry.component, entry.route.access});
    return out;
  };
  std::vector<Route> routes;
  for (auto builder : {health_routes, admin_plugin_routes, admin_member_routes, admin_member_action_routes,
                       admin_session_routes, admin_mail_routes,
                       admin_review_routes, admin_cluster_routes, admin_audit_routes, member_data_routes,
                       shell_routes, ui_routes, contract_routes})
    for (auto& route : builder(*p.core)) routes.push_back(std::move(route));
  p.router.install("core", std::move(routes), nullptr);
}

void Daemon::serve() {
  auto& p = *parts_;
  const auto& c = config_;
  DispatcherSettings settings{TrustedProxies(c.http.trusted_proxies),
                              c.sessions.cookie_secure == CookieSecure::automatic};
  settings.prefixed_cookies_on_https = c.sessions.cookie_secure != CookieSecure::never;
  p.request_units = std::make_unique<PooledRequestUnits>(*p.database);
  p.dispatcher = std::make_unique<Dispatcher>(
      std::move(settings), p.router, *p.request_units, *p.sessions, p.metrics, p.log, p.clock, *p.audit);
  p.http = std::make_unique<HttpServer>(http_settings(c), *p.dispatcher, p.log, p.metrics);
  p.http->start();
  announce(p.http->port());
  p.notify_systemd = std::getenv("NOTIFY_SOCKET") != nullptr;
  if (p.notify_systemd) sd_notify(0, "READY=1\nSTATUS=serving");
}

void Daemon::announce(int port) {
  auto& p = *parts_;
  const auto& c = config_;
  std::string where = c.http.listen ? (c.http.tls.enabled() ? "https://" : "http://") +
                                          (c.http.listen->host.find(':') != std::string::npos ? "[" + c.http.listen->host + "]"
                                                                                              : c.http.listen->host) +
                                          ":" + std::to_string(port)
                                    : std::string();
  p.log.write(LogLevel::info, "daemon", "serving",
              {{"http", where.empty() ? "off" : where}, {"socket", c.socket.path.empty() ? "off" : c.socket.path},
               {"database", p.database->backend() == Backend::sqlite ? "sqlite" : "postgresql"},
               {"plugins", std::to_string(c.plugins.enabled.size())}});
  if (!where.empty()) {
    std::cout << "memberd: listening on " << where << "\n";
    std::cout << "memberd: members' Account Settings at " << where << "/account/\n";
    if (c.console.enabled) std::cout << "memberd: console at " << where << "/console/\n";
  }
  std::cout.flush();
}

void Daemon::reload_plugins() {
  if (!parts_ || !parts_->plugins) return;
  if (parts_->notify_systemd) sd_notify(0, "RELOADING=1");
  // A renewed certificate is picked up without dropping a connection.
  if (parts_->http) try {
      parts_->http->reload_tls();
    } catch (const std::exception& e) {
      parts_->log.write(LogLevel::error, "http", "TLS reload failed; the old certificate stays", {{"error", e.what()}});
    }
  if (parts_->geo) parts_->geo->reload_changed();
  parts_->plugins->reload_all();
  if (parts_->notify_systemd) sd_notify(0, "READY=1");
}

void Daemon::tick() {
  auto& p = *parts_;
  if (p.notify_systemd) sd_notify(0, "WATCHDOG=1");
  auto now = std::chrono::steady_clock::now();
  record_plugins(p);
  if (now - p.last_geo_check >= config_.geo.check_interval) {
    p.last_geo_check = now;
    p.geo->reload_changed();
  }
  if (now - p.last_housekeeping < config_.retention.interval) return;
  p.last_housekeeping = now;
  // Retention is the cluster's work, not each daemon's: the leader's.
  if (!p.changes->leading()) return;
  auto began = p.database->outages().now();
  try {
    housekeep(p);
    // Accounts whose closure is due (on units of their own, after the
    // housekeeping's is given back: a pool of one connection must do), a
    // bounded share of the round, so that a thousand at once never keep
    // the watchdog waiting.
    auto closed = p.closure->close_due([&p] { return p.database->open_unit(); }, std::chrono::seconds(2));
    if (!closed)
      p.log.write(LogLevel::warn, "accounts", "closing accounts waits", {{"reason", closed.failure().detail}});
    else if (*closed)
      p.log.write(LogLevel::info, "accounts", "accounts closed", {{"count", std::to_string(*closed)}});
  } catch (const std::exception& e) {
    // An outage is the pool's tracker's to log (once); anything else is news.
    if (auto fault = classify_database_error(e); fault != DatabaseFault::none)
      p.database->outages().failed(fault, began);
    else
      p.log.write(LogLevel::warn, "daemon", "housekeeping failed", {{"error", describe_error(e)}});
  }
}

void Daemon::housekeep(Parts& p) {
  {
    auto unit = p.database->open_unit();
    auto purged = p.sessions->purge_expired(*unit);
    if (purged && *purged)
      p.log.write(LogLevel::debug, "sessions", "expired sessions purged", {{"count", std::to_string(*purged)}});
    (void)p.rate_limits->purge(*unit, std::chrono::hours(24));
    (void)p.sign_in->purge(*unit);
    (void)p.second_steps->purge(*unit);
    (void)p.mail->purge(*unit, config_.mail.keep_sent_for);
    const auto& keep = config_.retention;
    auto wall = p.clock.now();
    auto reviews = p.reviews->purge(*unit, wall - keep.superseded_reviews,
                                    keep.decided_reviews.count() > 0 ? std::optional(wall - keep.decided_reviews)
                                                                     : std::nullopt);
    if (reviews && *reviews)
      p.log.write(LogLevel::debug, "reviews", "old review items purged", {{"count", std::to_string(*reviews)}});
    (void)p.events->purge(*unit, wall - keep.events);
    // The audit log past its age, a batch a round: the next round goes on.
    auto audited = p.audit->delete_before(*unit, to_unix(wall - keep.audit), 5000);
    if (audited && *audited)
      p.log.write(LogLevel::debug, "audit", "old audit records purged", {{"count", std::to_string(*audited)}});
    (void)p.cluster->purge(*unit, to_unix(wall));
    (void)purge_mailed_exports(*unit, to_unix(wall), 100);
  }
}

void Daemon::begin_stopping(std::chrono::seconds lame_duck) {
  if (!parts_ || parts_->stopping.exchange(true)) return;
  auto& p = *parts_;
  if (p.notify_systemd) sd_notify(0, "STOPPING=1");
  p.log.write(LogLevel::info, "daemon", "stopping", {{"lame_duck_seconds", std::to_string(lame_duck.count())}});
  if (p.http) p.http->close_connections_after_responses();
}

void Daemon::log_lame_duck_cut_short() {
  if (parts_) parts_->log.write(LogLevel::info, "daemon", "lame duck cut short by a second signal", {});
}

void Daemon::stop() {
  if (!parts_) return;
  auto& p = *parts_;
  begin_stopping();  // idempotent: a stop without the lame duck says so too
  p.log.write(LogLevel::info, "daemon", "draining", {});
  if (p.http) {
    // Stop accepting and let requests in flight finish, up to the deadline.
    auto done = std::make_shared<std::promise<void>>();
    auto finished = done->get_future();
    std::thread drain([&p, done] {
      p.http->stop();
      done->set_value();
    });
    if (finished.wait_for(config_.shutdown.drain_timeout) == std::future_status::timeout) {
      p.log.write(LogLevel::warn, "daemon", "drain deadline passed; exiting with requests in flight", {});
      drain.detach();
      std::fflush(nullptr);
      std::_Exit(1);  // requests were cut short: not a clean stop
    }
    drain.join();
    p.http.reset();
  }
  // The background loops hold plugin versions while they deliver: stop them
  // before the plugins are withdrawn, so every version retires on the loader.
  // No cluster request is begun once the doors are closed.
  if (p.convergence) p.convergence->stop();
  if (p.events) p.events->stop();
  if (p.mail) p.mail->stop();
  if (p.plugins) p.plugins->shutdown();
  if (p.changes) p.changes->stop();
  if (p.cluster) p.cluster->leave(to_unix(p.clock.now()));
  p.log.write(LogLevel::info, "daemon", "stopped", {});
  parts_.reset();
}

}  // namespace memberd
