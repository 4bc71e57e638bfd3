#pragma once
// The core's keys: reads a whole config tree (file plus overrides) into a
// CoreConfig, recording every problem in `errors`. Each key is bound once
// (core_binding.hpp) with its type, range, description and cross-checks;
// its default is CoreConfig's; etc/memberd.yaml lists them all (a test
// holds it to the binding).

#include "config/config.hpp"
#include "config/core_key_doc.hpp"

#include <vector>

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

// Every core key ("http.max_body_bytes"), in etc/memberd.yaml's order, with
// its type, default and description: what --describe-config prints first.
std::vector<CoreKeyDoc> core_key_docs();

}  // namespace memberd
