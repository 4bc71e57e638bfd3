// The photo worker's sandbox, entered for real in a child process: what it
// refuses, and that an image library's threads still run inside it.
#include "worker/sandbox.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <thread>

using namespace memberd::photo;

namespace {

// Runs `probe` in a forked child after limit_resources and enter_sandbox;
// the child's exit status is the probe's answer (0: everything held).
int in_sandbox(int (*probe)()) {
  pid_t child = ::fork();
  if (child == 0) {
    // Catch's fatal-signal handlers would report the child's abort as a failure.
    for (int sig : {SIGABRT, SIGSEGV, SIGILL, SIGFPE, SIGBUS}) std::signal(sig, SIG_DFL);
    try {
      limit_resources({512ull * 1024 * 1024, 30});
      enter_sandbox();
    } catch (...) {
      ::_exit(100);
    }
    ::_exit(probe());
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 200 + WTERMSIG(status);
}

}  // namespace

TEST_CASE("inside the sandbox no file opens, no socket, no program, no process, no signal out", "[photo][sandbox]") {
  CHECK(in_sandbox([] { return ::open("/etc/hostname", O_RDONLY) < 0 && errno == EPERM ? 0 : 1; }) == 0);
  CHECK(in_sandbox([] { return ::open("/proc/1/environ", O_RDONLY) < 0 && errno == EPERM ? 0 : 1; }) == 0);
  CHECK(in_sandbox([] { return ::socket(AF_INET, SOCK_STREAM, 0) < 0 && errno == EPERM ? 0 : 1; }) == 0);
  CHECK(in_sandbox([] { return ::socket(AF_UNIX, SOCK_STREAM, 0) < 0 && errno == EPERM ? 0 : 1; }) == 0);
  CHECK(in_sandbox([] {
          char* argv[] = {const_cast<char*>("/bin/true"), nullptr};
          ::execv("/bin/true", argv);
          return errno == EPERM ? 0 : 1;
        }) == 0);
  CHECK(in_sandbox([] { return ::fork() < 0 && errno == EPERM ? 0 : 1; }) == 0);
  CHECK(in_sandbox([] { return ::kill(::getppid(), 0) < 0 && errno == EPERM ? 0 : 1; }) == 0);
  CHECK(in_sandbox([] {
          struct rlimit more {RLIM_INFINITY, RLIM_INFINITY};
          return ::setrlimit(RLIMIT_AS, &more) < 0 && errno == EPERM ? 0 : 1;
        }) == 0);
  // Not dumpable: no one, not even its own user, may ptrace it or read its memory.
  CHECK(in_sandbox([] { return ::prctl(PR_GET_DUMPABLE) == 0 ? 0 : 1; }) == 0);
}

TEST_CASE("inside the sandbox threads run, memory is bounded and abort still ends the process", "[photo][sandbox]") {
  CHECK(in_sandbox([] {
          int value = 0;
          std::thread worker([&] { value = 42; });
          worker.join();
          return value == 42 ? 0 : 1;
        }) == 0);
#if !defined(__SANITIZE_ADDRESS__)
  // 512 MiB of address space: a 1 GiB allocation fails instead of growing.
  CHECK(in_sandbox([] {
          void* p = std::malloc(1024ull * 1024 * 1024);
          return p == nullptr ? 0 : 1;
        }) == 0);
#endif
  CHECK(in_sandbox([] {
          std::abort();
          return 1;
        }) == 200 + SIGABRT);
}

TEST_CASE("as root the sandbox drops to nobody", "[photo][sandbox]") {
  if (::geteuid() != 0) {
    WARN("not root: the uid switch is not exercised here (CI runs as root)");
    return;
  }
  CHECK(in_sandbox([] { return ::getuid() == 65534 && ::geteuid() == 65534 && ::getgid() == 65534 ? 0 : 1; }) == 0);
}
