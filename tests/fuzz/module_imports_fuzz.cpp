// The static imports of a plugin's UI modules (daemon/plugin_host/
// module_imports.cpp), read when a plugin version loads: text a plugin
// ships, so it must never crash or hang the daemon.
// Input: up to four files separated by NUL bytes, named page.js, a.js,
// forms/b.js and forms/c.js.
//
// Checked: every import found is a plain relative path inside the plugin
// (no "..", no query, not absolute), found once; the walk from page.js
// ends, lists each file once, at most 64, and only files the plugin has.
#include "plugin_host/module_imports.hpp"

#include "fuzz_check.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = memberd::fuzz::text_of(data, size);
  static const char* const kNames[] = {"page.js", "a.js", "forms/b.js", "forms/c.js"};
  std::map<std::string, std::string> files;
  for (const char* name : kNames) {
    const auto end = text.find('\0');
    files[name] = std::string(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  for (const auto& [path, source] : files) {
    const auto found = memberd::static_imports(path, source);
    FUZZ_CHECK(std::set<std::string>(found.begin(), found.end()).size() == found.size());
    for (const auto& import : found) {
      FUZZ_CHECK(!import.empty() && import.front() != '/');
      FUZZ_CHECK(import.find('?') == std::string::npos && import.find("//") == std::string::npos);
      const std::string walled = "/" + import + "/";  // "a..js" is a name; "/../" leaves the folder
      FUZZ_CHECK(walled.find("/../") == std::string::npos && walled.find("/./") == std::string::npos);
    }
  }
  auto known = [&](const std::string& path) -> const std::string* {
    auto it = files.find(path);
    return it == files.end() ? nullptr : &it->second;
  };
  const auto reached = memberd::imported_files("page.js", known);
  FUZZ_CHECK(reached.size() <= 64);
  FUZZ_CHECK(std::set<std::string>(reached.begin(), reached.end()).size() == reached.size());
  for (const auto& path : reached) FUZZ_CHECK(files.count(path) == 1 && path != "page.js");
  return 0;
}
