#include "plugin_host/cluster_convergence.hpp"

#include "log/logger.hpp"
#include "plugin_host/plugin_host.hpp"
#include "storage/change_feed.hpp"
#include "storage/database.hpp"
#include "storage/database_fault.hpp"
#include "storage/error_text.hpp"

#include <stdexcept>

namespace memberd {

namespace {

using namespace std::chrono_literals;

// A request missed (announced while the feed was down, or lost with a
// commit's answer) is found by the next look of its own.
constexpr auto kLookLive = 30s;
constexpr auto kLookNotLive = 5s;
constexpr auto kLookAfterFailure = 1s;

}  // namespace

ClusterConvergence::ClusterConvergence(ConnectionPool& database, ChangeFeed& changes, PluginRequests& requests,
                                       PluginHost& plugins, LogSink& log, std::function<void()> applied)
    : database_(database), changes_(changes), requests_(requests), plugins_(plugins), log_(log),
      applied_(std::move(applied)) {}

ClusterConvergence::~ClusterConvergence() { stop(); }

void ClusterConvergence::before_loading() {
  try {
    auto unit = database_.open_unit();
    if (auto read = requests_.list(*unit))
      for (const auto& request : *read) before_start_[request.plugin] = request.request_id;
  } catch (const std::exception&) {
    // Unknown, so every reload found later is done; the outage shows on the first look.
  }
}

void ClusterConvergence::start() {
  // Any key, and the empty one (the feed back after a gap): look again.
  subscription_ = changes_.subscribe(PluginRequests::kTopic, [this](std::string_view) {
    std::lock_guard lock(mutex_);
    told_ = true;
    wake_.notify_one();
  });
  if (!look()) {
    std::lock_guard lock(mutex_);
    told_ = true;  // the thread tries again at once
  }
  thread_ = std::thread([this] { loop(); });
}

void ClusterConvergence::stop() {
  if (subscription_) {
    changes_.unsubscribe(subscription_);
    subscription_ = 0;
  }
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

std::map<std::string, ClusterConvergence::Outcome> ClusterConvergence::outcomes() const {
  std::lock_guard lock(mutex_);
  return outcomes_;
}

void ClusterConvergence::loop() {
  bool last_failed = false;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      auto wait = last_failed ? kLookAfterFailure : changes_.live() ? kLookLive : kLookNotLive;
      wake_.wait_for(lock, wait, [this] { return told_ || stopping_; });
      if (stopping_) return;
      told_ = false;
    }
    last_failed = !look();
  }
}

bool ClusterConvergence::look() {
  std::vector<PluginRequest> requests;
  auto began = database_.outages().now();
  try {
    auto unit = database_.open_unit();
    auto read = requests_.list(*unit);
    if (!read) return false;  // busy or down: the pool counted it
    requests = std::move(*read);
  } catch (const std::exception& e) {
    if (auto fault = classify_database_error(e); fault != DatabaseFault::none)
      database_.outages().failed(fault, began);
    else
      log_.write(LogLevel::warn, "plugins", "cannot read the cluster's plugin requests", {{"error", describe_error(e)}});
    return false;
  }
  bool any = false;
  for (const auto& request : requests) {
    long long done = 0, before_start = 0;
    {
      std::lock_guard lock(mutex_);
      // find(), not []: no empty outcome may be recorded before one is had.
      if (auto o = outcomes_.find(request.plugin); o != outcomes_.end()) done = o->second.request_id;
      if (auto b = before_start_.find(request.plugin); b != before_start_.end()) before_start = b->second;
    }
    if (request.request_id <= done) continue;
    apply(request, request.action == "reload" && request.request_id <= before_start);
    any = true;
  }
  if (any && applied_) applied_();
  return true;
}

void ClusterConvergence::apply(const PluginRequest& request, bool met_by_start) {
  Outcome outcome{request.request_id, {}};
  Labels fields{{"plugin", request.plugin}, {"request", std::to_string(request.request_id)}};
  try {
    if (request.action == "unload") {
      plugins_.unload(request.plugin);
      log_.write(LogLevel::info, "plugins", "plugin unloaded for the cluster", fields);
    } else if (met_by_start) {
      // Loaded from its file a moment ago: that is what a reload asks for.
      for (const auto& status : plugins_.status())
        if (status.name == request.plugin && status.state == PluginState::failed) outcome.error = status.last_error;
    } else {
      plugins_.reload(request.plugin);
      log_.write(LogLevel::info, "plugins", "plugin reloaded for the cluster", fields);
    }
  } catch (const std::out_of_range&) {
    // Not in this daemon's plugins.enabled: nothing to serve or withdraw.
    // It has no entry in its row, and the progress does not count it.
  } catch (const ShuttingDown&) {
    return;  // stopping: its successor applies the request at its start
  } catch (const std::exception& e) {
    outcome.error = e.what();
    fields.emplace_back("error", e.what());
    log_.write(LogLevel::warn, "plugins", "a reload asked for the cluster failed here; the previous version serves on",
               fields);
  }
  std::lock_guard lock(mutex_);
  outcomes_[request.plugin] = std::move(outcome);
}

}  // namespace memberd
