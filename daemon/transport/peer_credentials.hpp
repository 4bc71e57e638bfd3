#pragma once
// Who is on the other end of an accepted Unix-socket connection.
#include <sys/types.h>

namespace memberd {

// Whether the peer of the connected Unix socket `fd` is an operator: root or
// the daemon's own user. The uid is the one the kernel recorded at connect
// time (SO_PEERCRED on the accepted socket itself), never read from /proc: a
// process can exec a setuid program after connecting, or exit and have its
// pid reused. False when `fd` is not a connected Unix socket.
bool socket_peer_is_operator(int fd);

}  // namespace memberd
