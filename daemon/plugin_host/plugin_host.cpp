#include "plugin_host/plugin_host.hpp"

#include "events/event_bus.hpp"
#include "log/logger.hpp"
#include "metrics/registry.hpp"
#include "plugin_host/plugin_library.hpp"
#include "plugin_host/staging_dir.hpp"
#include "plugin_host/trusted_plugin_file.hpp"
#include "storage/migrations.hpp"
#include "storage/error_text.hpp"
#include "util/time_format.hpp"

#include <sys/stat.h>

#include <regex>

namespace memberd {

const char* state_name(PluginState state) {
  switch (state) {
    case PluginState::loaded: return "loaded";
    case PluginState::failed: return "failed";
    case PluginState::unloaded: return "unloaded";
    case PluginState::not_loaded: break;
  }
  return "not_loaded";
}

// One started version of a plugin. Members are destroyed bottom-up: the
// routes and the instance (code inside the library) go before the library.
struct PluginHost::Loaded {
  std::shared_ptr<PluginLibrary> library;
  std::filesystem::path staged;
  std::unique_ptr<Config> config;
  std::unique_ptr<PluginServices> services;
  std::unique_ptr<Plugin> instance;
  std::shared_ptr<SecondStepProvider> second_step;  // the plugin's code: goes before the library
  std::shared_ptr<MemberDataProvider> member_data;  // likewise
  std::vector<Route> routes;
  BodyLimits body_limits;
  PluginUi ui;
  ApiDescription api;
  PluginInfo info;
  bool started = false;
};

namespace {

double milliseconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

std::string api_version() {
  return std::to_string(MEMBERD_SDK_VERSION_MAJOR) + "." + std::to_string(MEMBERD_SDK_VERSION_MINOR);
}

}  // namespace

PluginHost::PluginHost(PluginHostSettings settings, SharedServices shared, RouteSets& routes, SectionValidator validator)
    : settings_(std::move(settings)), shared_(std::move(shared)), routes_(routes), validator_(std::move(validator)) {
  for (const auto& name : settings_.enabled) {
    Slot slot;
    slot.status.name = name;
    slot.status.state = PluginState::not_loaded;
    slot.status.api_version = api_version();
    slot.status.file = (settings_.dir / (name + ".so")).string();
    slots_.emplace(name, std::move(slot));
  }
  if (!settings_.enabled.empty()) {
    // A staging directory another user could write refuses the start
    // (staging_dir.hpp); so does every load, should it change later.
    open_staging_dir(settings_.staging_dir);
    for (const auto& warning : plugins_dir_warnings(settings_.dir))
      shared_.log.write(LogLevel::warn, "plugins", warning, {{"plugins_dir", settings_.dir.string()}});
  }
  // Copies left by a crash: nothing is mapped yet, so they can all go.
  std::error_code ignored;
  if (std::filesystem::is_directory(settings_.staging_dir, ignored))
    for (const auto& entry : std::filesystem::directory_iterator(settings_.staging_dir, ignored))
      std::filesystem::remove(entry.path(), ignored);
  loader_ = std::thread([this] { loader_loop(); });
  loader_id_ = loader_.get_id();
  if (settings_.watch) watcher_ = std::thread([this] { watcher_loop(); });
}

PluginHost::~PluginHost() { shutdown(); }

template <typename F>
auto PluginHost::on_loader(F&& work) -> decltype(work()) {
  using Result = decltype(work());
  if (std::this_thread::get_id() == loader_id_) return work();
  auto task = std::make_shared<std::packaged_task<Result()>>(std::forward<F>(work));
  auto future = task->get_future();
  {
    std::lock_guard lock(queue_mutex_);
    if (closing_) throw ShuttingDown();
    queue_.push_back([task] { (*task)(); });
  }
  queue_ready_.notify_all();
  return future.get();
}

void PluginHost::loader_loop() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock lock(queue_mutex_);
      queue_ready_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) {
        // Decided under the same lock a releasing thread checks: a retire is
        // either queued before this point (and run) or run by its releaser.
        loader_exited_ = true;
        return;
      }
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task();
  }
}

void PluginHost::load_enabled() {
  for (const auto& name : settings_.enabled) {
    try {
      reload(name);
    } catch (const ShuttingDown&) {
      return;
    } catch (const std::exception&) {
      // Recorded in the plugin's status and logged; the daemon serves on.
    }
  }
}

void PluginHost::reload_all() {
  for (const auto& name : settings_.enabled) {
    try {
      reload_unless_held_out(name, "SIGHUP");
    } catch (const ShuttingDown&) {
      return;
    } catch (const std::exception&) {
      // Recorded in the plugin's status and logged; the daemon serves on.
    }
  }
}

PluginStatus PluginHost::reload(const std::string& name) {
  {
    std::lock_guard lock(mutex_);
    if (!slots_.count(name)) throw std::out_of_range("plugin " + name + " is not enabled");
  }
  return on_loader([&] {
    {
      std::lock_guard lock(mutex_);
      slots_.at(name).held_out = false;
    }
    return load(name);
  });
}

void PluginHost::reload_unless_held_out(const std::string& name, std::string_view cause) {
  on_loader([&] {
    {
      std::lock_guard lock(mutex_);
      if (slots_.at(name).held_out) return;
    }
    auto tell = [&](bool loaded) {
      if (!settings_.on_unasked_reload) return;
      PluginStatus now;
      {
        std::lock_guard lock(mutex_);
        now = slots_.at(name).status;
      }
      settings_.on_unasked_reload(now, cause, loaded);
    };
    try {
      load(name);
    } catch (const ShuttingDown&) {
      throw;
    } catch (...) {
      tell(false);  // a failed reload is a record too: the old version serves on
      throw;
    }
    tell(true);
  });
}

PluginStatus PluginHost::unload(const std::string& name) {
  {
    std::lock_guard lock(mutex_);
    if (!slots_.count(name)) throw std::out_of_range("plugin " + name + " is not enabled");
  }
  // On the loader, so that it cannot interleave with a load of the same plugin.
  return on_loader([&] { return take_out_of_service(name); });
}

PluginStatus PluginHost::take_out_of_service(const std::string& name) {
  std::shared_ptr<Loaded> old;
  PluginStatus status;
  {
    std::lock_guard lock(mutex_);
    auto& slot = slots_.at(name);
    slot.held_out = true;
    routes_.withdraw(name);
    old = std::move(slot.active);
    if (old) ++counters_.retiring;
    slot.status.state = PluginState::unloaded;
    slot.status.last_error.clear();
    status = slot.status;
  }
  if (!old) return status;
  shared_.events.remove(old.get());
  shared_.log.write(LogLevel::info, "plugins", "plugin unloaded by an operator",
                    {{"plugin", name}, {"version", old->info.version}});
  // Requests still running hold their own references; the last one to let
  // go hands the version to the loader to be stopped and unloaded.
  return status;
}

// Stage, check, configure, migrate, start, publish: any failure before the
// publish leaves the previous version serving.
PluginStatus PluginHost::load(const std::string& name) {
  auto started_at = std::chrono::steady_clock::now();
  std::shared_ptr<Loaded> fresh;
  try {
    unsigned generation;
    {
      std::lock_guard lock(mutex_);
      generation = ++generation_;
    }
    fresh = start_version(name, generation);
    return publish(name, fresh, generation, started_at);
  } catch (const ShuttingDown&) {
    if (fresh) shared_.events.remove(fresh.get());
    throw;
  } catch (...) {
    if (fresh) shared_.events.remove(fresh.get());
    throw std::runtime_error(record_failure(name));
  }
}

std::shared_ptr<PluginHost::Loaded> PluginHost::start_version(const std::string& name, unsigned generation) {
  auto library = PluginLibrary::load(settings_.dir / (name + ".so"), settings_.staging_dir, generation);
  // From here on the version is owned by a shared_ptr whose last release
  // hands it to the loader thread to be stopped and unloaded.
  auto fresh = std::shared_ptr<Loaded>(new Loaded(), [this](Loaded* gone) {
    std::unique_lock lock(queue_mutex_);
    if (loader_exited_) {
      lock.unlock();
      retire(gone);
      return;
    }
    queue_.push_back([this, gone] { retire(gone); });
    lock.unlock();
    queue_ready_.notify_all();
  });
  fresh->library = library;
  fresh->staged = library->staged_path();
  fresh->instance.reset(library->create());
  fresh->info = fresh->instance->info();
  if (fresh->info.name != name)
    throw PluginLoadError(name + ".so calls itself \"" + fresh->info.name + "\"; the file name and info().name must agree");
  fresh->config = validator_(name, fresh->instance->config_schema());
  apply_migrations(shared_.database, name, fresh->instance->migrations());
  fresh->services = std::make_unique<PluginServices>(shared_, name);
  fresh->services->set_owner(std::shared_ptr<const void>(fresh, fresh.get()));
  fresh->started = true;  // stop() is owed from here, even if start() throws half-way
  try {
    fresh->instance->start(*fresh->services, *fresh->config);
  } catch (const std::exception& e) {
    throw PluginLoadError(name + " refused to start: " + describe_error(e));
  }
  fresh->services->close_registration();
  fresh->routes = fresh->services->take_routes();
  fresh->body_limits = fresh->services->take_body_limits();
  fresh->ui = fresh->services->take_ui();
  fresh->api = fresh->services->take_api_description();
  fresh->second_step = fresh->services->take_second_step();
  fresh->member_data = fresh->services->take_member_data();
  try {
    fresh->ui.check(name);
    fresh->ui.index_imports();
    fresh->api.check(name, fresh->routes, settings_.core_api_components);
  } catch (const std::invalid_argument& e) {
    throw PluginLoadError(e.what());
  }
  // Its files are routes of its own: they swap and go with the version.
  for (auto& route : fresh->ui.routes(name)) fresh->routes.push_back(std::move(route));
  {
    std::lock_guard lock(queue_mutex_);
    if (closing_) throw ShuttingDown();
  }
  return fresh;
}

PluginStatus PluginHost::publish(const std::string& name, const std::shared_ptr<Loaded>& fresh, unsigned generation,
                                 std::chrono::steady_clock::time_point started_at) {
  std::shared_ptr<Loaded> old;
  PluginStatus status;
  {
    std::lock_guard lock(mutex_);
    // Throws on a route conflict, before anything changed.
    routes_.install(name, fresh->routes, fresh, fresh->body_limits);
    auto& slot = slots_.at(name);
    old = std::move(slot.active);
    slot.active = fresh;
    slot.status.version = fresh->info.version;
    slot.status.sha256 = fresh->library->sha256();
    slot.status.loaded_at = format_rfc3339(std::chrono::system_clock::now());
    slot.status.state = PluginState::loaded;
    slot.status.last_error.clear();
    slot.status.generation = generation;
    slot.status.swap_ms = milliseconds_since(started_at);
    ++counters_.loads;
    if (old) ++counters_.retiring;
    status = slot.status;
  }
  shared_.events.activate(fresh.get());
  if (old) shared_.events.remove(old.get());
  shared_.metrics.counter("memberd_plugin_loads_total", "Plugin versions loaded", {{"plugin", name}}).inc();
  shared_.metrics.histogram("memberd_plugin_swap_seconds", "Time to load and publish a plugin version", {})
      .observe(status.swap_ms / 1000.0);
  shared_.log.write(LogLevel::info, "plugins", old ? "plugin swapped" : "plugin loaded",
                    {{"plugin", name}, {"version", status.version}, {"ms", std::to_string(status.swap_ms)}});
  return status;
}

std::string PluginHost::record_failure(const std::string& name) {
  std::string message = describe_current_exception();
  {
    std::lock_guard lock(mutex_);
    auto& slot = slots_.at(name);
    slot.status.last_error = message;
    if (!slot.active) slot.status.state = PluginState::failed;
    ++counters_.failures;
  }
  shared_.metrics.counter("memberd_plugin_load_failures_total", "Plugin loads that failed", {{"plugin", name}}).inc();
  shared_.log.write(LogLevel::error, "plugins", "plugin load failed; previous version (if any) keeps serving",
                    {{"plugin", name}, {"error", message}});
  return message;
}

void PluginHost::retire(Loaded* loaded) {
  std::string name = loaded->info.name;
  auto staged = loaded->staged;
  if (loaded->services) loaded->services->withdraw_change_handlers();
  if (loaded->started && loaded->instance) {
    try {
      loaded->instance->stop();
    } catch (...) {
      shared_.log.write(LogLevel::warn, "plugins", "plugin stop() threw",
                        {{"plugin", name}, {"error", describe_current_exception()}});
    }
  }
  delete loaded;
  // GCC's GNU-unique symbols or a thread the plugin left running pin a
  // library in memory; say so rather than leak silently.
  bool leaked = !staged.empty() && PluginLibrary::still_mapped(staged);
  {
    std::lock_guard lock(mutex_);
    ++counters_.unloads;
    if (leaked) ++counters_.unload_leaks;
    if (counters_.retiring) --counters_.retiring;
  }
  retired_.notify_all();
  shared_.metrics
      .counter("memberd_plugin_unloads_total", "Plugin versions unloaded", {{"outcome", leaked ? "still_mapped" : "unloaded"}})
      .inc();
  if (leaked)
    shared_.log.write(LogLevel::warn, "plugins", "old plugin version is still mapped after unload",
                      {{"plugin", name}, {"file", staged.string()}});
}

std::vector<PluginStatus> PluginHost::status() const {
  std::lock_guard lock(mutex_);
  std::vector<PluginStatus> out;
  for (const auto& [name, slot] : slots_) out.push_back(slot.status);
  return out;
}

std::vector<std::pair<std::string, std::shared_ptr<const PluginHost::Loaded>>> PluginHost::serving() const {
  std::lock_guard lock(mutex_);
  std::vector<std::pair<std::string, std::shared_ptr<const Loaded>>> out;
  for (const auto& [name, slot] : slots_)
    if (slot.active) out.emplace_back(name, slot.active);
  return out;
}

std::vector<LoadedUiEntry> PluginHost::ui_entries() const {
  std::vector<LoadedUiEntry> out;
  for (const auto& [name, version] : serving()) {
    const PluginUi& ui = version->ui;
    for (const auto& entry : ui.entries)
      out.push_back({name, entry, ui.url(entry.shell, name, entry.module), ui.urls(entry.shell, name, entry.styles),
                     ui.import_urls(entry.shell, name, entry.module)});
  }
  return out;
}

std::vector<LoadedReviewKind> PluginHost::review_kinds() const {
  std::vector<LoadedReviewKind> out;
  for (const auto& [name, version] : serving()) {
    const PluginUi& ui = version->ui;
    for (const auto& kind : ui.review_kinds)
      out.push_back({name, kind, kind.module.empty() ? "" : ui.url(UiShell::console, name, kind.module),
                     ui.urls(UiShell::console, name, kind.styles)});
  }
  return out;
}

std::vector<std::pair<std::string, ApiDescription>> PluginHost::api_descriptions() const {
  std::vector<std::pair<std::string, ApiDescription>> out;
  for (const auto& [name, version] : serving()) out.emplace_back(name, version->api);
  return out;
}

std::shared_ptr<SecondStepProvider> PluginHost::second_step_provider(const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto slot = slots_.find(name);
  if (slot == slots_.end() || !slot->second.active || !slot->second.active->second_step) return nullptr;
  const auto& version = slot->second.active;
  return std::shared_ptr<SecondStepProvider>(version, version->second_step.get());
}

std::vector<PluginMemberData> PluginHost::member_data() const {
  std::vector<PluginMemberData> out;
  std::lock_guard lock(mutex_);
  for (const auto& [name, slot] : slots_) {
    PluginMemberData entry{name, slot.active != nullptr, nullptr};
    if (slot.active && slot.active->member_data)
      entry.provider = std::shared_ptr<MemberDataProvider>(slot.active, slot.active->member_data.get());
    out.push_back(std::move(entry));
  }
  return out;
}

PluginHostCounters PluginHost::counters() const {
  std::lock_guard lock(mutex_);
  return counters_;
}

void PluginHost::watcher_loop() {
  struct Seen {
    ino_t inode = 0;
    off_t size = 0;
    long long mtime_ns = 0;
    bool operator==(const Seen&) const = default;
  };
  auto look = [&](const std::string& name) {
    struct stat st {};
    Seen seen;
    if (::stat((settings_.dir / (name + ".so")).c_str(), &st) == 0)
      seen = {st.st_ino, st.st_size, st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec};
    return seen;
  };
  std::map<std::string, Seen> last, pending;
  for (const auto& name : settings_.enabled) last[name] = look(name);
  for (;;) {
    {
      std::unique_lock lock(queue_mutex_);
      if (queue_ready_.wait_for(lock, settings_.watch_interval, [&] { return closing_; })) return;
    }
    for (const auto& name : settings_.enabled) {
      Seen now = look(name);
      if (now == last[name] || now.inode == 0) {
        pending.erase(name);
        continue;
      }
      // Reload once the file has held still for one interval (a copy in progress is not a plugin yet).
      if (!pending.count(name) || !(pending[name] == now)) {
        pending[name] = now;
        continue;
      }
      pending.erase(name);
      last[name] = now;
      try {
        reload_unless_held_out(name, "file changed");
      } catch (const ShuttingDown&) {
        return;
      } catch (...) {
        // Already recorded and logged by load().
      }
    }
  }
}

void PluginHost::withdraw_all() {
  std::vector<std::shared_ptr<Loaded>> dropping;
  {
    std::lock_guard lock(mutex_);
    for (auto& [name, slot] : slots_) {
      routes_.withdraw(name);
      if (slot.active) {
        ++counters_.retiring;
        dropping.push_back(std::move(slot.active));
      }
      slot.status.state = PluginState::not_loaded;
    }
  }
  for (auto& loaded : dropping) shared_.events.remove(loaded.get());
  // Their last references may be held by requests still finishing; each
  // retires when its last holder lets go.
}

void PluginHost::shutdown() {
  {
    std::lock_guard lock(queue_mutex_);
    if (closing_) return;
    closing_ = true;
  }
  queue_ready_.notify_all();
  if (watcher_.joinable()) watcher_.join();

  // On the loader, so that it runs after any load already queued.
  std::promise<void> withdrawn;
  {
    std::lock_guard lock(queue_mutex_);
    queue_.push_back([&] {
      withdraw_all();
      withdrawn.set_value();
    });
  }
  queue_ready_.notify_all();
  withdrawn.get_future().wait();
  {
    std::unique_lock lock(mutex_);
    if (!retired_.wait_for(lock, std::chrono::seconds(10), [&] { return counters_.retiring == 0; }))
      shared_.log.write(LogLevel::warn, "plugins", "plugin versions still in use at shutdown",
                        {{"count", std::to_string(counters_.retiring)}});
  }
  {
    std::lock_guard lock(queue_mutex_);
    stopping_ = true;
  }
  queue_ready_.notify_all();
  if (loader_.joinable()) loader_.join();
}

}  // namespace memberd
