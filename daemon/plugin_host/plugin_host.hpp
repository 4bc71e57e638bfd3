#pragma once
// Loads the enabled plugins and hot-swaps them.
//
// All loading and unloading runs on one loader thread, one plugin at a time.
// A (re)load stages the library, checks its signature, validates its config
// section, applies its migrations and starts it; only then is a new route
// table published, in one atomic store. Requests already running keep the
// old table — and so the old version — until they finish; when the last one
// lets go, the old version's stop() runs on the loader thread and its library
// is unloaded, which is verified with RTLD_NOLOAD. Any failure before the
// publish leaves the old version serving and is kept as `last_error`.
#include <memberd/ui.hpp>
#include <memberd/plugin.hpp>

#include "plugin_host/plugin_services.hpp"
#include "plugin_host/route_sets.hpp"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <future>
#include <map>
#include <stdexcept>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace memberd {

struct PluginStatus;

struct PluginHostSettings {
  std::filesystem::path dir;          // where <name>.so files are
  std::filesystem::path staging_dir;  // <data_dir>/plugins
  std::vector<std::string> enabled;
  bool watch = false;
  std::chrono::milliseconds watch_interval{1000};
  // The core's OpenAPI components ("schemas/Problem"): what a plugin's part
  // of the contract may refer to besides its own (ApiDescription::check).
  std::set<std::string> core_api_components;
  // Told of each reload nobody asked for by name, on the loader thread once
  // it is over: `cause` is "SIGHUP" (reload_all) or "file changed" (the
  // watcher); `status` the plugin's after it; `loaded` whether the new
  // version serves (else its load error is in status.last_error and the old
  // version, if any, serves on). The daemon writes them to the admin audit
  // log. Must not throw.
  std::function<void(const PluginStatus& status, std::string_view cause, bool loaded)> on_unasked_reload;
};

enum class PluginState { not_loaded, loaded, failed, unloaded };

// As the admin API and memberctl show it: "not_loaded", "loaded", "failed",
// "unloaded" (taken out of service by an operator).
const char* state_name(PluginState state);

struct PluginStatus {
  std::string name, version, api_version, file, sha256, loaded_at, last_error;
  PluginState state = PluginState::not_loaded;
  double swap_ms = 0;
  unsigned generation = 0;
};

// Thrown by reload() once shutdown has begun (the API answers 503).
struct ShuttingDown : std::runtime_error {
  ShuttingDown() : std::runtime_error("the daemon is shutting down") {}
};

// An enabled plugin's part of members' data: `provider` null when the
// plugin is not serving, or serves without one (a plugin that keeps nothing
// of members, or one built before SDK 2.16).
struct PluginMemberData {
  std::string plugin;
  bool serving = false;
  std::shared_ptr<MemberDataProvider> provider;
};

// A shell entry of a loaded plugin version, as GET /api/v1/ui lists it.
struct LoadedUiEntry {
  std::string plugin;
  UiEntry entry;
  std::string module_url;               // with the file's version (?v=)
  std::vector<std::string> style_urls;
  std::vector<std::string> import_urls;  // the module's static imports, as the browser asks for them
};

struct LoadedReviewKind {
  std::string plugin;
  ReviewKind kind;
  std::string module_url;  // in the console, with the file's version; empty: none
  std::vector<std::string> style_urls;
};

struct PluginHostCounters {
  std::size_t loads = 0, failures = 0, unloads = 0, unload_leaks = 0, retiring = 0;
};

// Validates a plugin's config section against its schema; throws (with
// file:line:column) when the section does not fit.
using SectionValidator =
    std::function<std::unique_ptr<Config>(const std::string& plugin, const std::vector<ConfigKey>& schema)>;

class PluginHost {
 public:
  PluginHost(PluginHostSettings settings, SharedServices shared, RouteSets& routes, SectionValidator validator);
  ~PluginHost();

  // Loads every enabled plugin; failures are recorded, not thrown.
  void load_enabled();
  // Hot-swaps `name` from its file. Returns the new status; throws
  // std::runtime_error with the load error (the old version keeps serving),
  // std::out_of_range for a plugin that is not enabled.
  // A plugin the operator unloaded comes back only this way.
  PluginStatus reload(const std::string& name);
  // Takes `name` out of service until it is reloaded by name: its routes, UI
  // files, menu entries and event handlers go at once; requests already
  // running finish on it, and it is stopped and unloaded when the last one
  // lets go. Neither reload_all() (SIGHUP) nor the file watcher bring it
  // back; a restart does, unless it left plugins.enabled. Unloading an
  // unloaded plugin changes nothing. Throws std::out_of_range for a plugin
  // that is not enabled, ShuttingDown once shutdown has begun.
  PluginStatus unload(const std::string& name);
  // Reloads every enabled plugin but those an operator unloaded.
  void reload_all();
  std::vector<PluginStatus> status() const;
  // The UI entries of the versions serving now, in plugin-name order.
  std::vector<LoadedUiEntry> ui_entries() const;
  // The review kinds the serving plugins declared (Host::add_review_kind).
  std::vector<LoadedReviewKind> review_kinds() const;
  // The parts of the HTTP contract the serving plugins described
  // (Host::add_api_description), by plugin name.
  std::vector<std::pair<std::string, ApiDescription>> api_descriptions() const;
  PluginHostCounters counters() const;
  // The second-step provider plugin `name`'s serving version provided
  // (Host::provide_second_step), keeping that version alive while it is
  // held; nullptr when it is not serving or provided none.
  std::shared_ptr<SecondStepProvider> second_step_provider(const std::string& name) const;
  // Every enabled plugin's part of a member's data (Host::provide_member_data),
  // in name order: the providers of the versions serving now, each keeping
  // its version alive while held.
  std::vector<PluginMemberData> member_data() const;
  // Unpublishes every plugin, waits for their retirement, stops the threads.
  void shutdown();

 private:
  struct Loaded;
  struct Slot {
    std::shared_ptr<Loaded> active;
    PluginStatus status;
    bool held_out = false;  // unloaded by an operator: only reload(name) loads it
  };

  template <typename F>
  auto on_loader(F&& work) -> decltype(work());
  void loader_loop();
  void watcher_loop();
  PluginStatus load(const std::string& name);
  // reload() for SIGHUP and the watcher: nothing for a held-out plugin;
  // on_unasked_reload hears of the rest.
  void reload_unless_held_out(const std::string& name, std::string_view cause);
  PluginStatus take_out_of_service(const std::string& name);
  // load()'s steps: a started version (or a throw), its publication in place
  // of the old one, and the record of a failure.
  std::shared_ptr<Loaded> start_version(const std::string& name, unsigned generation);
  PluginStatus publish(const std::string& name, const std::shared_ptr<Loaded>& fresh, unsigned generation,
                       std::chrono::steady_clock::time_point started_at);
  std::string record_failure(const std::string& name);
  // The serving versions with their plugin's name, read under the lock; the
  // pointers keep each version alive while the caller reads its web.
  std::vector<std::pair<std::string, std::shared_ptr<const Loaded>>> serving() const;
  void retire(Loaded* loaded);
  void withdraw_all();

  PluginHostSettings settings_;
  SharedServices shared_;
  RouteSets& routes_;
  SectionValidator validator_;

  mutable std::mutex mutex_;  // guards slots_ and counters_
  std::map<std::string, Slot> slots_;
  PluginHostCounters counters_;
  unsigned generation_ = 0;

  std::mutex queue_mutex_;
  std::condition_variable queue_ready_;
  std::condition_variable retired_;  // with mutex_: counters_.retiring fell
  std::deque<std::function<void()>> queue_;
  bool closing_ = false;        // shutdown began: no new loads
  bool stopping_ = false;       // the loader may exit once its queue is empty
  bool loader_exited_ = false;  // retire now runs on the releasing thread
  std::thread loader_, watcher_;
  std::thread::id loader_id_;
};

}  // namespace memberd
