#pragma once
#include "config/config.hpp"

#include <string>
#include <vector>

namespace memberd {

// For `memberd --check-config`: loads each enabled plugin's library (staged
// in a temporary directory, never started) to read its schema, and validates
// its section. Returns the problems, empty when all is well.
std::vector<std::string> check_plugin_sections(const CoreConfig& config);

// For a start and `memberd --check-config` alike: a line for each enabled
// plugin with no `<plugins.dir>/<name>.so`, "plugin hello: no plugin file
// hello.so in plugins.dir (/usr/lib/memberd/plugins)". A name in
// plugins.enabled without its file is a mistake in the configuration (a
// typo, a package not installed), so both refuse it; a plugin whose file is
// there but fails to load or start fails alone and the daemon serves on.
std::vector<std::string> missing_plugin_files(const CoreConfig& config);

// For `memberd --describe-config`: every enabled plugin's keys, documented.
std::string describe_plugin_sections(const CoreConfig& config);

}  // namespace memberd
