#pragma once
// The `memberd::Host` one plugin version sees: the shared services (each
// catches at its own boundary, storage/service_boundary.hpp, so an outage
// comes back as a Failure, not an exception), plus its own logger, metrics
// prefix, rate-limit key prefix, mail templates and batches, review kinds,
// units of work named after it, routes and event subscriptions, so that all
// of them can be withdrawn together when that version is retired.
#include "mail/mail_templates.hpp"
#include "plugin_host/api_description.hpp"
#include "plugin_host/route_sets.hpp"
#include "plugin_host/ui_assets.hpp"

#include <memberd/host.hpp>
#include <memberd/sign_in_factors.hpp>

#include <functional>

#include <memory>
#include <string>
#include <vector>

namespace memberd {

class ChangeFeed;
class EventBus;
class ConnectionPool;
class PluginChanges;
class LogSink;
class MetricsRegistry;
class ComponentLogger;
class AdminAuditLog;

struct SharedServices {
  Accounts& accounts;
  ConnectionPool& database;
  ChangeFeed& changes;
  EventBus& events;
  Mail& mail;
  Reviews& reviews;
  RateLimits& rate_limits;
  const PasswordRules& password_rules;
  SignInGuard& sign_in;
  const Geo& geo;
  const Secrets& secrets;
  LogSink& log;
  MetricsRegistry& metrics;
  const Clock& clock;
  std::string data_dir;
  std::string public_url;
  bool secure_cookies = false;
  std::string mail_templates_dir;  // mail.templates_dir: the operator's copies, per plugin
  std::string plugins_dir;         // plugins.dir: the programs a plugin ships (plugin_program)
  // SignInFactors as the named plugin sees it (auth/second_steps.hpp).
  std::function<std::unique_ptr<SignInFactors>(const std::string& plugin)> sign_in_factors;
  AdminAuditLog& audit;  // Host::name_admin_action, record_admin_action
};

class PluginServices final : public Host {
 public:
  PluginServices(SharedServices shared, std::string plugin_name);
  ~PluginServices() override;

  // The owner handle the event bus keeps for this version's subscriptions.
  void set_owner(std::weak_ptr<const void> owner) { owner_ = std::move(owner); }
  // After start() returns, routes may no longer be added.
  void close_registration() { registration_open_ = false; }
  // The version retires: its change handlers go before its stop(), so none
  // runs in a plugin that is stopping or gone.
  void withdraw_change_handlers();
  std::vector<Route> take_routes() { return std::move(routes_); }
  BodyLimits take_body_limits() { return std::move(body_limits_); }
  PluginUi take_ui() { return std::move(ui_); }
  ApiDescription take_api_description() { return std::move(api_); }
  std::shared_ptr<SecondStepProvider> take_second_step() { return std::move(second_step_); }
  std::shared_ptr<MemberDataProvider> take_member_data() { return std::move(member_data_); }

  std::string_view plugin_name() const override { return name_; }
  void add_route(Route route) override;
  void add_route_with_body_limit(Route route, std::size_t max_body_bytes) override;
  Accounts& accounts() override { return shared_.accounts; }
  Database& database() override;
  Events& events() override { return *events_; }
  Mail& mail() override { return *mail_; }
  RateLimits& rate_limits() override { return *rate_limits_; }
  const Secrets& secrets() const override { return shared_.secrets; }
  Logger& logger() override;
  const Clock& clock() const override { return shared_.clock; }
  Metrics& metrics() override { return *metrics_; }
  std::string data_dir() const override { return shared_.data_dir; }
  std::string public_url() const override { return shared_.public_url; }
  bool secure_cookies() const override { return shared_.secure_cookies; }
  const PasswordRules& password_rules() const override { return shared_.password_rules; }
  SignInGuard& sign_in_guard() override { return shared_.sign_in; }
  const Geo& geo() const override { return shared_.geo; }
  void add_ui_files(const std::vector<EmbeddedFile>& files) override;
  void add_ui(UiEntry entry) override;
  void add_review_kind(ReviewKind kind) override;
  void add_mail_templates(const std::vector<EmbeddedFile>& files) override;
  Reviews& reviews() override { return *reviews_; }
  Result<std::string> plugin_program(std::string_view name) const override;
  void add_api_description(const std::vector<EmbeddedFile>& files) override;
  Changes& changes() override;
  bool leading() const override;
  SignInFactors& sign_in_factors() override;
  void provide_second_step(std::shared_ptr<SecondStepProvider> provider) override;
  void provide_member_data(std::shared_ptr<MemberDataProvider> provider) override;
  void name_admin_action(std::string_view method, std::string_view pattern, std::string_view action) override;
  Result<void> record_admin_action(UnitOfWork& work, std::string_view detail) override;

 private:
  class PluginEvents;
  class PluginMetrics;
  class PluginRateLimits;
  class PluginDatabase;

  SharedServices shared_;
  std::string name_;
  std::weak_ptr<const void> owner_;
  bool registration_open_ = true;
  std::vector<Route> routes_;
  BodyLimits body_limits_;
  PluginUi ui_;
  ApiDescription api_;
  MailTemplates mail_templates_;  // before mail_, which refers to it
  std::unique_ptr<ComponentLogger> logger_;
  std::unique_ptr<Events> events_;
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<RateLimits> rate_limits_;
  std::unique_ptr<Database> database_;
  std::unique_ptr<Mail> mail_;
  std::unique_ptr<Reviews> reviews_;
  std::unique_ptr<PluginChanges> changes_;
  std::unique_ptr<SignInFactors> sign_in_factors_;
  std::shared_ptr<SecondStepProvider> second_step_;
  std::shared_ptr<MemberDataProvider> member_data_;
};

}  // namespace memberd
