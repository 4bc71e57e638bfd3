#pragma once
// Argon2id password (and security-answer) hashing on a small bounded pool.
//
// Why a pool of its own: one hash costs ~25 ms of a core and ~19 MiB, so a
// sign-in flood run on the HTTP workers would starve every other request.
// Here at most `threads` hashes run at once and at most `queue_capacity` wait;
// one more is refused at once with memberd::HashingBusy, which the daemon
// answers with 503 + Retry-After.

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace memberd {

// Argon2id cost parameters. The defaults are OWASP's recommendation
// (m=19 MiB, t=2, p=1).
struct Argon2Params {
  std::uint32_t memory_kib = 19456, iterations = 2, parallelism = 1;
  bool operator==(const Argon2Params&) const = default;
};

// Thrown by the hashing calls when the bounded pool's queue is full. The
// Accounts service turns it into a `busy` Failure; it never reaches a plugin.
struct HashingBusy : std::runtime_error {
  HashingBusy() : std::runtime_error("password hashing queue is full") {}
};

class PasswordHasher {
 public:
  // Throws std::invalid_argument for params libargon2 would refuse
  // (iterations < 1, parallelism < 1, memory_kib < 8 * parallelism) or
  // threads == 0. queue_capacity may be 0: then a call is taken only when a
  // pool thread is free. Computes the dummy hash for verify_dummy() here, so
  // construction costs one hash.
  PasswordHasher(Argon2Params params, std::size_t threads, std::size_t queue_capacity);
  // Lets the jobs already queued finish (their callers get real answers),
  // then joins the threads. Calls made once destruction began throw
  // HashingBusy. No call may still be running on another thread when the
  // destructor returns: as for any object, its owner must outlive its users.
  ~PasswordHasher();

  PasswordHasher(const PasswordHasher&) = delete;
  PasswordHasher& operator=(const PasswordHasher&) = delete;

  // A PHC string "$argon2id$v=19$m=..,t=..,p=..$<salt>$<hash>" with a fresh
  // 16-byte random salt and a 32-byte hash. Blocks the caller until done.
  // Throws HashingBusy when the queue is full (or libargon2 cannot get memory
  // or threads right now: also a "try again later"), std::runtime_error if
  // the random salt cannot be made.
  std::string hash(std::string_view secret);

  // True when `secret` matches `phc` (compared in constant time by
  // libargon2). False for a wrong secret and for a malformed or unsupported
  // PHC string (not argon2id, absurd costs). Throws only HashingBusy.
  bool verify(std::string_view phc, std::string_view secret);

  // Verifies `secret` against a hash of random data made at construction, so
  // that "no such member" costs the same time as a wrong password. The
  // answer is always "no", hence nothing is returned. Throws HashingBusy like
  // verify() does (so an unknown member also gets the same 503 under load).
  void verify_dummy(std::string_view secret);

  // True when `phc` was not made with the configured parameters (version,
  // m, t, p) or cannot be parsed: hash the password again after a
  // successful verify. Cheap: parses the string, hashes nothing.
  bool needs_rehash(std::string_view phc) const;

  // Jobs waiting for a thread / jobs being hashed now (for metrics).
  std::size_t queue_depth() const { return queue_depth_.load(std::memory_order_relaxed); }
  std::size_t in_flight() const { return in_flight_.load(std::memory_order_relaxed); }
  const Argon2Params& params() const { return params_; }

 private:
  // Runs `job` on a pool thread and waits for it; rethrows what it throws.
  void run_on_pool(std::function<void()> job);
  void worker_loop();

  const Argon2Params params_;
  const std::size_t thread_count_;
  const std::size_t queue_capacity_;
  std::string dummy_phc_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::packaged_task<void()>> queue_;
  bool stopping_ = false;
  std::atomic<std::size_t> queue_depth_{0};
  std::atomic<std::size_t> in_flight_{0};
  std::vector<std::thread> workers_;
};

}  // namespace memberd
