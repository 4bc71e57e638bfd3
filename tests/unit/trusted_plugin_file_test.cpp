// The trust rule for what plugins.dir leads to (issue 27, L3): every
// directory an entry is looked up in on the way, links followed, not only
// the one at the end of a chain; a sticky directory (/tmp) passes for an
// entry that root or the daemon owns. A plugin's worker program
// (Host::plugin_program) goes through the same walk as a plugin file.
#include "plugin_host/plugin_library.hpp"
#include "plugin_host/trusted_plugin_file.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>

using namespace memberd;
namespace fs = std::filesystem;
using Catch::Matchers::Contains;

namespace {

struct ScratchDir {
  fs::path path;
  ScratchDir() {
    char pattern[] = "/tmp/memberd-trust-XXXXXX";
    path = ::mkdtemp(pattern);
    fs::permissions(path, fs::perms(0755));
  }
  ~ScratchDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  fs::path dir(const std::string& name, fs::perms mode = fs::perms(0755)) const {
    fs::create_directory(path / name);
    fs::permissions(path / name, mode);
    return path / name;
  }
};

void write_program(const fs::path& file) {
  std::ofstream(file) << "#!/bin/sh\nexit 0\n";
  fs::permissions(file, fs::perms(0755));
}

}  // namespace

TEST_CASE("a program reached through a chain of links is checked at every link, not only at its end",
          "[plugins][trust]") {
  ScratchDir scratch;
  fs::path plugins = scratch.dir("plugins"), hop = scratch.dir("hop"), real = scratch.dir("real");
  write_program(real / "photo-worker");
  fs::create_symlink(real / "photo-worker", hop / "photo-worker");
  fs::create_symlink(hop / "photo-worker", plugins / "photo-worker");

  SECTION("every directory on the way is the daemon's: the program's canonical path") {
    CHECK(trusted_plugin_program(plugins / "photo-worker", plugins) == (real / "photo-worker").string());
  }
  SECTION("the middle link lives in a directory others can write") {
    fs::permissions(hop, fs::perms(0777));
    CHECK_THROWS_WITH(trusted_plugin_program(plugins / "photo-worker", plugins),
                      Contains("refusing photo-worker: " + hop.string() + " is writable by group and others (mode 0777)"));
  }
  SECTION("a relative link through a directory others can write") {
    fs::remove(plugins / "photo-worker");
    fs::create_symlink("../hop/photo-worker", plugins / "photo-worker");
    fs::permissions(hop, fs::perms(0775));
    CHECK_THROWS_WITH(trusted_plugin_program(plugins / "photo-worker", plugins),
                      Contains(hop.string() + " is writable by group (mode 0775)"));
  }
  SECTION("a directory on the way to the link's target, above the one holding it") {
    fs::permissions(scratch.path, fs::perms(0777));
    CHECK_THROWS_WITH(trusted_plugin_program(plugins / "photo-worker", plugins),
                      Contains(scratch.path.string() + " is writable by group and others (mode 0777)"));
  }
}

TEST_CASE("a sticky directory others can write passes for an entry root or the daemon owns", "[plugins][trust]") {
  ScratchDir scratch;
  fs::path plugins = scratch.dir("plugins"), shared = scratch.dir("shared", fs::perms(01777));
  fs::path real = shared / "real";
  fs::create_directory(real);
  fs::permissions(real, fs::perms(0755));
  write_program(real / "photo-worker");
  fs::create_symlink(real / "photo-worker", plugins / "photo-worker");

  CHECK(trusted_plugin_program(plugins / "photo-worker", plugins) == (real / "photo-worker").string());
  if (::geteuid() == 0) {
    // Its owner may rename it in the sticky directory, and put another there.
    REQUIRE(::lchown(real.c_str(), 65534, 65534) == 0);
    CHECK_THROWS_WITH(trusted_plugin_program(plugins / "photo-worker", plugins),
                      Contains(shared.string() + " is writable by group and others (mode 1777) and " + real.string() +
                               " in it is owned by uid 65534"));
  }
}

TEST_CASE("the parents of plugins.dir are reported when others could replace it, not refused", "[plugins][trust]") {
  ScratchDir scratch;
  fs::path plugins = scratch.dir("plugins");
  CHECK(plugins_dir_warnings(plugins).empty());
  fs::permissions(scratch.path, fs::perms(0777));
  auto warnings = plugins_dir_warnings(plugins);
  REQUIRE(warnings.size() == 1);
  CHECK_THAT(warnings[0], Contains("plugins.dir " + plugins.string() + " is reached through " + scratch.path.string() +
                                   ", which others may change"));
  // Reported, not refused: the plugin rule starts at plugins.dir.
  write_program(plugins / "photo-worker");
  CHECK(trusted_plugin_program(plugins / "photo-worker", plugins) == (plugins / "photo-worker").string());
}
