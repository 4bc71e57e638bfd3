#pragma once
// Loading the daemon's configuration: `memberd --config FILE --set k=v ...`.

#include "config/config.hpp"
#include "config/config_error.hpp"

#include <string>
#include <vector>

namespace memberd {

// Reads the YAML file at `path` (empty: start from the defaults alone),
// applies the `key.path=value` overrides onto its tree (overrides.hpp), then
// validates every key and returns the typed result. Throws ConfigError
// listing every problem, one per line, each as
//   etc/memberd.yaml:12:3: http.listen: "abc" is not host:port (...)
//   --set http.threads: must be between 2 and 1024, got 1
// Plugin sections are only checked to belong to an enabled plugin here; each
// is validated against its plugin's schema when the plugin loads
// (plugin_config.hpp).
CoreConfig load_config(const std::string& path, const std::vector<std::string>& overrides);

}  // namespace memberd
