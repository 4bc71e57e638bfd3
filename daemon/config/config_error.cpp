#include "config/config_error.hpp"

namespace memberd {

namespace {

std::string join_lines(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) {
    if (!text.empty()) text += '\n';
    text += line;
  }
  return text;
}

}  // namespace

ConfigError::ConfigError(std::vector<std::string> problems)
    : std::runtime_error(join_lines(problems)), problems_(std::move(problems)) {}

void ErrorList::add(std::string_view where, std::string_view key_path, std::string_view message) {
  std::string line;
  auto append = [&line](std::string_view part) {
    if (part.empty()) return;
    if (!line.empty()) line += ": ";
    line += part;
  };
  append(where);
  // "--set http.listen: http.listen: ..." says the same thing twice.
  const bool path_in_where = where.size() == key_path.size() + 6 && where.substr(0, 6) == "--set " &&
                             where.substr(6) == key_path;
  if (!path_in_where) append(key_path);
  append(message);
  problems_.push_back(std::move(line));
}

void ErrorList::throw_if_any() const {
  if (!problems_.empty()) throw ConfigError(problems_);
}

}  // namespace memberd
