// The architecture's arrows, checked (issue 28): daemon/rooms.txt says
// which room may include which; these fail on any other arrow, on a room
// that is not listed, on a cycle, and on a plugin or SDK header that reaches
// into the daemon.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

const fs::path kSource = MEMBERD_SOURCE_DIR;

struct Rooms {
  std::vector<std::string> order;                        // as listed, lowest first
  std::map<std::string, std::set<std::string>> allowed;  // room -> rooms it may include
  bool has(const std::string& room) const { return allowed.count(room) != 0; }
};

Rooms read_rooms() {
  std::ifstream file(kSource / "daemon/rooms.txt");
  REQUIRE(file);
  Rooms rooms;
  for (std::string line; std::getline(file, line);) {
    if (line.empty() || line[0] == '#') continue;
    auto colon = line.find(':');
    REQUIRE(colon != std::string::npos);
    std::string room = line.substr(0, colon);
    std::istringstream names(line.substr(colon + 1));
    std::set<std::string> may;
    for (std::string name; names >> name;) may.insert(name);
    rooms.order.push_back(room);
    rooms.allowed[room] = may;
  }
  return rooms;
}

// The quoted includes of a source file ("a/b.hpp"), with their line numbers.
std::vector<std::pair<int, std::string>> quoted_includes(const fs::path& file) {
  std::ifstream in(file);
  std::vector<std::pair<int, std::string>> out;
  int number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    auto at = line.find_first_not_of(" \t");
    if (at == std::string::npos || line.compare(at, 8, "#include") != 0) continue;
    auto open = line.find('"', at);
    if (open == std::string::npos) continue;
    auto close = line.find('"', open + 1);
    if (close != std::string::npos) out.emplace_back(number, line.substr(open + 1, close - open - 1));
  }
  return out;
}

std::vector<fs::path> sources_under(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    auto ext = entry.path().extension();
    if (entry.is_regular_file() && (ext == ".cpp" || ext == ".hpp" || ext == ".h")) out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string first_component(const std::string& path) { return path.substr(0, path.find('/')); }

}  // namespace

TEST_CASE("the rooms list names each room once, and only rooms above it", "[architecture]") {
  Rooms rooms = read_rooms();
  std::set<std::string> seen;
  for (const auto& room : rooms.order) {
    INFO(room);
    CHECK(seen.insert(room).second);
    for (const auto& may : rooms.allowed.at(room)) {
      INFO("may include " << may);
      CHECK(seen.count(may) == 1);  // listed before it, so never in a cycle
      CHECK(may != room);
    }
  }
  // Every folder of daemon/ is a room, so none escapes the rules.
  for (const auto& entry : fs::directory_iterator(kSource / "daemon")) {
    if (!entry.is_directory()) continue;
    INFO("daemon/" << entry.path().filename().string() << " is not in daemon/rooms.txt");
    CHECK(rooms.has(entry.path().filename().string()));
  }
}

TEST_CASE("each daemon file includes only its own room and the rooms its room may include", "[architecture]") {
  Rooms rooms = read_rooms();
  std::vector<std::string> wrong;
  const fs::path daemon = kSource / "daemon";
  for (const auto& file : sources_under(daemon)) {
    auto relative = fs::relative(file, daemon).generic_string();
    bool wiring = relative.find('/') == std::string::npos;  // daemon.cpp, main.cpp
    std::string room = first_component(relative);
    for (const auto& [line, included] : quoted_includes(file)) {
      std::string target = first_component(included);
      bool names_room = included.find('/') != std::string::npos && rooms.has(target);
      bool allowed = !names_room ? included.find('/') == std::string::npos
                                 : wiring || target == room || rooms.allowed.at(room).count(target) == 1;
      if (!allowed) wrong.push_back("daemon/" + relative + ":" + std::to_string(line) + " includes \"" + included + "\"");
    }
  }
  INFO("arrows daemon/rooms.txt does not allow:\n" << [&] {
    std::string all;
    for (const auto& w : wrong) all += "  " + w + "\n";
    return all;
  }());
  CHECK(wrong.empty());
}

TEST_CASE("plugins and the SDK include no daemon header", "[architecture]") {
  Rooms rooms = read_rooms();
  std::vector<std::string> wrong;
  for (const char* tree : {"plugins", "sdk"}) {
    for (const auto& file : sources_under(kSource / tree)) {
      // A relative include stays in the file's own part: its plugin's
      // folder (plugins/<area>/), or sdk/.
      auto relative = fs::relative(file, kSource / tree);
      fs::path home = kSource / tree;
      if (std::string(tree) == "plugins") home /= *relative.begin();
      for (const auto& [line, included] : quoted_includes(file)) {
        auto resolved = fs::weakly_canonical(file.parent_path() / included).generic_string();
        bool leaves_home = included.find("..") != std::string::npos &&
                           resolved.rfind(fs::weakly_canonical(home).generic_string() + "/", 0) != 0;
        bool reaches_out = leaves_home ||
                           (included.find('/') != std::string::npos && rooms.has(first_component(included)));
        if (reaches_out)
          wrong.push_back(fs::relative(file, kSource).generic_string() + ":" + std::to_string(line) + " includes \"" +
                          included + "\"");
      }
    }
  }
  INFO([&] {
    std::string all;
    for (const auto& w : wrong) all += "  " + w + "\n";
    return all;
  }());
  CHECK(wrong.empty());
}
