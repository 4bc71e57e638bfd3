#pragma once
// Ready-made ConfigKey checks (SDK 2.7) for the values several plugins
// take: a number range, a duration range, a list of sentences. Each
// returns the operator's message when the value is refused, shown with the
// key and its line:column. Header-only; touches nothing. Fails: never.
#include <memberd/config.hpp>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>

namespace memberd {

using ConfigCheck = std::function<std::optional<std::string>(const nlohmann::json&)>;

// An integer key from `low` to `high` inclusive.
inline ConfigCheck integer_between(long long low, long long high) {
  return [low, high](const nlohmann::json& value) -> std::optional<std::string> {
    if (!value.is_number_integer() || value.get<long long>() < low || value.get<long long>() > high)
      return "give a whole number from " + std::to_string(low) + " to " + std::to_string(high);
    return std::nullopt;
  };
}

// A duration key (seconds, as the host hands it to checks) from `low` to
// `high`; `range` is how the message names them ("1s to 30d").
inline ConfigCheck duration_between(long long low_seconds, long long high_seconds, std::string range) {
  return [low_seconds, high_seconds, range](const nlohmann::json& value) -> std::optional<std::string> {
    if (!value.is_number_integer() || value.get<long long>() < low_seconds || value.get<long long>() > high_seconds)
      return "give a duration from " + range;
    return std::nullopt;
  };
}

// A string_list key of at most `max_items` sentences of 1 to `max_bytes`
// bytes each (reasons an admin picks from, labels).
inline ConfigCheck sentence_list(std::size_t max_items, std::size_t max_bytes) {
  return [max_items, max_bytes](const nlohmann::json& value) -> std::optional<std::string> {
    if (!value.is_array() || value.size() > max_items)
      return "give a list of at most " + std::to_string(max_items) + " entries";
    for (const auto& item : value)
      if (!item.is_string() || item.get<std::string>().empty() || item.get<std::string>().size() > max_bytes)
        return "each entry is a sentence of 1 to " + std::to_string(max_bytes) + " bytes";
    return std::nullopt;
  };
}

}  // namespace memberd
