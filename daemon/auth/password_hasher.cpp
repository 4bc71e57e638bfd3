#include "auth/password_hasher.hpp"

#include "auth/argon2_memory.hpp"
#include "util/blocking_region.hpp"

#include <memberd/base64.hpp>

#include <sys/resource.h>
#include <unistd.h>

#include <memberd/host.hpp>  // HashingBusy

#include <argon2.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <optional>
#include <vector>
#include <stdexcept>

namespace memberd {
namespace {

constexpr std::size_t salt_bytes = 16;
constexpr std::size_t hash_bytes = 32;

// verify() runs whatever costs a stored PHC string names. These caps keep a
// corrupted or planted row from asking for gigabytes or minutes; they sit far
// above any sane configuration (and never below the configured values).
constexpr std::uint32_t verify_max_memory_kib = 1024 * 1024;  // 1 GiB
constexpr std::uint32_t verify_max_iterations = 64;
constexpr std::uint32_t verify_max_parallelism = 16;

struct PhcInfo {
  std::uint32_t version = 0;
  std::uint32_t memory_kib = 0, iterations = 0, parallelism = 0;
};

bool consume(std::string_view& s, std::string_view prefix) {
  if (s.substr(0, prefix.size()) != prefix) return false;
  s.remove_prefix(prefix.size());
  return true;
}

bool consume_number(std::string_view& s, std::uint32_t& out) {
  // from_chars refuses signs and overflow; require at least one digit.
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc{} || end == s.data()) return false;
  s.remove_prefix(static_cast<std::size_t>(end - s.data()));
  return true;
}

bool is_b64_field(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
                    c == '/';
    if (!ok) return false;
  }
  return true;
}

// Parses "$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>". libargon2 decodes the
// string again when verifying; this pass exists to read the costs (for
// needs_rehash and the caps above) and to refuse garbage without queueing.
std::optional<PhcInfo> parse_phc(std::string_view s) {
  PhcInfo info;
  if (!consume(s, "$argon2id$")) return std::nullopt;
  if (consume(s, "v=")) {
    if (!consume_number(s, info.version) || !consume(s, "$")) return std::nullopt;
  } else {
    info.version = ARGON2_VERSION_10;  // the format before v= existed
  }
  if (!consume(s, "m=") || !consume_number(s, info.memory_kib) || !consume(s, ",t=") ||
      !consume_number(s, info.iterations) || !consume(s, ",p=") || !consume_number(s, info.parallelism) ||
      !consume(s, "$")) {
    return std::nullopt;
  }
  const auto dollar = s.find('$');
  if (dollar == std::string_view::npos) return std::nullopt;
  if (!is_b64_field(s.substr(0, dollar)) || !is_b64_field(s.substr(dollar + 1))) return std::nullopt;
  return info;
}

// Resource failures mean "not now", not "wrong password": report them as
// HashingBusy so the client is told to retry rather than being refused.
[[noreturn]] void throw_for(int rc) {
  if (rc == ARGON2_MEMORY_ALLOCATION_ERROR || rc == ARGON2_THREAD_FAIL) throw HashingBusy();
  throw std::runtime_error(std::string("argon2: ") + argon2_error_message(rc));
}

// PHC strings use standard base64 without padding (memberd/base64.hpp).

argon2_context make_context(const Argon2Params& p, const void* secret, std::size_t secret_size, unsigned char* salt,
                            std::size_t salt_size, unsigned char* out, std::size_t out_size) {
  argon2_context context{};
  context.out = out;
  context.outlen = static_cast<std::uint32_t>(out_size);
  context.pwd = static_cast<std::uint8_t*>(const_cast<void*>(secret));
  context.pwdlen = static_cast<std::uint32_t>(secret_size);
  context.salt = salt;
  context.saltlen = static_cast<std::uint32_t>(salt_size);
  context.t_cost = p.iterations;
  context.m_cost = p.memory_kib;
  context.lanes = p.parallelism;
  context.threads = p.parallelism;
  context.version = ARGON2_VERSION_13;
  context.flags = ARGON2_DEFAULT_FLAGS;
  use_thread_memory(context);
  return context;
}

std::string hash_now(const Argon2Params& p, const void* secret, std::size_t secret_size) {
  if (secret_size > ARGON2_MAX_PWD_LENGTH) throw std::invalid_argument("secret too long to hash");
  std::array<unsigned char, salt_bytes> salt{};
  if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1) {
    throw std::runtime_error("RAND_bytes failed: cannot make a salt");
  }
  std::array<unsigned char, hash_bytes> hash{};
  auto context = make_context(p, secret, secret_size, salt.data(), salt.size(), hash.data(), hash.size());
  const int rc = argon2id_ctx(&context);
  if (rc != ARGON2_OK) throw_for(rc);
  std::string encoded = "$argon2id$v=19$m=" + std::to_string(p.memory_kib) + ",t=" + std::to_string(p.iterations) +
                        ",p=" + std::to_string(p.parallelism) + "$" + base64_encode(std::string_view(reinterpret_cast<const char*>(salt.data()), salt.size())) + "$" +
                        base64_encode(std::string_view(reinterpret_cast<const char*>(hash.data()), hash.size()));
  OPENSSL_cleanse(hash.data(), hash.size());
  return encoded;
}

// Checks `secret` against a parsed PHC string, in constant time (libargon2
// compares the digests itself).
int verify_now(const PhcInfo& info, std::string_view salt_b64, std::string_view hash_b64, std::string_view secret) {
  auto salt = base64_decode(salt_b64);
  auto expected = base64_decode(hash_b64);
  if (!salt || !expected || salt->size() < ARGON2_MIN_SALT_LENGTH || expected->size() < ARGON2_MIN_OUTLEN)
    return ARGON2_DECODING_FAIL;
  std::vector<unsigned char> out(expected->size());
  auto context = make_context({info.memory_kib, info.iterations, info.parallelism}, secret.data(), secret.size(),
                              reinterpret_cast<unsigned char*>(salt->data()), salt->size(), out.data(), out.size());
  context.version = info.version;
  return argon2id_verify_ctx(&context, reinterpret_cast<const char*>(expected->data()));
}

}  // namespace

PasswordHasher::PasswordHasher(Argon2Params params, std::size_t threads, std::size_t queue_capacity)
    : params_(params), thread_count_(threads), queue_capacity_(queue_capacity) {
  if (params.iterations < 1) throw std::invalid_argument("argon2 iterations must be at least 1");
  if (params.parallelism < 1 || params.parallelism > ARGON2_MAX_LANES) {
    throw std::invalid_argument("argon2 parallelism must be between 1 and 16777215");
  }
  if (params.memory_kib < 8ull * params.parallelism) {
    throw std::invalid_argument("argon2 memory_kib must be at least 8 * parallelism");
  }
  if (threads == 0) throw std::invalid_argument("password hasher needs at least one thread");

  // Random data nobody knows: verifying against it always fails, at the
  // same cost as a real account's hash.
  std::array<unsigned char, 32> unknown{};
  if (RAND_bytes(unknown.data(), static_cast<int>(unknown.size())) != 1) {
    throw std::runtime_error("RAND_bytes failed: cannot make the dummy hash");
  }
  dummy_phc_ = hash_now(params_, unknown.data(), unknown.size());
  release_thread_memory();  // this thread hashes nothing more
  OPENSSL_cleanse(unknown.data(), unknown.size());

  workers_.reserve(threads);
  try {
    for (std::size_t i = 0; i < threads; ++i) workers_.emplace_back([this] { worker_loop(); });
  } catch (...) {
    // A thread failed to start: stop the ones that did, or their std::thread
    // destructors would terminate the process.
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    for (auto& w : workers_) w.join();
    throw;
  }
}

PasswordHasher::~PasswordHasher() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& w : workers_) w.join();
}

void PasswordHasher::worker_loop() {
  // Hashing is the heaviest work the daemon does and it is never urgent to
  // the millisecond: at a lower priority it takes the CPU that requests leave
  // idle, so a sign-in flood cannot push other requests' latency up.
  setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 5);
  std::unique_lock lock(mutex_);
  bool hashed_since_trim = false;
  for (;;) {
    // Each thread keeps its Argon2id memory warm while busy (argon2_memory.hpp)
    // and returns it after a quiet spell, so an idle daemon stays small.
    if (!wake_.wait_for(lock, std::chrono::seconds(5), [this] { return stopping_ || !queue_.empty(); })) {
      if (hashed_since_trim) {
        release_thread_memory();
        hashed_since_trim = false;
      }
      continue;
    }
    // Queued jobs are finished even when stopping: their callers are waiting.
    if (queue_.empty()) return;
    hashed_since_trim = true;
    std::packaged_task<void()> task = std::move(queue_.front());
    queue_.pop_front();
    queue_depth_.store(queue_.size(), std::memory_order_relaxed);
    in_flight_.fetch_add(1, std::memory_order_relaxed);
    lock.unlock();
    task();  // exceptions land in the caller's future
    lock.lock();
  }
}

void PasswordHasher::run_on_pool(std::function<void()> job) {
  // in_flight_ drops inside the task, before the future becomes ready, so a
  // caller that got its answer never sees its own job still counted.
  std::packaged_task<void()> task([this, job = std::move(job)] {
    struct Done {
      std::atomic<std::size_t>& n;
      ~Done() { n.fetch_sub(1, std::memory_order_relaxed); }
    } done{in_flight_};
    job();
  });
  std::future<void> result = task.get_future();
  {
    std::lock_guard lock(mutex_);
    // Admitted = running + queued. A queued job that a free thread is about
    // to take is not "waiting", so the limit is threads + capacity in all.
    // (in_flight_ only grows under this mutex; it may drop concurrently,
    // which errs on the side of admitting.)
    if (stopping_ || queue_.size() + in_flight_.load(std::memory_order_relaxed) >= thread_count_ + queue_capacity_) {
      throw HashingBusy();
    }
    queue_.push_back(std::move(task));
    queue_depth_.store(queue_.size(), std::memory_order_relaxed);
  }
  wake_.notify_one();
  // The hash takes this thread's core no more: a queued request may run.
  BlockingRegion waiting;
  result.get();
}

std::string PasswordHasher::hash(std::string_view secret) {
  // The job reads the caller's buffer in place (the caller waits for it), so
  // no copy of the secret is made that would need wiping.
  std::string out;
  run_on_pool([&] { out = hash_now(params_, secret.data(), secret.size()); });
  return out;
}

bool PasswordHasher::verify(std::string_view phc, std::string_view secret) {
  const auto info = parse_phc(phc);
  if (!info) return false;
  if (info->memory_kib > std::max(verify_max_memory_kib, params_.memory_kib) ||
      info->iterations > std::max(verify_max_iterations, params_.iterations) ||
      info->parallelism > std::max(verify_max_parallelism, params_.parallelism)) {
    return false;
  }
  if (secret.size() > ARGON2_MAX_PWD_LENGTH) return false;
  // "$argon2id$v=..$m=..,t=..,p=..$<salt>$<hash>": the last two fields.
  const auto hash_start = phc.rfind('$');
  const auto salt_start = phc.rfind('$', hash_start - 1);
  const auto salt_b64 = phc.substr(salt_start + 1, hash_start - salt_start - 1);
  const auto hash_b64 = phc.substr(hash_start + 1);
  bool match = false;
  run_on_pool([&] {
    const int rc = verify_now(*info, salt_b64, hash_b64, secret);
    if (rc == ARGON2_MEMORY_ALLOCATION_ERROR || rc == ARGON2_THREAD_FAIL) throw HashingBusy();
    match = rc == ARGON2_OK;  // mismatch and any decoding error alike: "no"
  });
  return match;
}

void PasswordHasher::verify_dummy(std::string_view secret) { (void)verify(dummy_phc_, secret); }

bool PasswordHasher::needs_rehash(std::string_view phc) const {
  const auto info = parse_phc(phc);
  if (!info) return true;
  return info->version != ARGON2_VERSION_13 || info->memory_kib != params_.memory_kib ||
         info->iterations != params_.iterations || info->parallelism != params_.parallelism;
}

}  // namespace memberd
