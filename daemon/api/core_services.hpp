#pragma once
// What the core's own routes (health, admin, console) need.
#include <memberd/host.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace memberd {

class AdminAuditLog;
class AccountClosure;

class ConnectionPool;
class AccountsService;
class SessionStore;
class PluginHost;
class MetricsRegistry;
class LogSink;
class EventBus;
class RateLimitsService;
class SignInGuardService;
class MailOutbox;
class ReviewQueue;
class ClusterRegistry;
class PluginRequests;
class SecondSteps;

// A route the daemon serves now, as the router's table holds it.
struct ServedRoute {
  std::string method, pattern;
  std::string owner;  // "core" or the plugin's name
  Access access = Access::member;
};

struct CoreServices {
  ConnectionPool& database;
  AccountsService& accounts;
  SessionStore& sessions;
  EventBus& events;
  MetricsRegistry& metrics;
  LogSink& log;
  const Clock& clock;
  RateLimitsService& rate_limits;
  const PasswordRules& password_rules;
  SignInGuardService& sign_in;
  PluginHost& plugins;
  MailOutbox& mail;
  ReviewQueue& reviews;
  // Refreshes gauges that are read at scrape time.
  std::function<void()> before_scrape;

  int admin_sign_in_per_minute = 10;
  bool secure_cookies = false;
  bool console_enabled = true;
  // Every route served now (the router's published table).
  std::function<std::vector<ServedRoute>()> served_routes;
  // True once SIGTERM came: /readyz answers 503 "stopping" (the lame duck).
  std::function<bool()> stopping;
  // The daemons on this database (GET /api/v1/admin/cluster).
  ClusterRegistry* cluster = nullptr;
  // Plugin reloads and unloads asked for every daemon (the same route file).
  PluginRequests* plugin_requests = nullptr;
  // The second step of sign-in (auth/second_steps.hpp): the console's
  // sign-in asks it like the member's does, and its completion is audited.
  SecondSteps* second_steps = nullptr;
  // The admin audit log: the core's admin routes record in their own
  // transaction (record); GET /api/v1/admin/audit reads it.
  AdminAuditLog* audit = nullptr;
  // A member's account closing (api/account_closure.hpp), and how often a
  // day they may download their data (accounts: in the config).
  AccountClosure* closure = nullptr;
  int exports_per_day = 3;
  // An archive larger than this is mailed as a link (api/mailed_export.hpp),
  // valid this long.
  std::int64_t export_at_once_bytes = 4 << 20;
  std::chrono::seconds export_link_lifetime{std::chrono::hours(24)};
  // The base of links in mail (http.public_url, or derived from the
  // listener); "" when neither says it.
  std::string public_url;
};

std::vector<Route> health_routes(CoreServices& core);
std::vector<Route> admin_plugin_routes(CoreServices& core);
std::vector<Route> admin_member_routes(CoreServices& core);
// unlock, disable, enable, the admin role: each with a reason
std::vector<Route> admin_member_action_routes(CoreServices& core);
std::vector<Route> admin_session_routes(CoreServices& core);
std::vector<Route> admin_mail_routes(CoreServices& core);  // the outbox
std::vector<Route> admin_review_routes(CoreServices& core);  // the review queue
std::vector<Route> admin_cluster_routes(CoreServices& core);  // the daemons on this database
std::vector<Route> admin_audit_routes(CoreServices& core);  // the admin audit log
std::vector<Route> member_data_routes(CoreServices& core);  // download my data, close my account
// What the core's admin routes are called in the audit log.
void name_core_admin_actions(AdminAuditLog& audit);
std::vector<Route> shell_routes(CoreServices& core);  // /account/ and /console/
std::vector<Route> ui_routes(CoreServices& core);
std::vector<Route> contract_routes(CoreServices& core);  // /api/v1/openapi.json, /api/v1/admin/routes

}  // namespace memberd
