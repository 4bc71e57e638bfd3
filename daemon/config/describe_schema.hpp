#pragma once
// Settings as documentation: what `memberd --describe-config` prints.

#include <memberd/config.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace memberd {

// One line per key, in schema order, each ending in '\n':
//   <plugin>.<key> (<type>, default <default>): <description>
// The default is shown as one line of flow YAML ("[a, b]"), "none" when empty.
std::string describe_schema(std::string_view plugin, const std::vector<ConfigKey>& schema);

// The core's keys in the same form, in etc/memberd.yaml's order:
//   <section>.<key> (<type>, default <default>): <description>
std::string describe_core_keys();

}  // namespace memberd
