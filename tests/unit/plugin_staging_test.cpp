// Staging a plugin's copy in the data directory: when the disk refuses the
// write, the operator is told why (issue 26: the reason, such as "No space
// left on device", was dropped); the copy loaded is the copy checked, in a
// directory no one else may write (issue 27, M1).
#include "plugin_host/plugin_library.hpp"
#include "plugin_host/staging_dir.hpp"

#include <catch2/catch.hpp>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>

using namespace memberd;
namespace fs = std::filesystem;

TEST_CASE("a staging copy the disk refuses names the reason", "[plugins][staging]") {
  char pattern[] = "/tmp/memberd-staging-XXXXXX";
  fs::path dir = ::mkdtemp(pattern);
  fs::permissions(dir, fs::perms(0755));
  fs::create_directories(dir / "plugins");
  fs::permissions(dir / "plugins", fs::perms(0755));
  std::ofstream(dir / "plugins" / "big.so") << std::string(64 * 1024, 'x');

  // In a child: a file size limit makes the copy's write fail with EFBIG,
  // as a full disk fails it with ENOSPC.
  int pipe_fds[2];
  REQUIRE(::pipe(pipe_fds) == 0);
  pid_t child = ::fork();
  if (child == 0) {
    std::signal(SIGXFSZ, SIG_IGN);
    struct rlimit small {4096, 4096};
    ::setrlimit(RLIMIT_FSIZE, &small);
    std::string message = "no error";
    try {
      PluginLibrary::load(dir / "plugins" / "big.so", dir / "staging", 1);
    } catch (const std::exception& e) {
      message = e.what();
    }
    (void)!::write(pipe_fds[1], message.data(), message.size());
    ::_exit(0);
  }
  ::close(pipe_fds[1]);
  std::string message;
  char buffer[512];
  for (ssize_t n; (n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0;) message.append(buffer, n);
  ::close(pipe_fds[0]);
  ::waitpid(child, nullptr, 0);
  CHECK_THAT(message, Catch::Matchers::Contains("cannot stage a copy of big-"));
  CHECK_THAT(message, Catch::Matchers::Contains(std::strerror(EFBIG)));
  CHECK(fs::is_empty(dir / "staging"));  // the partial copy is gone
  fs::remove_all(dir);
}

// Issue 27, M1: another user replaced the staged copy between its rename
// into place and dlopen(), and its constructor ran in the root daemon. The
// copy is loaded through the descriptor that wrote and checked it, so a
// file put at its path in between — here constructor_mark, whose ELF
// constructor leaves a mark — is never the one mapped. stage() and
// load_staged() are load()'s own two steps; the test is the attacker between
// them.
TEST_CASE("a staged copy replaced at its path before the load is not what is loaded", "[plugins][staging][trust]") {
  char pattern[] = "/tmp/memberd-staging-XXXXXX";
  fs::path dir = ::mkdtemp(pattern);
  fs::permissions(dir, fs::perms(0755));
  fs::create_directories(dir / "plugins");
  fs::permissions(dir / "plugins", fs::perms(0755));
  const fs::path fixtures = MEMBERD_FIXTURE_PLUGINS_DIR;
  fs::copy_file(fixtures / "swapper.so", dir / "plugins" / "swapper.so");
  fs::copy_file(fixtures / "constructor_mark.so", dir / "intruder.so");
  const fs::path mark = dir / "constructor-ran";
  ::setenv("MEMBERD_TEST_CONSTRUCTOR_MARK", mark.c_str(), 1);

  StagedPlugin staged = PluginLibrary::stage(dir / "plugins" / "swapper.so", dir / "staging", 1);
  REQUIRE(fs::exists(staged.copy.path));
  fs::rename(dir / "intruder.so", staged.copy.path);  // what a writable staging directory allowed

  auto library = PluginLibrary::load_staged(std::move(staged));
  std::unique_ptr<Plugin> plugin(library->create());
  CHECK(plugin->info().name == "swapper");
  CHECK_FALSE(fs::exists(mark));  // the intruder's code never ran
  plugin.reset();
  library.reset();
  ::unsetenv("MEMBERD_TEST_CONSTRUCTOR_MARK");
  fs::remove_all(dir);
}

TEST_CASE("a staging directory another user owns or others may write is refused, naming it", "[plugins][staging][trust]") {
  char pattern[] = "/tmp/memberd-staging-XXXXXX";
  fs::path dir = ::mkdtemp(pattern);
  fs::path staging = dir / "staging";
  SECTION("created when missing, for the daemon alone") {
    open_staging_dir(staging);
    CHECK((fs::status(staging).permissions() & fs::perms::all) == fs::perms::owner_all);
  }
  SECTION("writable by others") {
    fs::create_directory(staging);
    fs::permissions(staging, fs::perms(0777));
    CHECK_THROWS_WITH(open_staging_dir(staging),
                      Catch::Matchers::StartsWith(staging.string() + ", where plugins are staged before they are loaded, "
                                                                     "is writable by group and others (mode 0777)"));
  }
  SECTION("a symlink") {
    fs::create_directory(dir / "elsewhere");
    fs::create_directory_symlink(dir / "elsewhere", staging);
    CHECK_THROWS_WITH(open_staging_dir(staging), Catch::Matchers::Contains("is not a directory but a symlink"));
  }
  SECTION("owned by another user") {
    if (::geteuid() != 0) {
      WARN("not root: cannot give a directory to another uid");
    } else {
      fs::create_directory(staging);
      fs::permissions(staging, fs::perms(0700));
      REQUIRE(::chown(staging.c_str(), 65534, 65534) == 0);
      CHECK_THROWS_WITH(open_staging_dir(staging), Catch::Matchers::Contains(staging.string() + ", where plugins are "
                                                                             "staged before they are loaded, is owned by uid 65534"));
    }
  }
  fs::remove_all(dir);
}
