#pragma once
// What the photo worker gives up before it reads a single upload: it is
// started by the daemon and then fed hostile bytes, so a bug in a decoder
// must find a process that can do nothing but compute and answer on the
// socket it was handed.
#include <cstdint>

namespace memberd::photo {

struct SandboxLimits {
  std::uint64_t memory_bytes = 1024ull * 1024 * 1024;  // RLIMIT_AS: address space
  std::uint64_t cpu_seconds = 300;                     // RLIMIT_CPU: a lifetime total
};

// Resource limits, in force from here on (set soft and hard alike, so the
// process cannot raise them again): address space, CPU time, no files
// written (RLIMIT_FSIZE 0), no core dumps. Throws std::runtime_error when
// the kernel refuses one.
void limit_resources(const SandboxLimits& limits);

// Call after every library is initialised and before reading input.
// As root: a network namespace of its own when the kernel allows it, then
// the uid and gid of `nobody` with no supplementary groups (and so no
// capabilities). Always: not dumpable (nobody may ptrace it or read its
// /proc files), no_new_privs, and a seccomp filter that refuses opening any
// file, creating sockets, running programs, creating processes (threads
// stay allowed), signalling other processes, changing limits, and the
// kernel interfaces that bypass seccomp or widen the attack surface
// (io_uring, bpf, perf, userfaultfd, keyctl, namespaces, mounts). A refused
// call fails with EPERM; a call from another ABI (x32, i386) kills the
// process. Throws std::runtime_error when a step fails.
void enter_sandbox();

}  // namespace memberd::photo
