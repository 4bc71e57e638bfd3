#include "transport/peer_credentials.hpp"

#include <sys/socket.h>
#include <unistd.h>

namespace memberd {

bool socket_peer_is_operator(int fd) {
  ucred cred{};
  socklen_t length = sizeof cred;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &length) != 0 || length != sizeof cred) return false;
  return cred.uid == 0 || cred.uid == geteuid();
}

}  // namespace memberd
