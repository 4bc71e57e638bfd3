#pragma once
// A private plugins directory for one test, holding copies of built plugins.
// Tests replace files in it (as operators do: copy, then rename into place),
// which must never touch the build's own plugin files.
#include <initializer_list>
#include <string>
#include <utility>

namespace memberd::test {

class PluginsDir {
 public:
  // Each pair is {name in this dir, built fixture (or "hello", "credentials") to copy}.
  explicit PluginsDir(std::initializer_list<std::pair<const char*, const char*>> files = {});
  ~PluginsDir();
  PluginsDir(const PluginsDir&) = delete;
  // Atomically replaces <path>/<target>.so with a copy of the built <source>.so.
  void install(const std::string& source, const std::string& target) const;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace memberd::test
