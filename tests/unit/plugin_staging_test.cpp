// Staging a plugin's copy in the data directory: when the disk refuses the
// write, the operator is told why (issue 26: the reason, such as "No space
// left on device", was dropped).
#include "plugin_host/plugin_library.hpp"

#include <catch2/catch.hpp>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>

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
