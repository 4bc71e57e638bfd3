#pragma once
// A plugin's section of the config file (`hello:` and what is under it),
// kept as YAML with its origin until the plugin's schema is known. Only the
// code that validates sections (plugin_config.cpp) and tests need this
// header; the rest of the daemon sees the forward declaration in config.hpp.

#include "config/origin.hpp"

#include <yaml-cpp/yaml.h>

namespace memberd {

struct PluginSection {
  YAML::Node node;  // a map, or null for `hello:` with nothing under it
  Origin origin;    // for line:column (or --set) in the section's errors
};

}  // namespace memberd
