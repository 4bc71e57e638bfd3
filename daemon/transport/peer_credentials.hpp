#pragma once
#include <sys/types.h>

namespace memberd {

// cpp-httplib reports a Unix-socket peer's pid (from SO_PEERCRED, taken when
// the peer connected) as the request's remote port. Its effective uid comes
// from /proc/<pid>/status. Returns false when the process cannot be read.
bool peer_uid_from_pid(pid_t pid, uid_t& uid);

// Root or the daemon's own user: the socket's operators.
bool is_operator_uid(uid_t uid);

}  // namespace memberd
