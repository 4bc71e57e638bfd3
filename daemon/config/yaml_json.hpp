#pragma once
// A YAML value as JSON, the form in which plugins read their settings.

#include <nlohmann/json_fwd.hpp>

namespace memberd {

class ConfigValue;

// Plain scalars take their YAML 1.2 core type: integers stay integers
// (int64; larger ones become doubles), floats become doubles, true/false
// booleans, ~/null/empty null; quoted scalars and everything else are
// strings. Maps become objects, lists arrays. Map keys that are not scalars,
// and duplicate keys, are reported through `value` (at their own path) and
// left out.
nlohmann::json yaml_to_json(const ConfigValue& value);

}  // namespace memberd
