#include "plugin_host/config_check.hpp"
#include "storage/error_text.hpp"

#include "config/describe_schema.hpp"
#include "config/plugin_config.hpp"
#include "plugin_host/plugin_library.hpp"

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>

namespace memberd {

namespace {

// Loads each enabled plugin in a scratch directory and hands its instance to `use`.
void for_each_plugin(const CoreConfig& config,
                     const std::function<void(const std::string&, Plugin&)>& use,
                     const std::function<void(const std::string&, const std::string&)>& failed) {
  char pattern[] = "/tmp/memberd-check-XXXXXX";
  const char* scratch = mkdtemp(pattern);
  if (!scratch) throw std::runtime_error("cannot create a scratch directory for the plugin check");
  unsigned generation = 0;
  for (const auto& name : config.plugins.enabled) {
    std::error_code missing;
    if (!std::filesystem::exists(std::filesystem::path(config.plugins.dir) / (name + ".so"), missing)) continue;
    // The library outlives the catch: a plugin's own exception type must be
    // described while its code is still mapped.
    std::shared_ptr<PluginLibrary> library;
    try {
      library = PluginLibrary::load(std::filesystem::path(config.plugins.dir) / (name + ".so"), scratch, ++generation);
      std::unique_ptr<Plugin> plugin(library->create());
      use(name, *plugin);
    } catch (...) {
      failed(name, describe_current_exception());
    }
  }
  std::error_code ignored;
  std::filesystem::remove_all(scratch, ignored);
}

}  // namespace

std::vector<std::string> missing_plugin_files(const CoreConfig& config) {
  std::vector<std::string> missing;
  for (const auto& name : config.plugins.enabled) {
    std::error_code ec;
    auto file = std::filesystem::path(config.plugins.dir) / (name + ".so");
    if (!std::filesystem::exists(file, ec))
      missing.push_back("plugin " + name + ": no plugin file " + name + ".so in plugins.dir (" + config.plugins.dir + ")");
  }
  return missing;
}

std::vector<std::string> check_plugin_sections(const CoreConfig& config) {
  std::vector<std::string> problems = missing_plugin_files(config);
  for_each_plugin(
      config,
      [&](const std::string& name, Plugin& plugin) {
        auto found = config.plugin_sections.find(name);
        load_plugin_config(name, plugin.config_schema(),
                           found == config.plugin_sections.end() ? nullptr : found->second.get());
      },
      [&](const std::string& name, const std::string& error) { problems.push_back("plugin " + name + ": " + error); });
  return problems;
}

std::string describe_plugin_sections(const CoreConfig& config) {
  std::string out;
  for_each_plugin(
      config, [&](const std::string& name, Plugin& plugin) { out += describe_schema(name, plugin.config_schema()); },
      [&](const std::string& name, const std::string& error) { out += "# " + name + ": " + error + "\n"; });
  return out;
}

}  // namespace memberd
