#pragma once
#include <sys/types.h>

namespace memberd {

// Whether the Unix-socket peer whose pid cpp-httplib reports (it takes the
// pid from SO_PEERCRED and puts it in the request's remote port) is an
// operator: root or the daemon's own user.
//
// The uid is never read from /proc/<pid>: a process can exec a setuid program
// after connecting, or exit and have its pid reused. Instead this finds the
// daemon's own sockets whose SO_PEERCRED names that pid and trusts the uid the
// kernel recorded at connect time. If several connections carry that pid (an
// inherited socket and a reused pid), all of them must be operators.
bool socket_peer_is_operator(pid_t peer_pid);

}  // namespace memberd
