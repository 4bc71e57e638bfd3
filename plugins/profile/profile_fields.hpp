#pragma once
// The profile's fields: the schema an operator configures (`profile.fields`)
// and the check of what a member submits against it.
//
// Kept free of the plugin host and the database so that the rules a member
// meets ("Use at most 64 characters.") can be tested on their own.

#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace memberd::profile {

enum class FieldType { text, textarea, email, phone, url, country, select, time_zone };

struct FieldSpec {
  std::string name;        // [a-z][a-z0-9_]{0,39}
  std::string label;       // shown to members, non-empty
  FieldType type;
  bool required = false;
  std::size_t max_length;  // in characters (Unicode code points), 1..10000
  std::vector<std::string> options;  // select only: non-empty, distinct, each non-empty
};

// The default schema for a B2B marketplace member, as YAML flow text usable
// as a ConfigKey default. It is written in JSON's syntax (which YAML accepts)
// with every string quoted, so it reads the same whichever parser sees it.
extern const char* const kDefaultFieldsYaml;

// Checks a `profile.fields` config value (JSON as parsed from YAML). Returns
// the problem as one sentence naming the entry, or nullopt when it is usable.
std::optional<std::string> check_field_specs(const nlohmann::json& value);

// Reads a value check_field_specs accepted (absent max_length: the type's default).
std::vector<FieldSpec> read_field_specs(const nlohmann::json& value);

const char* type_name(FieldType type);

// {"fields":[{"name","label","type","required","max_length","options"}]}; options: a select's choices, the ISO 3166 codes a country field accepts, else []
nlohmann::json schema_json(const std::vector<FieldSpec>& specs);

struct ValidatedFields {
  nlohmann::json fields = nlohmann::json::object();  // the normalised values, only non-empty ones, all strings
  std::vector<std::pair<std::string, std::string>> errors;  // (field name, message), schema order, unknown fields after
};

// Validates a member's submission (an object of field name -> string or null).
// Never throws: any JSON shape comes back as errors.
ValidatedFields validate_fields(const std::vector<FieldSpec>& specs, const nlohmann::json& submitted);

}  // namespace memberd::profile
