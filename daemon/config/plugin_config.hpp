#pragma once
// A plugin's section validated against the schema it declares
// (Plugin::config_schema()), the way Fluent Bit's config maps work: the host
// checks and documents the settings, the plugin only reads them.

#include "config/config_error.hpp"
#include "config/section_config.hpp"

#include <memberd/config.hpp>

#include <string_view>
#include <vector>

namespace memberd {

struct PluginSection;  // plugin_section.hpp

// Checks `section` (CoreConfig::plugin_sections[plugin]; null when the file
// has none) against `schema` and returns the settings, every declared key
// present: keys that are absent take their `default_yaml`. Refused, all in
// one ConfigError, each "<where>: <plugin>.<key>: <problem>":
//  - keys the schema does not declare;
//  - values of the wrong type (string: any scalar; integer, number, boolean:
//    plain, unquoted scalars; duration: parse_duration(), whole seconds;
//    string_list: a list of scalars; any: anything);
//  - values the key's `check` refuses (it sees the JSON the plugin will read;
//    a duration as its number of seconds). `check` also runs on defaults, so
//    a required key can have an empty default its check refuses;
//  - schema mistakes, which are bugs in the plugin: invalid or duplicate key
//    names, defaults that are not valid YAML or not of the key's type.
SectionConfig load_plugin_config(std::string_view plugin, const std::vector<ConfigKey>& schema,
                                 const PluginSection* section);

}  // namespace memberd
