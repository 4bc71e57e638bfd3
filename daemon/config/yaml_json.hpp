#pragma once
// A YAML value as JSON, the form in which plugins read their settings.

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <string_view>

namespace memberd {

class ConfigValue;

// Plain scalars take their YAML 1.2 core type: integers stay integers
// (int64; larger ones become doubles), floats become doubles, true/false
// booleans, ~/null/empty null; quoted scalars and everything else are
// strings. Maps become objects, lists arrays. Map keys that are not scalars,
// and duplicate keys, are reported through `value` (at their own path) and
// left out.
nlohmann::json yaml_to_json(const ConfigValue& value);

// YAML text (one document, read with load_one_yaml_document's bounds: no
// aliases, at most max_config_bytes) as JSON, the same way: how the HTTP
// contract's OpenAPI documents are read. Throws std::invalid_argument
// "<name>:<line>: <why>" for malformed YAML, several documents, an alias,
// text too large, a key that is not a scalar or a duplicate key.
nlohmann::json yaml_text_to_json(std::string_view name, const std::string& text);

}  // namespace memberd
