#pragma once
// Where the values of a config tree came from, so that a problem points at
// the right place: the file's line:column, or the `--set` override that
// replaced that part of the tree (its marks are columns in the override's
// value, meaningless to the operator).

#include <yaml-cpp/mark.h>

#include <string>
#include <string_view>
#include <vector>

namespace memberd {

class Origin {
 public:
  // `file` as the operator named it (empty: defaults and overrides only).
  explicit Origin(std::string file = {}) : file_(std::move(file)) {}

  const std::string& file() const noexcept { return file_; }

  // Records that `--set <key_path>=...` replaced the subtree at key_path.
  void add_override(std::string key_path) { overrides_.push_back(std::move(key_path)); }

  // The location of the value at `key_path` ("http.listen",
  // "http.trusted_proxies[2]") whose node has `mark`:
  //  - "--set K" when an override K covers that path;
  //  - "file:line:column" (1-based) when the node came from the file;
  //  - "--set K" for a map that an override K created on its way down;
  //  - otherwise the file name, or "" without one.
  std::string locate(std::string_view key_path, const YAML::Mark& mark) const;

 private:
  std::string file_;
  std::vector<std::string> overrides_;
};

}  // namespace memberd
