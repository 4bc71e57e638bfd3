#include "plugin_host/plugin_services.hpp"

#include "audit/admin_audit_log.hpp"
#include "storage/service_boundary.hpp"

#include "events/event_bus.hpp"
#include "plugin_host/plugin_changes.hpp"
#include "plugin_host/plugin_mail.hpp"
#include "plugin_host/plugin_reviews.hpp"
#include "plugin_host/plugin_library.hpp"
#include "plugin_host/trusted_plugin_file.hpp"
#include "log/logger.hpp"
#include "metrics/registry.hpp"
#include "storage/change_feed.hpp"
#include "storage/database.hpp"

#include <stdexcept>

namespace memberd {

class PluginServices::PluginEvents final : public Events {
 public:
  explicit PluginEvents(PluginServices& host) : host_(host) {}
  Result<void> publish(UnitOfWork& work, std::string_view type, const nlohmann::json& payload) override {
    return host_.shared_.events.publish(work, type, payload);
  }
  void subscribe(std::string_view subscriber, std::vector<std::string> types, EventHandler handler) override {
    auto owner = host_.owner_.lock();
    if (!owner || !host_.registration_open_)
      throw std::logic_error("Events::subscribe may only be called from start()");
    host_.shared_.events.subscribe(std::move(owner), host_.name_, std::string(subscriber), std::move(types),
                                   std::move(handler));
  }

 private:
  PluginServices& host_;
};

// Names are prefixed with the plugin's, so two plugins cannot collide.
class PluginServices::PluginMetrics final : public Metrics {
 public:
  PluginMetrics(MetricsRegistry& registry, const std::string& plugin) : registry_(registry), prefix_("memberd_" + plugin + "_") {}
  void increment(std::string_view name, std::string_view help, const Labels& labels, double by) override {
    registry_.counter(prefix_ + std::string(name), std::string(help), labels).inc(by);
  }
  void observe(std::string_view name, std::string_view help, double value, const Labels& labels) override {
    registry_.histogram(prefix_ + std::string(name), std::string(help), labels).observe(value);
  }

 private:
  MetricsRegistry& registry_;
  std::string prefix_;
};

// Keys are prefixed with the plugin's name, so two plugins cannot share (or
// reset) each other's counters.
class PluginServices::PluginRateLimits final : public RateLimits {
 public:
  PluginRateLimits(RateLimits& shared, const std::string& plugin) : shared_(shared), prefix_(plugin + ":") {}
  Result<void> reserve_attempt(UnitOfWork& work, std::string_view key, const AttemptPolicy& policy) override {
    return shared_.reserve_attempt(work, prefix_ + std::string(key), policy);
  }
  Result<void> attempt_succeeded(UnitOfWork& work, std::string_view key) override {
    return shared_.attempt_succeeded(work, prefix_ + std::string(key));
  }
  Result<AttemptState> attempt_failed(UnitOfWork& work, std::string_view key, const AttemptPolicy& policy) override {
    return shared_.attempt_failed(work, prefix_ + std::string(key), policy);
  }
  Result<void> release_attempt(UnitOfWork& work, std::string_view key) override {
    return shared_.release_attempt(work, prefix_ + std::string(key));
  }
  Result<AttemptState> attempt_state(UnitOfWork& work, std::string_view key, const AttemptPolicy& policy) override {
    return shared_.attempt_state(work, prefix_ + std::string(key), policy);
  }
  Result<void> hit(UnitOfWork& work, std::string_view key, int limit, std::chrono::seconds window) override {
    return shared_.hit(work, prefix_ + std::string(key), limit, window);
  }
  Result<void> check(UnitOfWork& work, std::string_view key, int limit, std::chrono::seconds window) override {
    return shared_.check(work, prefix_ + std::string(key), limit, window);
  }
  Result<void> take_back(UnitOfWork& work, std::string_view key, std::chrono::seconds window) override {
    return shared_.take_back(work, prefix_ + std::string(key), window);
  }

 private:
  RateLimits& shared_;
  std::string prefix_;
};

// The plugin's own units of work (Host::database().open_unit()) are its
// work: the core services' boundary logs an unexpected failure in them
// under its name.
class PluginServices::PluginDatabase final : public Database {
 public:
  PluginDatabase(ConnectionPool& pool, const std::string& plugin) : pool_(pool), plugin_(plugin) {}
  Backend backend() const override { return pool_.backend(); }
  std::unique_ptr<UnitOfWork> open_unit() override { return pool_.open_unit_for(plugin_); }

 private:
  ConnectionPool& pool_;
  std::string plugin_;
};

PluginServices::PluginServices(SharedServices shared, std::string plugin_name)
    : shared_(std::move(shared)), name_(std::move(plugin_name)) {
  logger_ = std::make_unique<ComponentLogger>(shared_.log, name_);
  events_ = std::make_unique<PluginEvents>(*this);
  metrics_ = std::make_unique<PluginMetrics>(shared_.metrics, name_);
  rate_limits_ = std::make_unique<PluginRateLimits>(shared_.rate_limits, name_);
  database_ = std::make_unique<PluginDatabase>(shared_.database, name_);
  mail_ = std::make_unique<PluginMail>(shared_.mail, name_, mail_templates_);
  reviews_ = std::make_unique<PluginReviews>(shared_.reviews, name_);
  changes_ = std::make_unique<PluginChanges>(shared_.changes, name_, registration_open_);
  if (shared_.sign_in_factors) sign_in_factors_ = shared_.sign_in_factors(name_);
}

PluginServices::~PluginServices() = default;

Logger& PluginServices::logger() { return *logger_; }

Database& PluginServices::database() { return *database_; }

Changes& PluginServices::changes() { return *changes_; }

// The daemon's, as its change feed knows it: not the plugin's to narrow.
bool PluginServices::leading() const { return shared_.changes.leading(); }

SignInFactors& PluginServices::sign_in_factors() {
  if (!sign_in_factors_) throw std::logic_error("this host was made without sign-in factors");
  return *sign_in_factors_;
}

void PluginServices::provide_second_step(std::shared_ptr<SecondStepProvider> provider) {
  if (!registration_open_) throw std::logic_error("Host::provide_second_step may only be called from start()");
  if (!provider) throw std::invalid_argument("Host::provide_second_step: no provider given");
  if (second_step_) throw std::invalid_argument("Host::provide_second_step: called twice");
  second_step_ = std::move(provider);
}

void PluginServices::provide_member_data(std::shared_ptr<MemberDataProvider> provider) {
  if (!registration_open_) throw std::logic_error("Host::provide_member_data may only be called from start()");
  if (!provider) throw std::invalid_argument("Host::provide_member_data: no provider given");
  if (member_data_) throw std::invalid_argument("Host::provide_member_data: called twice");
  member_data_ = std::move(provider);
}

void PluginServices::name_admin_action(std::string_view method, std::string_view pattern, std::string_view action) {
  if (!registration_open_) throw std::logic_error("Host::name_admin_action may only be called from start()");
  if (!AdminAuditLog::valid_plugin_action(name_, action))
    throw std::invalid_argument("Host::name_admin_action: \"" + std::string(action) + "\" is not \"" + name_ +
                                "\" or \"" + name_ + ".<word>\" (a-z, 0-9, _ and ., at most 64 characters)");
  // Only a route of this plugin, added before: no plugin renames another's
  // (or the core's) actions.
  bool own = false;
  for (const auto& route : routes_)
    own = own || (route.method == method && route.pattern == pattern && route.access == Access::admin);
  if (!own)
    throw std::invalid_argument("Host::name_admin_action: " + std::string(method) + " " + std::string(pattern) +
                                " is not an admin route this plugin added (add_route first)");
  shared_.audit.name(method, pattern, action);
}

Result<void> PluginServices::record_admin_action(UnitOfWork& work, std::string_view detail) {
  return service_call(shared_.log, "Host::record_admin_action", work,
                      [&]() -> Result<void> { return shared_.audit.record(work, detail); });
}

void PluginServices::withdraw_change_handlers() { changes_->withdraw(); }

void PluginServices::add_route(Route route) {
  if (!registration_open_) throw std::logic_error("Host::add_route may only be called from start()");
  routes_.push_back(std::move(route));
}

void PluginServices::add_route_with_body_limit(Route route, std::size_t max_body_bytes) {
  if (!registration_open_) throw std::logic_error("Host::add_route_with_body_limit may only be called from start()");
  // Thrown from start(): the plugin does not load, and the message says why.
  if (max_body_bytes < 1024 || max_body_bytes > (std::size_t(1) << 30))
    throw std::invalid_argument("route " + body_limit_key(route) + ": a body limit is 1 KiB to 1 GiB, not " +
                                std::to_string(max_body_bytes) + " bytes");
  body_limits_[body_limit_key(route)] = max_body_bytes;
  routes_.push_back(std::move(route));
}

void PluginServices::add_ui_files(const std::vector<EmbeddedFile>& files) {
  if (!registration_open_) throw std::logic_error("Host::add_ui_files may only be called from start()");
  ui_.add_files(files);
}

void PluginServices::add_mail_templates(const std::vector<EmbeddedFile>& files) {
  if (!registration_open_) throw std::logic_error("Host::add_mail_templates may only be called from start()");
  mail_templates_.add(files, shared_.mail_templates_dir.empty()
                                 ? std::filesystem::path()
                                 : std::filesystem::path(shared_.mail_templates_dir) / name_);
}

void PluginServices::add_ui(UiEntry entry) {
  if (!registration_open_) throw std::logic_error("Host::add_ui may only be called from start()");
  ui_.entries.push_back(std::move(entry));
}

void PluginServices::add_review_kind(ReviewKind kind) {
  if (!registration_open_) throw std::logic_error("Host::add_review_kind may only be called from start()");
  ui_.review_kinds.push_back(std::move(kind));
}

void PluginServices::add_api_description(const std::vector<EmbeddedFile>& files) {
  if (!registration_open_) throw std::logic_error("Host::add_api_description may only be called from start()");
  for (const auto& file : files) api_.add(name_, file);  // thrown from start(): the plugin does not load
}

Result<std::string> PluginServices::plugin_program(std::string_view name) const {
  // A bare name: the program lives in plugins.dir itself, never elsewhere.
  bool plain = !name.empty() && name.size() <= 64;
  for (char c : name) plain = plain && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-');
  if (!plain) return Failure{Refusal::not_found, {}, "a plugin program's name is [a-z0-9_-], at most 64 characters"};
  try {
    return trusted_plugin_program(std::filesystem::path(shared_.plugins_dir) / std::string(name), shared_.plugins_dir);
  } catch (const PluginLoadError& e) {
    return Failure{Refusal::not_found, {}, e.what()};
  }
}

}  // namespace memberd
