#pragma once
// The core's settings declared once, as a plugin's are (SettingsBinding,
// SDK 2.9): each key of a section is bound to the member of the section's
// struct it fills, with its check and its description, and its default is
// that member's value in a default-constructed struct (config.hpp), so the
// default is written once too. One binding reads the file
// (core_reader.cpp), prints `memberd --describe-config`, and holds the
// shipped etc/memberd.yaml to itself (tests/unit/core_keys_test.cpp).
//
// Header-only; touches nothing. Reading reports each bad value to the
// ConfigValue's error list and leaves the member at its default.
#include "config/core_key_doc.hpp"
#include "config/duration.hpp"
#include "config/yaml_reader.hpp"

#include <memberd/config.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace memberd {

// Where each key was set ("file:line:column"), by its path ("http.threads"):
// what a check across keys points at. Absent when the key was not written.
class KeyLocations {
 public:
  void set(const std::string& path, std::string where) { where_[path] = std::move(where); }
  std::string operator[](const std::string& path) const {
    auto found = where_.find(path);
    return found == where_.end() ? std::string() : found->second;
  }
  bool has(const std::string& path) const { return where_.count(path) > 0; }

 private:
  std::map<std::string, std::string> where_;
};

// A string as one YAML double-quoted scalar.
inline std::string yaml_quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

template <class S>
class CoreSection {
 public:
  using Read = std::function<void(const ConfigValue&, S&)>;
  using Show = std::function<std::string(const S&)>;
  // Runs once the section is read, to check keys against each other.
  using Check = std::function<void(const ConfigValue& section, const S&, const KeyLocations&)>;

  // `name`, read by `read`; `show` writes a section's value of it as one
  // line of YAML (how the default is documented).
  CoreSection& key(std::string name, ConfigType type, std::string description, Read read, Show show) {
    Entry entry;
    entry.name = name;
    entry.read = [read](const ConfigValue& v, S& s, KeyLocations& seen) {
      seen.set(v.path(), v.where());
      read(v, s);
    };
    entry.document = [name, type, description, show](const std::string& prefix, const S& defaults,
                                                    std::vector<CoreKeyDoc>& out) {
      out.push_back(CoreKeyDoc{prefix + name, type, show(defaults), description});
    };
    entries_.push_back(std::move(entry));
    return *this;
  }

  // An integer within [min, max] (by default the member type's own range).
  template <class T>
  CoreSection& count(std::string name, T S::*field, std::int64_t min, std::string description,
                     std::int64_t max = static_cast<std::int64_t>(
                         std::min<std::uint64_t>(std::numeric_limits<T>::max(),
                                                 static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())))) {
    return key(std::move(name), ConfigType::integer, std::move(description),
               [field, min, max](const ConfigValue& v, S& s) {
                 if (auto value = v.integer(min, max)) s.*field = static_cast<T>(*value);
               },
               [field](const S& s) { return std::to_string(s.*field); });
  }

  // A whole number of seconds, at least `min`.
  CoreSection& seconds(std::string name, std::chrono::seconds S::*field, std::chrono::seconds min,
                       std::string description) {
    return key(std::move(name), ConfigType::duration, std::move(description),
               [field, min](const ConfigValue& v, S& s) {
                 if (auto value = v.duration_seconds(min)) s.*field = *value;
               },
               [field](const S& s) { return format_duration(s.*field); });
  }

  // A duration to the millisecond, at least `min`.
  CoreSection& millis(std::string name, std::chrono::milliseconds S::*field, std::chrono::milliseconds min,
                      std::string description) {
    return key(std::move(name), ConfigType::duration, std::move(description),
               [field, min](const ConfigValue& v, S& s) {
                 if (auto value = v.duration(min)) s.*field = *value;
               },
               [field](const S& s) { return format_duration(s.*field); });
  }

  CoreSection& flag(std::string name, bool S::*field, std::string description) {
    return key(std::move(name), ConfigType::boolean, std::move(description),
               [field](const ConfigValue& v, S& s) {
                 if (auto value = v.boolean()) s.*field = *value;
               },
               [field](const S& s) { return std::string(s.*field ? "true" : "false"); });
  }

  // Any string, "" included.
  CoreSection& text(std::string name, std::string S::*field, std::string description) {
    return key(std::move(name), ConfigType::string, std::move(description),
               [field](const ConfigValue& v, S& s) {
                 if (auto value = v.string()) s.*field = *value;
               },
               [field](const S& s) { return yaml_quoted(s.*field); });
  }

  // A path that must not be empty.
  CoreSection& path(std::string name, std::string S::*field, std::string description) {
    return key(std::move(name), ConfigType::string, std::move(description),
               [field](const ConfigValue& v, S& s) {
                 auto value = v.string();
                 if (!value) return;
                 if (value->empty()) return v.error("must not be empty");
                 s.*field = *value;
               },
               [field](const S& s) { return yaml_quoted(s.*field); });
  }

  // One of a few words, each naming a value of E.
  template <class E>
  CoreSection& choice(std::string name, E S::*field, std::vector<std::pair<std::string, E>> choices,
                      std::string description) {
    return key(std::move(name), ConfigType::string, std::move(description),
               [field, choices](const ConfigValue& v, S& s) {
                 auto value = v.string();
                 if (!value) return;
                 std::string names;
                 for (const auto& [word, choice] : choices) {
                   if (*value == word) {
                     s.*field = choice;
                     return;
                   }
                   names += names.empty() ? "" : "|";
                   names += word;
                 }
                 v.error(in_quotes(*value) + " is not one of " + names);
               },
               [field, choices](const S& s) {
                 for (const auto& [word, choice] : choices)
                   if (s.*field == choice) return word;
                 return std::string();
               });
  }

  // A map of keys of its own ("http.tls").
  template <class N>
  CoreSection& section(std::string name, N S::*field, CoreSection<N> nested) {
    Entry entry;
    entry.name = name;
    entry.read = [field, nested](const ConfigValue& v, S& s, KeyLocations& seen) {
      seen.set(v.path(), v.where());
      nested.read(v, s.*field, seen);
    };
    entry.document = [name, field, nested](const std::string& prefix, const S& defaults,
                                           std::vector<CoreKeyDoc>& out) {
      nested.document(prefix + name + ".", defaults.*field, out);
    };
    entries_.push_back(std::move(entry));
    return *this;
  }

  CoreSection& after(Check check) {
    checks_.push_back(std::move(check));
    return *this;
  }

  // Claims this section's keys in `map` (the root leaves the rest to plugins).
  void claim(MapReader& map, S& into, KeyLocations& seen) const {
    for (const Entry& entry : entries_)
      map.on(entry.name, [&](const ConfigValue& v) { entry.read(v, into, seen); });
  }

  // Reads a section: every key it binds, an error for any other, then the checks.
  void read(const ConfigValue& value, S& into, KeyLocations& seen) const {
    MapReader map(value);
    claim(map, into, seen);
    map.refuse_unclaimed();
    check(value, into, seen);
  }

  void check(const ConfigValue& value, const S& read, const KeyLocations& seen) const {
    for (const Check& c : checks_) c(value, read, seen);
  }

  // Every key below, in the order bound, with the defaults `defaults` holds.
  void document(const std::string& prefix, const S& defaults, std::vector<CoreKeyDoc>& out) const {
    for (const Entry& entry : entries_) entry.document(prefix, defaults, out);
  }

  // The names this section binds, in order.
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const Entry& entry : entries_) out.push_back(entry.name);
    return out;
  }

 private:
  struct Entry {
    std::string name;
    std::function<void(const ConfigValue&, S&, KeyLocations&)> read;
    std::function<void(const std::string& prefix, const S& defaults, std::vector<CoreKeyDoc>&)> document;
  };
  std::vector<Entry> entries_;
  std::vector<Check> checks_;
};

}  // namespace memberd
