#pragma once
// One core key as `memberd --describe-config` prints it (core_reader.hpp's
// core_key_docs()). Light: no YAML.
#include <memberd/config.hpp>

#include <string>

namespace memberd {

struct CoreKeyDoc {
  std::string path;          // "http.max_body_bytes"
  ConfigType type;
  std::string default_yaml;  // one line of YAML: 1048576, 10s, "run/memberd.sock", [1m, 5m]
  std::string description;
};

}  // namespace memberd
