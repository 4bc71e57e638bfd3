#include "worker_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace memberd::photo {

namespace {

constexpr int kWorkerSocket = 3;  // where the worker finds its socket

// Spawn attributes and file actions, released on every path out.
struct SpawnSetup {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attributes;
  SpawnSetup() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attributes);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
  }
};

int milliseconds_until(std::chrono::steady_clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  return left.count() <= 0 ? 0 : static_cast<int>(std::min<long long>(left.count(), 60'000));
}

// Waits until `fd` is ready for `events` or the deadline passes.
bool wait_for(int fd, short events, std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    pollfd p{fd, events, 0};
    int timeout = milliseconds_until(deadline);
    int n = ::poll(&p, 1, timeout);
    if (n > 0) return true;
    if (n < 0 && errno == EINTR) continue;
    if (n == 0 && timeout == 0) return false;
    if (n < 0) return false;
  }
}

enum class Io { done, timed_out, closed };

// Sends `bytes`; `sent` says how many the peer took, whatever the outcome.
Io send_all(int fd, const std::string& bytes, std::size_t& sent, std::chrono::steady_clock::time_point deadline) {
  sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!wait_for(fd, POLLOUT, deadline)) return Io::timed_out;
      continue;
    }
    return Io::closed;
  }
  return Io::done;
}

Io receive_exactly(int fd, char* into, std::size_t n, std::chrono::steady_clock::time_point deadline) {
  std::size_t got = 0;
  while (got < n) {
    ssize_t r = ::recv(fd, into + got, n - got, MSG_DONTWAIT);
    if (r > 0) {
      got += static_cast<std::size_t>(r);
      continue;
    }
    if (r < 0 && errno == EINTR) continue;
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!wait_for(fd, POLLIN, deadline)) return Io::timed_out;
      continue;
    }
    return Io::closed;
  }
  return Io::done;
}

}  // namespace

WorkerProcess::WorkerProcess(const WorkerCommand& command) {
  int ends[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0)
    throw std::runtime_error(std::string("socketpair: ") + std::strerror(errno));
  SpawnSetup setup;
  // The worker's end becomes fd 3; 0, 1 and 2 are /dev/null; nothing else
  // of the daemon's (database files, listening sockets) reaches it.
  posix_spawn_file_actions_adddup2(&setup.actions, ends[1], kWorkerSocket);
  posix_spawn_file_actions_addopen(&setup.actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&setup.actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&setup.actions, 2, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addclosefrom_np(&setup.actions, kWorkerSocket + 1);
  // The daemon blocks its signals in every thread (a signal thread waits
  // for them): the worker starts with none blocked and default handlers.
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&setup.attributes, &none);
  posix_spawnattr_setsigdefault(&setup.attributes, &all);
  posix_spawnattr_setflags(&setup.attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::string memory = std::to_string(command.memory_bytes), cpu = std::to_string(command.cpu_seconds);
  std::vector<char*> argv = {const_cast<char*>(command.program.c_str()), const_cast<char*>("--memory-bytes"),
                             memory.data(), const_cast<char*>("--cpu-seconds"), cpu.data(), nullptr};
  // No environment but VIPS_NOVECTOR: the daemon's may hold secrets
  // (MEMBERD_ADMIN_PASSWORD), and the systemd unit sets VIPS_NOVECTOR
  // because MemoryDenyWriteExecute, which the worker inherits, forbids the
  // code libvips would generate for its vector paths.
  std::string novector = "VIPS_NOVECTOR=1";
  char* environment[] = {std::getenv("VIPS_NOVECTOR") ? novector.data() : nullptr, nullptr};
  int error = ::posix_spawn(&pid_, command.program.c_str(), &setup.actions, &setup.attributes, argv.data(),
                            environment);
  ::close(ends[1]);
  if (error != 0) {
    ::close(ends[0]);
    pid_ = -1;
    throw std::runtime_error("cannot start " + command.program + ": " + std::strerror(error));
  }
  socket_ = ends[0];
}

WorkerProcess::~WorkerProcess() { finish(false); }

std::string WorkerProcess::finish(bool ending) {
  if (socket_ >= 0) ::close(socket_);
  socket_ = -1;
  if (pid_ < 0) return "gone";
  int status = 0;
  pid_t reaped = ::waitpid(pid_, &status, WNOHANG);
  // A worker that closed its socket is exiting: give it a moment to be
  // reaped, so the log says how it ended rather than that it was killed.
  for (int i = 0; ending && reaped == 0 && i < 100; ++i) {
    ::usleep(5000);
    reaped = ::waitpid(pid_, &status, WNOHANG);
  }
  bool ran_on = reaped == 0;
  if (ran_on) {
    ::kill(pid_, SIGKILL);
    reaped = ::waitpid(pid_, &status, 0);
  }
  pid_ = -1;
  if (ran_on) return "killed";
  if (reaped < 0) return "ended (status unknown)";
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    const char* name = sigabbrev_np(sig);
    return "killed by signal " + std::to_string(sig) + (name ? std::string(" (SIG") + name + ")" : std::string());
  }
  return "exited with status " + std::to_string(WEXITSTATUS(status));
}

WorkerProcess::Reply WorkerProcess::ask(const RenderSettings& settings, std::string_view image,
                                         std::chrono::steady_clock::time_point deadline) {
  Reply reply;
  reply.pid = pid_;
  std::size_t sent = 0;
  Io io = send_all(socket_, framed_request(settings, image), sent, deadline);
  if (io == Io::closed && sent == 0) {
    // Not one byte taken: the worker had ended before this upload came (an
    // idle worker killed). One that took part of it was alive when the
    // upload began and ended on it, which is the upload's to pay.
    reply.failure = WorkerFailure::gone;
    reply.how = finish(true);
    return reply;
  }
  std::string header(frame_header_bytes, '\0');
  if (io == Io::done) io = receive_exactly(socket_, header.data(), header.size(), deadline);
  if (io == Io::done) {
    try {
      std::string payload(announced_length(header), '\0');
      io = receive_exactly(socket_, payload.data(), payload.size(), deadline);
      if (io == Io::done) {
        reply.answer = decode_answer(payload);
        return reply;
      }
    } catch (const ProtocolError& e) {
      reply.failure = WorkerFailure::garbled;
      reply.how = std::string("answered garbage (") + e.what() + "), " + finish(false);
      return reply;
    }
  }
  reply.failure = io == Io::timed_out ? WorkerFailure::timed_out : WorkerFailure::died;
  reply.how = io == Io::timed_out ? "no answer in time, " + finish(false) : finish(true);
  return reply;
}

}  // namespace memberd::photo
