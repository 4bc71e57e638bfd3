// The core knows no plugin by name (issue 28): the daemon, its member shell
// and the console reach a plugin only through what the plugin declares
// (routes, UI entries, review kinds). A plugin's name as a string or a path
// segment in their code ("photo", '/api/v1/profile/', `kind === 'photo'`)
// fails here with its file and line; comments may name plugins.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

const fs::path kSource = MEMBERD_SOURCE_DIR;

// Every plugin in the repository: plugins/<name>/ and the SDK's example.
std::set<std::string> plugin_names() {
  std::set<std::string> names{"hello"};
  for (const auto& entry : fs::directory_iterator(kSource / "plugins"))
    if (entry.is_directory()) names.insert(entry.path().filename().string());
  return names;
}

// The line without a trailing comment: `//` at the start or after a space
// (so "https://" in a string stays), `/*` or `*` opening a comment line.
std::string code_of(const std::string& line) {
  auto first = line.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  if (line.compare(first, 2, "//") == 0 || line.compare(first, 2, "/*") == 0 || line.compare(first, 1, "*") == 0)
    return "";
  for (auto at = line.find("//"); at != std::string::npos; at = line.find("//", at + 2))
    if (at > 0 && (line[at - 1] == ' ' || line[at - 1] == '\t')) return line.substr(0, at);
  return line;
}

std::vector<std::string> namings(const fs::path& root, const std::set<std::string>& plugins) {
  std::string alternatives;
  for (const auto& name : plugins) alternatives += (alternatives.empty() ? "" : "|") + name;
  // The name as a whole string, or as a segment of a path or URL.
  const std::regex naming("[\"'`/](" + alternatives + ")([\"'`/.]|$)");
  const std::set<std::string> kinds{".cpp", ".hpp", ".js", ".html", ".css"};
  std::vector<std::string> found;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file() || !kinds.count(entry.path().extension().string())) continue;
    std::ifstream file(entry.path());
    int number = 0;
    for (std::string line; std::getline(file, line);) {
      ++number;
      if (std::regex_search(code_of(line), naming))
        found.push_back(fs::relative(entry.path(), kSource).string() + ":" + std::to_string(number) + ": " + line);
    }
  }
  return found;
}

}  // namespace

TEST_CASE("the daemon, its member shell and the console name no plugin", "[architecture]") {
  const auto plugins = plugin_names();
  REQUIRE(plugins.count("photo"));
  REQUIRE(plugins.count("profile"));
  for (const char* room : {"daemon", "console"}) {
    for (const auto& naming : namings(kSource / room, plugins)) {
      INFO(naming);
      FAIL_CHECK("the core names a plugin");
    }
  }
}

TEST_CASE("the plugin-name check finds a plugin named in code, not in a comment", "[architecture]") {
  const std::set<std::string> plugins{"photo"};
  const fs::path dir = fs::temp_directory_path() / ("memberd-names-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  {
    std::ofstream(dir / "named.js") << "// a photo comment\nconst title = { photo: 'Photo' };\n"
                                    << "if (item.kind === 'photo') show();\n"
                                    << "fetch('/api/v1/admin/photo/reject-reasons');\n";
    std::ofstream(dir / "clean.cpp") << "int photos = 0;  // \"photo\" in a comment\nauto url = \"https://x/\";\n";
  }
  auto found = namings(dir, plugins);
  fs::remove_all(dir);
  REQUIRE(found.size() == 2);
  CHECK(found[0].find("named.js:3:") != std::string::npos);
  CHECK(found[1].find("named.js:4:") != std::string::npos);
}
