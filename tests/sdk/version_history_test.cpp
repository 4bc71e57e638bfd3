// The SDK's version history says what the headers are (issue 28: 2.6
// shipped saying minor 5, and a plugin built against it could load into a
// 2.5 daemon and call what it did not have). version.hpp's list and
// sdk/CHANGES.md name every minor up to MEMBERD_SDK_VERSION_MINOR, and none
// above it; sdk/README.md's title names the SDK the headers are.
#include <memberd/version.hpp>

#include <catch2/catch.hpp>

#include <fstream>
#include <regex>
#include <set>
#include <string>

namespace {

// The minors of major 2 that `pattern`'s first group finds in `file`'s lines.
std::set<int> minors_named(const std::string& file, const std::regex& pattern) {
  std::ifstream in(std::string(MEMBERD_SOURCE_DIR) + "/" + file);
  REQUIRE(in);
  std::set<int> minors;
  std::smatch match;
  for (std::string line; std::getline(in, line);)
    if (std::regex_search(line, match, pattern)) minors.insert(std::stoi(match[1]));
  return minors;
}

std::set<int> every_minor_to_now() {
  std::set<int> all;
  for (int minor = 0; minor <= MEMBERD_SDK_VERSION_MINOR; ++minor) all.insert(minor);
  return all;
}

}  // namespace

TEST_CASE("version.hpp's history names each minor up to the SDK's own, and none above", "[version]") {
  auto named = minors_named("sdk/include/memberd/version.hpp", std::regex(R"(^//   2\.(\d+)  )"));
  CHECK(named == every_minor_to_now());
}

TEST_CASE("sdk/README.md and sdk/CHANGES.md are about the SDK the headers are", "[version]") {
  auto title = minors_named("sdk/README.md", std::regex(R"(^# memberd plugin SDK 2\.(\d+)$)"));
  CHECK(title == std::set<int>{MEMBERD_SDK_VERSION_MINOR});
  // The history's sections, one per minor (2.0's holds "From SDK 1 to SDK 2").
  auto sections = minors_named("sdk/CHANGES.md", std::regex(R"(^## SDK 2\.(\d+)$)"));
  CHECK(sections == every_minor_to_now());
}
