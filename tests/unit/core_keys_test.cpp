// The core's keys are bound once (config/core_binding.hpp): the same binding
// reads the file, documents each key for --describe-config, and here holds
// the shipped etc/memberd.yaml to itself — every key the binding knows is
// listed there, in the same order, and every default it documents reads
// back as that default.
#include "config/config_loader.hpp"
#include "config/core_reader.hpp"
#include "config/describe_schema.hpp"

#include <catch2/catch.hpp>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <string>
#include <vector>

using namespace memberd;

namespace {

// The leaf keys of the file's core sections, in file order ("http.tls.cert").
void leaves(const YAML::Node& node, const std::string& path, std::vector<std::string>& out) {
  if (!node.IsMap()) return out.push_back(path);
  for (const auto& entry : node) leaves(entry.second, path + "." + entry.first.as<std::string>(), out);
}

std::vector<std::string> shipped_core_keys() {
  YAML::Node root = YAML::LoadFile(MEMBERD_SOURCE_DIR "/etc/memberd.yaml");
  const auto& core = core_section_names();
  std::vector<std::string> keys;
  for (const auto& entry : root) {
    std::string name = entry.first.as<std::string>();
    if (std::find(core.begin(), core.end(), name) == core.end()) continue;  // a plugin's section
    if (entry.second.IsMap())
      for (const auto& inner : entry.second) leaves(inner.second, name + "." + inner.first.as<std::string>(), keys);
    else
      keys.push_back(name);
  }
  return keys;
}

}  // namespace

TEST_CASE("etc/memberd.yaml lists every core key the binding knows, in its order", "[config]") {
  std::vector<std::string> bound;
  for (const auto& key : core_key_docs()) bound.push_back(key.path);
  CHECK(shipped_core_keys() == bound);
  CHECK(bound.size() >= 60);
}

TEST_CASE("every core key is documented, and its documented default reads back as the default", "[config]") {
  for (const auto& key : core_key_docs()) {
    INFO(key.path << " = " << key.default_yaml);
    CHECK_FALSE(key.description.empty());
    CHECK_FALSE(key.default_yaml.empty());
    CoreConfig loaded;
    CHECK_NOTHROW(loaded = load_config("", {key.path + "=" + key.default_yaml}));
    CHECK(loaded == CoreConfig{});
  }
}

TEST_CASE("the core's keys are described as a plugin's are", "[config]") {
  std::string text = describe_core_keys();
  CHECK(text.find("http.max_body_bytes (integer, default 1048576): ") != std::string::npos);
  CHECK(text.find("sessions.idle_timeout (duration, default 30m): ") != std::string::npos);
  CHECK(text.find("sign_in.lock_durations (duration_list, default [1m, 5m, 15m, 1h]): ") != std::string::npos);
  CHECK(text.find("socket.mode (string, default \"0660\"): ") != std::string::npos);
  CHECK(text.find("mail.smtp.require_tls (string, default auto): ") != std::string::npos);
  CHECK(text.find("data_dir (string, default \"var\"): ") != std::string::npos);
  CHECK(text.find("http.tls.cert (string, default \"\"): ") != std::string::npos);
  CHECK(std::count(text.begin(), text.end(), '\n') == static_cast<long>(core_key_docs().size()));
}
