#include "plugin_host/module_imports.hpp"

#include <algorithm>
#include <cctype>
#include <set>

namespace memberd {

namespace {

// A path as a plugin's UI files are named: segments of A-Z a-z 0-9 . _ -,
// none empty, "." or "..". (".//x.js" and "./a/../b.js" are not.)
bool plain_relative(std::string_view path) {
  if (path.empty() || path.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-/") !=
                          std::string_view::npos)
    return false;
  for (std::size_t start = 0; start <= path.size();) {
    auto end = std::min(path.find('/', start), path.size());
    auto segment = path.substr(start, end - start);
    if (segment.empty() || segment == "." || segment == "..") return false;
    start = end + 1;
  }
  return true;
}

// "./a.js" against the folder of "forms/step.js" -> "forms/a.js"; "" for a
// specifier that leaves the folder, is not relative or names no plain path.
std::string resolve(std::string_view from_path, std::string_view specifier) {
  if (specifier.substr(0, 2) != "./") return {};
  std::string_view rest = specifier.substr(2);
  if (!plain_relative(rest)) return {};
  auto slash = from_path.rfind('/');
  std::string folder = slash == std::string_view::npos ? std::string() : std::string(from_path.substr(0, slash + 1));
  return folder + std::string(rest);
}

// The quoted specifier that starts at `at` (a quote character), or "".
std::string_view quoted(std::string_view source, std::size_t at) {
  if (at >= source.size() || (source[at] != '\'' && source[at] != '"')) return {};
  auto end = source.find(source[at], at + 1);
  if (end == std::string_view::npos || end - at > 200) return {};
  return source.substr(at + 1, end - at - 1);
}

std::size_t skip_spaces(std::string_view source, std::size_t at) {
  while (at < source.size() && (source[at] == ' ' || source[at] == '\t' || source[at] == '\n' || source[at] == '\r'))
    ++at;
  return at;
}

bool word_at(std::string_view source, std::size_t at, std::string_view word) {
  if (source.substr(at, word.size()) != word) return false;
  const bool start = at == 0 || !(std::isalnum(static_cast<unsigned char>(source[at - 1])) || source[at - 1] == '_' ||
                                  source[at - 1] == '.' || source[at - 1] == '$');
  const std::size_t end = at + word.size();
  const bool stop = end >= source.size() || !(std::isalnum(static_cast<unsigned char>(source[end])) ||
                                              source[end] == '_' || source[end] == '$');
  return start && stop;
}

}  // namespace

std::vector<std::string> static_imports(std::string_view path, std::string_view source) {
  std::vector<std::string> out;
  auto add = [&](std::string_view specifier) {
    std::string resolved = resolve(path, specifier);
    if (!resolved.empty() && std::find(out.begin(), out.end(), resolved) == out.end()) out.push_back(resolved);
  };
  // `import './x.js'`, `import ... from './x.js'` and `export ... from './x.js'`.
  // A dynamic import( is a later round trip by design: not followed.
  for (std::size_t at = 0; at < source.size(); ++at) {
    if (word_at(source, at, "import")) {
      std::size_t next = skip_spaces(source, at + 6);
      if (next < source.size() && source[next] == '(') continue;
      if (auto direct = quoted(source, next); !direct.empty()) add(direct);
    } else if (word_at(source, at, "from")) {
      if (auto specifier = quoted(source, skip_spaces(source, at + 4)); !specifier.empty()) add(specifier);
    }
  }
  return out;
}

std::vector<std::string> imported_files(const std::string& module,
                                        const std::function<const std::string*(const std::string&)>& file_text) {
  constexpr std::size_t kMost = 64;
  std::vector<std::string> found;
  std::set<std::string> seen{module};
  std::vector<std::string> todo{module};
  while (!todo.empty() && found.size() < kMost) {
    std::string current = todo.back();
    todo.pop_back();
    const std::string* text = file_text(current);
    if (!text) continue;
    for (auto& next : static_imports(current, *text)) {
      if (!file_text(next) || !seen.insert(next).second) continue;
      found.push_back(next);
      todo.push_back(next);
      if (found.size() == kMost) break;
    }
  }
  return found;
}

}  // namespace memberd
