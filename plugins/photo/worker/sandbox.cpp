#include "sandbox.hpp"

#include <grp.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace memberd::photo {

namespace {

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error("photo worker sandbox: " + what + ": " + std::strerror(errno));
}

void set_limit(int resource, rlim_t value, const char* name) {
  struct rlimit limit {value, value};
  if (::setrlimit(resource, &limit) != 0) fail(std::string("setrlimit ") + name);
}

// `nobody` on Debian; looked up by number because NSS would open files.
constexpr uid_t kNobody = 65534;
constexpr gid_t kNogroup = 65534;

void drop_root() {
  if (::geteuid() != 0) return;  // a service user has no capabilities to drop
  // Best effort: an unprivileged container may refuse a new namespace; the
  // seccomp filter below refuses sockets either way.
  (void)::unshare(CLONE_NEWNET);
  if (::setgroups(0, nullptr) != 0) fail("setgroups");
  if (::setresgid(kNogroup, kNogroup, kNogroup) != 0) fail("setresgid");
  if (::setresuid(kNobody, kNobody, kNobody) != 0) fail("setresuid");
  if (::setuid(0) == 0) {
    errno = EPERM;
    fail("root could be regained");
  }
}

#if defined(__x86_64__)
constexpr std::uint32_t kArch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
constexpr std::uint32_t kArch = AUDIT_ARCH_AARCH64;
#endif

// The calls refused outright. Opening files is among them: libvips has
// loaded its modules by now, and the worker must not read the daemon's
// database or /proc/<daemon>/environ, which it could as the same user.
const std::vector<long>& refused_calls() {
  static const std::vector<long> calls = {
#ifdef __NR_open
      __NR_open, __NR_creat, __NR_fork, __NR_vfork,
#endif
      __NR_openat, __NR_openat2, __NR_open_by_handle_at, __NR_name_to_handle_at,
      __NR_socket, __NR_connect, __NR_bind, __NR_listen, __NR_accept, __NR_accept4,
      __NR_execve, __NR_execveat, __NR_ptrace, __NR_process_vm_readv, __NR_process_vm_writev,
      __NR_kill, __NR_tkill, __NR_rt_sigqueueinfo, __NR_rt_tgsigqueueinfo,
      __NR_pidfd_open, __NR_pidfd_send_signal, __NR_pidfd_getfd,
      __NR_setrlimit, __NR_prlimit64, __NR_unshare, __NR_setns, __NR_mount, __NR_umount2, __NR_pivot_root,
      __NR_chroot, __NR_keyctl, __NR_add_key, __NR_request_key, __NR_bpf, __NR_perf_event_open,
      __NR_userfaultfd, __NR_io_uring_setup, __NR_io_uring_enter, __NR_io_uring_register, __NR_personality,
      __NR_init_module, __NR_finit_module, __NR_delete_module, __NR_kexec_load, __NR_reboot,
  };
  return calls;
}

void install_seccomp_filter() {
#if defined(__x86_64__) || defined(__aarch64__)
  const std::uint32_t own_pid = static_cast<std::uint32_t>(::getpid());
  std::vector<sock_filter> program = {
      // Another ABI would number the calls differently: refuse it whole.
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, kArch, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
#if defined(__x86_64__)
      // x32 calls carry this bit and the same architecture.
      BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
#endif
  };
  for (long call : refused_calls()) {
    program.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, static_cast<std::uint32_t>(call), 0, 1));
    program.push_back(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM));
  }
  // tgkill only at itself: abort() and raise() use it.
  program.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_tgkill, 0, 3));
  program.push_back(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])));
  program.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, own_pid, 1, 0));
  program.push_back(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM));
  // clone without CLONE_THREAD would be a new process: threads only.
  program.push_back(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)));
  program.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone, 0, 3));
  program.push_back(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])));
  program.push_back(BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, CLONE_THREAD, 1, 0));
  program.push_back(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM));
  // clone3 passes its flags in memory seccomp cannot read: ENOSYS makes
  // glibc fall back to clone, which the rule above checks.
  program.push_back(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)));
  program.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone3, 0, 1));
  program.push_back(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS));
  program.push_back(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));

  sock_fprog filter{static_cast<unsigned short>(program.size()), program.data()};
  if (::syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &filter) != 0) fail("seccomp");
#else
  // No filter for this architecture yet: the limits and no_new_privs remain.
  (void)refused_calls;
#endif
}

}  // namespace

// AddressSanitizer reserves terabytes of address space for its shadow
// before main(): an RLIMIT_AS would leave a sanitizer build unable to
// allocate at all, so there (tests only) the other limits must do.
#if defined(__SANITIZE_ADDRESS__)
#define MEMBERD_PHOTO_WORKER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MEMBERD_PHOTO_WORKER_ASAN 1
#endif
#endif

#ifdef MEMBERD_PHOTO_WORKER_ASAN
// LeakSanitizer stops the world with a ptrace()d helper process, which the
// seccomp filter refuses: leaks are looked for in the tests' other runs. A
// segfault stays a signal, as in a release build, so the plugin logs and
// tests see the same death (AddressSanitizer's own reports still abort).
extern "C" const char* __asan_default_options() { return "detect_leaks=0:handle_segv=0"; }
#endif

void limit_resources(const SandboxLimits& limits) {
#ifndef MEMBERD_PHOTO_WORKER_ASAN
  set_limit(RLIMIT_AS, limits.memory_bytes, "RLIMIT_AS");
#endif
  set_limit(RLIMIT_CPU, limits.cpu_seconds, "RLIMIT_CPU");
  set_limit(RLIMIT_FSIZE, 0, "RLIMIT_FSIZE");
  set_limit(RLIMIT_CORE, 0, "RLIMIT_CORE");
}

void enter_sandbox() {
  drop_root();
  if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) fail("PR_SET_DUMPABLE");
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) fail("PR_SET_NO_NEW_PRIVS");
  install_seccomp_filter();
}

}  // namespace memberd::photo
