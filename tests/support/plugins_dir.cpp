#include "support/plugins_dir.hpp"

#include "support/daemon_process.hpp"

#include <filesystem>

namespace memberd::test {

namespace fs = std::filesystem;

PluginsDir::PluginsDir(std::initializer_list<std::pair<const char*, const char*>> files) {
  char pattern[] = "/tmp/memberd-plugins-XXXXXX";
  path_ = mkdtemp(pattern);
  for (auto [target, source] : files) install(source, target);
}

PluginsDir::~PluginsDir() {
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

void PluginsDir::install(const std::string& source, const std::string& target) const {
  // The shipped plugins from the build's plugins dir, fixtures from theirs.
  bool shipped = source == "hello" || source == "credentials" || source == "security_level" || source == "email_service";
  fs::path from = shipped ? fs::path(env_or_fail("MEMBERD_PLUGINS_DIR")) / (source + ".so")
                          : fs::path(env_or_fail("MEMBERD_FIXTURE_PLUGINS_DIR")) / (source + ".so");
  fs::path temp = fs::path(path_) / (target + ".so.new");
  fs::copy_file(from, temp, fs::copy_options::overwrite_existing);
  fs::rename(temp, fs::path(path_) / (target + ".so"));
}

}  // namespace memberd::test
