#pragma once
// Config problems are reported all at once: an operator fixing a file should
// see every mistake in one run, not one per restart.

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace memberd {

// Thrown by load_config() and load_plugin_config(). what() lists the problems
// one per line, each "<where>: <key.path>: <what is wrong>", where <where> is
// "file:line:column" (1-based) or "--set key.path" for a command-line override.
class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(std::vector<std::string> problems);
  const std::vector<std::string>& problems() const noexcept { return problems_; }

 private:
  std::vector<std::string> problems_;
};

// The problems found during one load, in the order they were found.
class ErrorList {
 public:
  // `where` may be empty (a default, no location); `key_path` may be empty (a
  // parse error). When `where` is "--set <key_path>" the path is not repeated.
  void add(std::string_view where, std::string_view key_path, std::string_view message);
  // A line that is already formatted.
  void add_line(std::string line) { problems_.push_back(std::move(line)); }

  bool empty() const noexcept { return problems_.empty(); }
  const std::vector<std::string>& problems() const noexcept { return problems_; }
  void throw_if_any() const;

 private:
  std::vector<std::string> problems_;
};

}  // namespace memberd
