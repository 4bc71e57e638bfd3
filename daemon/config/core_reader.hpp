#pragma once
// The core's keys: reads a whole config tree (file plus overrides) into a
// CoreConfig, recording every problem in `errors`. The keys, their types,
// ranges and cross-checks live here and nowhere else; etc/memberd.yaml
// documents them.

#include "config/config.hpp"

namespace YAML {
class Node;
}

namespace memberd {

class ErrorList;
class Origin;

// `root` must be a map (or null). Top-level keys that are not core sections
// must name a plugin listed in plugins.enabled; they are kept, unvalidated,
// in CoreConfig::plugin_sections. Fields whose value was refused keep their
// defaults: the result is only meaningful when `errors` stayed empty.
CoreConfig read_core_config(const YAML::Node& root, const Origin& origin, ErrorList& errors);

}  // namespace memberd
