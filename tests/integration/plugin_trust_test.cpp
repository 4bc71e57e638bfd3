// Plugin files are loaded only if nobody but root and the daemon's user could
// have written them (issue 8, item 1). The fixture `constructor_mark` proves
// whether dlopen() ran: its ELF constructor writes a line to a file before the
// daemon could read any export, as a malicious library would.
#include "support/daemon_process.hpp"
#include "support/plugins_dir.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>

using memberd::test::DaemonOptions;
using memberd::test::DaemonProcess;
using memberd::test::PluginsDir;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr uid_t kOtherUid = 65534;  // nobody

// A scratch file for the constructor's mark; absent until the plugin's code runs.
struct ConstructorMark {
  std::string path;
  ConstructorMark() {
    char pattern[] = "/tmp/memberd-mark-XXXXXX";
    int fd = mkstemp(pattern);
    ::close(fd);
    path = pattern;
    fs::remove(path);
  }
  ~ConstructorMark() {
    std::error_code ignored;
    fs::remove(path, ignored);
  }
  int runs() const {
    std::ifstream in(path);
    int lines = 0;
    for (std::string line; std::getline(in, line);) ++lines;
    return lines;
  }
};

DaemonOptions options_for(const std::string& plugins_dir, const ConstructorMark& mark) {
  DaemonOptions options{"sqlite", {}, plugins_dir, {"constructor_mark"}};
  options.env["MEMBERD_TEST_CONSTRUCTOR_MARK"] = mark.path;
  return options;
}

// Starts a daemon on `plugins_dir` and expects the plugin refused, with every
// fragment in its error, and its code never run.
void expect_refused(const std::string& plugins_dir, std::initializer_list<std::string> fragments) {
  ConstructorMark mark;
  DaemonProcess daemon(options_for(plugins_dir, mark));
  std::string error = load_error(daemon, "constructor_mark");
  CHECK(error.find("refusing constructor_mark.so") != std::string::npos);
  for (const auto& fragment : fragments) CHECK(error.find(fragment) != std::string::npos);
  CHECK(mark.runs() == 0);
  CHECK(daemon.http()->Get("/api/v1/constructor_mark")->status == 404);
}

}  // namespace

TEST_CASE("a plugin in a directory only root and the daemon can write loads, and its code runs", "[plugins][trust]") {
  PluginsDir dir({{"constructor_mark", "constructor_mark"}});
  ConstructorMark mark;
  DaemonProcess daemon(options_for(dir.path(), mark));
  CHECK(plugin_entry(daemon, "constructor_mark")["state"] == "loaded");
  CHECK(mark.runs() == 1);
  CHECK(daemon.http()->Get("/api/v1/constructor_mark")->status == 200);
}

TEST_CASE("a world-writable plugins.dir is refused before dlopen, naming the path and mode", "[plugins][trust]") {
  PluginsDir dir({{"constructor_mark", "constructor_mark"}});
  fs::permissions(dir.path(), fs::perms(0777));
  expect_refused(dir.path(), {dir.path() + " is writable by group and others (mode 0777)"});
}

TEST_CASE("a group-writable plugins.dir is refused", "[plugins][trust]") {
  PluginsDir dir({{"constructor_mark", "constructor_mark"}});
  fs::permissions(dir.path(), fs::perms(0770));
  expect_refused(dir.path(), {dir.path() + " is writable by group (mode 0770)"});
}

TEST_CASE("a plugin file writable by others, or in a writable subdirectory, is refused", "[plugins][trust]") {
  PluginsDir dir({{"constructor_mark", "constructor_mark"}});
  SECTION("the file itself") {
    fs::permissions(dir.path() + "/constructor_mark.so", fs::perms(0646));
    expect_refused(dir.path(), {"constructor_mark.so is writable by others (mode 0646)"});
  }
  SECTION("a directory between plugins.dir and the file") {
    fs::create_directory(dir.path() + "/lib");
    fs::rename(dir.path() + "/constructor_mark.so", dir.path() + "/lib/constructor_mark.so");
    fs::create_symlink("lib/constructor_mark.so", dir.path() + "/constructor_mark.so");
    fs::permissions(dir.path() + "/lib", fs::perms(0777));
    expect_refused(dir.path(), {dir.path() + "/lib is writable by group and others (mode 0777)"});
  }
}

TEST_CASE("a symlink is followed: into a directory others can write it is refused, into a safe one it loads", "[plugins][trust]") {
  PluginsDir dir;
  PluginsDir elsewhere({{"constructor_mark", "constructor_mark"}});
  fs::create_symlink(elsewhere.path() + "/constructor_mark.so", dir.path() + "/constructor_mark.so");
  SECTION("others can write the target's directory") {
    fs::permissions(elsewhere.path(), fs::perms(0777));
    expect_refused(dir.path(), {elsewhere.path() + " is writable by group and others (mode 0777)"});
  }
  SECTION("the target's directory is the daemon's own") {
    ConstructorMark mark;
    DaemonProcess daemon(options_for(dir.path(), mark));
    CHECK(plugin_entry(daemon, "constructor_mark")["state"] == "loaded");
    CHECK(mark.runs() == 1);
  }
}

TEST_CASE("a plugin file owned by another user is refused", "[plugins][trust]") {
  if (::geteuid() != 0) {
    WARN("not root: cannot give a file to another uid; the ownership rule is not exercised");
    return;
  }
  PluginsDir dir({{"constructor_mark", "constructor_mark"}});
  SECTION("the file") {
    REQUIRE(::chown((dir.path() + "/constructor_mark.so").c_str(), kOtherUid, kOtherUid) == 0);
    expect_refused(dir.path(), {"constructor_mark.so is owned by uid 65534"});
  }
  SECTION("plugins.dir, even with a mode that keeps others out") {
    REQUIRE(::chown(dir.path().c_str(), kOtherUid, kOtherUid) == 0);
    expect_refused(dir.path(), {dir.path() + " is owned by uid 65534"});
  }
}

TEST_CASE("a reload from a directory that became writable keeps the trusted version serving", "[plugins][trust]") {
  PluginsDir dir({{"constructor_mark", "constructor_mark"}});
  ConstructorMark mark;
  DaemonProcess daemon(options_for(dir.path(), mark));
  REQUIRE(plugin_entry(daemon, "constructor_mark")["state"] == "loaded");
  fs::permissions(dir.path(), fs::perms(0777));
  dir.install("constructor_mark", "constructor_mark");
  auto res = daemon.unix_socket()->Post("/api/v1/admin/plugins/constructor_mark/reload");
  REQUIRE(res);
  CHECK(res->status == 422);
  CHECK(res->body.find("is writable by group and others") != std::string::npos);
  CHECK(plugin_entry(daemon, "constructor_mark")["state"] == "loaded");
  CHECK(mark.runs() == 1);
  CHECK(daemon.http()->Get("/api/v1/constructor_mark")->status == 200);
}

// Issue 27, L3: only the end of a symlink chain was checked, so whoever could
// write a directory holding a link in the middle chose where the chain led.
TEST_CASE("a symlink chain through a directory others can write is refused, though it ends in a safe one",
          "[plugins][trust]") {
  PluginsDir dir;
  PluginsDir hop;
  PluginsDir elsewhere({{"constructor_mark", "constructor_mark"}});
  fs::create_symlink(elsewhere.path() + "/constructor_mark.so", hop.path() + "/constructor_mark.so");
  fs::create_symlink(hop.path() + "/constructor_mark.so", dir.path() + "/constructor_mark.so");
  fs::permissions(hop.path(), fs::perms(0777));
  expect_refused(dir.path(), {hop.path() + " is writable by group and others (mode 0777)"});
}

TEST_CASE("a parent of plugins.dir that others can write is logged as a warning, and the plugin still loads",
          "[plugins][trust]") {
  char pattern[] = "/tmp/memberd-parent-XXXXXX";
  const std::string parent = ::mkdtemp(pattern);
  fs::permissions(parent, fs::perms(0777));  // not sticky: anyone may rename plugins.dir away
  const std::string plugins = parent + "/plugins";
  fs::create_directory(plugins);
  fs::permissions(plugins, fs::perms(0755));
  fs::copy_file(memberd::test::env_or_fail("MEMBERD_FIXTURE_PLUGINS_DIR") + "/constructor_mark.so",
                plugins + "/constructor_mark.so");
  {
    ConstructorMark mark;
    DaemonProcess daemon(options_for(plugins, mark));
    CHECK(plugin_entry(daemon, "constructor_mark")["state"] == "loaded");
    std::string out = daemon.output();
    INFO(out);
    CHECK(out.find("plugins.dir " + plugins + " is reached through " + parent + ", which others may change: " + parent +
                   " is writable by group and others (mode 0777)") != std::string::npos);
  }
  fs::remove_all(parent);
}

// Issue 27, M1: <data_dir>/plugins was taken whoever owned it (only its mode
// was set), and its owner could replace a staged copy before dlopen().
TEST_CASE("a staging directory another user owns refuses the start, naming it", "[plugins][trust][staging]") {
  if (::geteuid() != 0) {
    WARN("not root: cannot give a directory to another uid; the staging rule is not exercised");
    return;
  }
  PluginsDir dir({{"constructor_mark", "constructor_mark"}});
  char pattern[] = "/tmp/memberd-data-XXXXXX";
  const std::string data_dir = ::mkdtemp(pattern);
  const std::string staging = data_dir + "/plugins";
  fs::create_directory(staging);
  fs::permissions(staging, fs::perms(0700));  // a mode that keeps others out does not make it the daemon's
  REQUIRE(::chown(staging.c_str(), kOtherUid, kOtherUid) == 0);
  {
    ConstructorMark mark;
    DaemonOptions options = options_for(dir.path(), mark);
    options.data_dir = data_dir;
    options.expect_start = false;
    DaemonProcess daemon(options);
    CHECK(daemon.wait_exit(std::chrono::seconds(15)) == 1);
    std::string out = daemon.output();
    INFO(out);
    CHECK(out.find("memberd: cannot start: " + staging + ", where plugins are staged before they are loaded, is owned by uid 65534") !=
          std::string::npos);
    CHECK(mark.runs() == 0);
  }
  fs::remove_all(data_dir);
}
