#include "config/yaml_reader.hpp"

#include "config/duration.hpp"
#include "config/yaml_scalar.hpp"

#include <cmath>

namespace memberd {

std::string in_quotes(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  out += '"';
  return out;
}

std::string describe_yaml(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: return "a map";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Scalar:
      return is_quoted_scalar(node) ? "the string " + in_quotes(node.Scalar()) : in_quotes(node.Scalar());
    default: return "nothing (null)";
  }
}

std::string ConfigValue::where() const {
  return origin_->locate(path_, node_.IsNull() && !key_mark_.is_null() ? key_mark_ : node_.Mark());
}

std::string ConfigValue::where_key() const {
  return origin_->locate(path_, key_mark_.is_null() ? node_.Mark() : key_mark_);
}

void ConfigValue::error(std::string_view message) const { errors_->add(where(), path_, message); }

void ConfigValue::error_at_key(std::string_view message) const {
  errors_->add(where_key(), path_, message);
}

std::optional<std::string> ConfigValue::string() const {
  if (node_.IsNull()) return std::string();
  if (!node_.IsScalar()) {
    error("expected a string, got " + describe_yaml(node_));
    return std::nullopt;
  }
  return node_.Scalar();
}

std::optional<std::int64_t> ConfigValue::integer(std::int64_t min, std::int64_t max) const {
  if (!node_.IsScalar() || is_quoted_scalar(node_) || !is_yaml_integer(node_.Scalar())) {
    error("expected an integer, got " + describe_yaml(node_));
    return std::nullopt;
  }
  const auto value = parse_yaml_integer(node_.Scalar());
  if (!value) {
    error(in_quotes(node_.Scalar()) + " is out of range");
    return std::nullopt;
  }
  if (*value < min || *value > max) {
    constexpr auto lowest = std::numeric_limits<std::int64_t>::min();
    constexpr auto highest = std::numeric_limits<std::int64_t>::max();
    if (max == highest) {
      error("must be at least " + std::to_string(min) + ", got " + std::to_string(*value));
    } else if (min == lowest) {
      error("must be at most " + std::to_string(max) + ", got " + std::to_string(*value));
    } else {
      error("must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " +
            std::to_string(*value));
    }
    return std::nullopt;
  }
  return value;
}

std::optional<double> ConfigValue::number() const {
  std::optional<double> value;
  if (node_.IsScalar() && !is_quoted_scalar(node_)) value = parse_yaml_float(node_.Scalar());
  if (!value) {
    error("expected a number, got " + describe_yaml(node_));
    return std::nullopt;
  }
  if (!std::isfinite(*value)) {
    error("must be a finite number, got " + in_quotes(node_.Scalar()));
    return std::nullopt;
  }
  return value;
}

std::optional<bool> ConfigValue::boolean() const {
  std::optional<bool> value;
  if (node_.IsScalar() && !is_quoted_scalar(node_)) value = parse_yaml_bool(node_.Scalar());
  if (!value) error("expected true or false, got " + describe_yaml(node_));
  return value;
}

std::optional<std::chrono::milliseconds> ConfigValue::duration(std::chrono::milliseconds min) const {
  if (!node_.IsScalar()) {
    error("expected a duration (like 90s, 15m, 24h, 7d, 250ms), got " + describe_yaml(node_));
    return std::nullopt;
  }
  const auto value = parse_duration(node_.Scalar());
  if (!value) {
    error(in_quotes(node_.Scalar()) +
          " is not a duration (use 90s, 15m, 24h, 7d, 250ms or a number of seconds)");
    return std::nullopt;
  }
  if (*value < min) {
    error("must be at least " + format_duration(min) + ", got " + in_quotes(node_.Scalar()));
    return std::nullopt;
  }
  return value;
}

std::optional<std::chrono::seconds> ConfigValue::duration_seconds(std::chrono::seconds min) const {
  const auto value = duration(min);
  if (!value) return std::nullopt;
  if (value->count() % 1000 != 0) {
    error(in_quotes(node_.Scalar()) + " is not a whole number of seconds");
    return std::nullopt;
  }
  return std::chrono::duration_cast<std::chrono::seconds>(*value);
}

std::optional<std::vector<std::string>> ConfigValue::string_list() const {
  if (node_.IsNull()) return std::vector<std::string>();
  if (!node_.IsSequence()) {
    error("expected a list, got " + describe_yaml(node_));
    return std::nullopt;
  }
  std::vector<std::string> items;
  std::size_t index = 0;
  for (const YAML::Node& item : node_) {
    const ConfigValue element =
        child(item, path_ + "[" + std::to_string(index++) + "]", YAML::Mark::null_mark());
    if (item.IsScalar()) {
      items.push_back(item.Scalar());
    } else {
      element.error("expected a string, got " + describe_yaml(item));
    }
  }
  return items;
}

std::optional<std::vector<std::chrono::seconds>> ConfigValue::duration_list() const {
  if (!node_.IsSequence() || node_.size() == 0) {
    error("expected a non-empty list of durations such as [1m, 5m, 15m], got " + describe_yaml(node_));
    return std::nullopt;
  }
  std::vector<std::chrono::seconds> items;
  bool ok = true;
  std::size_t index = 0;
  for (const YAML::Node& item : node_) {
    const ConfigValue element = child(item, path_ + "[" + std::to_string(index++) + "]", YAML::Mark::null_mark());
    // Each element is checked and reported on its own, like string_list.
    if (auto value = element.duration_seconds(std::chrono::seconds{1})) items.push_back(*value);
    else ok = false;
  }
  if (!ok) return std::nullopt;
  return items;
}

MapReader::MapReader(const ConfigValue& map) {
  const YAML::Node& node = map.node();
  if (node.IsNull()) return;  // `http:` with nothing under it: all defaults
  if (!node.IsMap()) {
    map.error("expected a map, got " + describe_yaml(node));
    return;
  }
  for (auto it = node.begin(); it != node.end(); ++it) {
    // Copies, not references: yaml-cpp's iterator hands out a temporary pair.
    const YAML::Node key = it->first;
    const YAML::Node item = it->second;
    const std::string prefix = map.path().empty() ? "" : map.path() + ".";
    if (!key.IsScalar() || key.Scalar().empty()) {
      map.child(item, prefix + "?", key.Mark())
          .error_at_key("keys must be names, got " + describe_yaml(key));
      continue;
    }
    ConfigValue value = map.child(item, prefix + key.Scalar(), key.Mark());
    if (has(key.Scalar())) {
      value.error_at_key("duplicate key " + in_quotes(key.Scalar()));
      continue;
    }
    entries_.push_back(Entry{key.Scalar(), std::move(value)});
  }
}

bool MapReader::has(std::string_view key) const {
  for (const Entry& entry : entries_) {
    if (entry.key == key) return true;
  }
  return false;
}

void MapReader::on(std::string_view key, const std::function<void(const ConfigValue&)>& read) {
  for (Entry& entry : entries_) {
    if (entry.key == key) {
      entry.claimed = true;
      read(entry.value);
      return;
    }
  }
}

std::vector<const MapReader::Entry*> MapReader::unclaimed() const {
  std::vector<const Entry*> rest;
  for (const Entry& entry : entries_) {
    if (!entry.claimed) rest.push_back(&entry);
  }
  return rest;
}

void MapReader::refuse_unclaimed(std::string_view hint) const {
  for (const Entry* entry : unclaimed()) {
    std::string message = "unknown key " + in_quotes(entry->key);
    if (!hint.empty()) message += " " + std::string(hint);
    entry->value.error_at_key(message);
  }
}

}  // namespace memberd
