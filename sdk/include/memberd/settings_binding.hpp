#pragma once
// A plugin's settings declared once (SDK 2.9): each key is bound to the
// member of the plugin's settings struct it fills, so the key's name,
// default, description and check are written in one place and both
// Plugin::config_schema() and the reading in start() come from it.
//
//   const SettingsBinding<Settings>& binding() {
//     static const auto b = SettingsBinding<Settings>{}
//       .bind("workers", &Settings::workers, "2", "Photos processed at once", integer_between(1, 64))
//       .bind("review_window", &Settings::review_window, "24h", "How long an admin has to decide");
//     return b;
//   }
//   std::vector<ConfigKey> config_schema() const override { return binding().schema(); }
//   ... Settings settings = binding().read(config);
//
// The ConfigType follows the member's type: bool → boolean, std::string →
// string, an integer type → integer, double → number, std::chrono::seconds
// → duration, std::vector<std::string> → string_list,
// std::vector<std::chrono::seconds> → duration_list, nlohmann::json → any.
// An integer member is also checked against its type's range (after the
// key's own check), so a value the operator writes is never silently cut
// or wrapped: 5000000000 for an int, -1 for a size_t.
// A value that needs work before it is kept (a map turned into a list, a
// member of a nested struct) is bound with a function instead.
//
// Header-only; touches nothing. Fails: read() throws what Config throws (a
// key read with the wrong type: std::logic_error), which only a binding
// that disagrees with its own schema can cause.
#include <memberd/config.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace memberd {

template <class Settings>
class SettingsBinding {
 public:
  using Check = std::function<std::optional<std::string>(const nlohmann::json&)>;
  // Fills a member (or several) from the value of the key `name`.
  using Reader = std::function<void(Settings&, const Config&, std::string_view name)>;

  // `name` read into `member`; `default_yaml` is the default written as YAML
  // ("12", "24h", "[a, b]", "\"text\"").
  template <class Member>
  SettingsBinding& bind(std::string name, Member Settings::*member, std::string default_yaml,
                        std::string description, Check check = {}) {
    constexpr ConfigType type = type_of<Member>();
    if constexpr (std::is_integral_v<Member> && !std::is_same_v<Member, bool>) check = within_range_of<Member>(check);
    Reader read = [member](Settings& settings, const Config& config, std::string_view key) {
      settings.*member = value_of<Member>(config, key);
    };
    return bind(ConfigKey{std::move(name), type, std::move(default_yaml), std::move(description), std::move(check)},
                std::move(read));
  }

  // `key` as declared, read by `read`.
  SettingsBinding& bind(ConfigKey key, Reader read) {
    keys_.push_back(std::move(key));
    readers_.push_back(std::move(read));
    return *this;
  }

  // For Plugin::config_schema(): every key, in the order bound.
  std::vector<ConfigKey> schema() const { return keys_; }

  // The settings from a validated section (the host checked every value
  // against schema() before start()).
  Settings read(const Config& config) const {
    Settings settings{};
    for (std::size_t i = 0; i < keys_.size(); ++i) readers_[i](settings, config, keys_[i].name);
    return settings;
  }

 private:
  template <class T>
  static constexpr ConfigType type_of() {
    if constexpr (std::is_same_v<T, bool>) return ConfigType::boolean;
    else if constexpr (std::is_integral_v<T>) return ConfigType::integer;
    else if constexpr (std::is_same_v<T, double>) return ConfigType::number;
    else if constexpr (std::is_same_v<T, std::string>) return ConfigType::string;
    else if constexpr (std::is_same_v<T, std::chrono::seconds>) return ConfigType::duration;
    else if constexpr (std::is_same_v<T, std::vector<std::string>>) return ConfigType::string_list;
    else if constexpr (std::is_same_v<T, std::vector<std::chrono::seconds>>) return ConfigType::duration_list;
    else if constexpr (std::is_same_v<T, nlohmann::json>) return ConfigType::any;
    else static_assert(sizeof(T) == 0, "bind this member with a Reader: its type has no ConfigType");
  }

  template <class T>
  static T value_of(const Config& config, std::string_view key) {
    if constexpr (std::is_same_v<T, bool>) return config.boolean(key);
    else if constexpr (std::is_integral_v<T>) return static_cast<T>(config.integer(key));
    else if constexpr (std::is_same_v<T, double>) return config.number(key);
    else if constexpr (std::is_same_v<T, std::string>) return config.string(key);
    else if constexpr (std::is_same_v<T, std::chrono::seconds>) return config.duration(key);
    else if constexpr (std::is_same_v<T, std::vector<std::string>>) return config.string_list(key);
    else if constexpr (std::is_same_v<T, std::vector<std::chrono::seconds>>) return config.duration_list(key);
    else return config.json(key);
  }

  // The plugin's check (whose words name the range it means), then the
  // member type's own range, so a check that allows more than the member
  // holds cannot let a value wrap.
  template <class T>
  static Check within_range_of(Check first) {
    return [first = std::move(first)](const nlohmann::json& value) -> std::optional<std::string> {
      if (first) {
        if (auto refused = first(value)) return refused;
      }
      if (!value.is_number_integer()) return std::nullopt;
      constexpr auto low = static_cast<long long>(std::numeric_limits<T>::min());
      constexpr auto high = static_cast<long long>(
          std::min<unsigned long long>(std::numeric_limits<T>::max(), std::numeric_limits<long long>::max()));
      // nlohmann keeps an integer above LLONG_MAX as unsigned.
      const bool fits = value.is_number_unsigned()
                            ? value.get<unsigned long long>() <= static_cast<unsigned long long>(high)
                            : value.get<long long>() >= low && value.get<long long>() <= high;
      if (!fits) return "give a whole number from " + std::to_string(low) + " to " + std::to_string(high);
      return std::nullopt;
    };
  }

  std::vector<ConfigKey> keys_;
  std::vector<Reader> readers_;
};

}  // namespace memberd
