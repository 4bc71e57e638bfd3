#include "config/origin.hpp"

namespace memberd {

namespace {

// True when `path` is `prefix` or lies below it ("a.b" covers "a.b.c", "a.b[3]").
bool covers(std::string_view prefix, std::string_view path) {
  if (path.substr(0, prefix.size()) != prefix) return false;
  return path.size() == prefix.size() || path[prefix.size()] == '.' || path[prefix.size()] == '[';
}

}  // namespace

std::string Origin::locate(std::string_view key_path, const YAML::Mark& mark) const {
  // The last override wins, as it did when the tree was built.
  const std::string* best = nullptr;
  for (const std::string& key : overrides_) {
    if (covers(key, key_path) && (best == nullptr || key.size() >= best->size())) best = &key;
  }
  if (best != nullptr) return "--set " + *best;

  if (!mark.is_null() && !file_.empty()) {
    // yaml-cpp counts from 0; editors and compilers count from 1.
    return file_ + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
  }

  for (const std::string& key : overrides_) {
    if (!key_path.empty() && covers(key_path, key)) return "--set " + key;
  }
  return file_;
}

}  // namespace memberd
