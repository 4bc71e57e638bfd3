#include "transport/peer_credentials.hpp"

#include <dirent.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>

namespace memberd {

bool socket_peer_is_operator(pid_t peer_pid) {
  if (peer_pid <= 0) return false;
  DIR* fds = opendir("/proc/self/fd");
  if (!fds) return false;
  const uid_t self = geteuid();
  bool found = false, all_operators = true;
  while (dirent* entry = readdir(fds)) {
    char* end = nullptr;
    long fd = std::strtol(entry->d_name, &end, 10);
    if (*end != '\0' || fd < 0 || fd == dirfd(fds)) continue;
    ucred cred{};
    socklen_t length = sizeof cred;
    // Fails for anything that is not a connected Unix socket.
    if (getsockopt(static_cast<int>(fd), SOL_SOCKET, SO_PEERCRED, &cred, &length) != 0) continue;
    if (cred.pid != peer_pid) continue;
    found = true;
    if (cred.uid != 0 && cred.uid != self) all_operators = false;
  }
  closedir(fds);
  return found && all_operators;
}

}  // namespace memberd
