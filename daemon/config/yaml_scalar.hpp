#pragma once
// What a YAML scalar means, by the YAML 1.2 core schema. yaml-cpp leaves this
// to the caller, and its own `as<int>()` reads "0660" C-style as octal 432 and
// `as<bool>()` accepts YAML 1.1's yes/no/on/off; config values must not
// depend on such surprises, so every reader here goes through these.

#include <cstdint>
#include <optional>
#include <string_view>

namespace YAML {
class Node;
}

namespace memberd {

// A quoted or block scalar ('x', "x", |, >) or one tagged !!str: always a
// string, even when it reads "42" or "true".
bool is_quoted_scalar(const YAML::Node& node);

// [-+]?[0-9]+ (decimal, leading zeros included), 0o[0-7]+, 0x[0-9a-fA-F]+.
bool is_yaml_integer(std::string_view text);
// The value, or nullopt when not an integer or out of the int64 range.
std::optional<std::int64_t> parse_yaml_integer(std::string_view text);

// Integers, decimals with optional exponent, [-+].inf and .nan in their three
// spellings each.
std::optional<double> parse_yaml_float(std::string_view text);

// true|True|TRUE|false|False|FALSE, nothing else.
std::optional<bool> parse_yaml_bool(std::string_view text);

}  // namespace memberd
