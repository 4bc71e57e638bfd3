#include "auth/password_hasher.hpp"

#include <memberd/host.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <regex>
#include <string>
#include <thread>
#include <vector>

using memberd::Argon2Params;
using memberd::HashingBusy;
using memberd::PasswordHasher;

namespace {

// Small costs keep the suite fast; the format and logic do not depend on them.
const Argon2Params fast{8192, 1, 1};
// Slow enough (~100 ms) that concurrent callers surely overlap one hash.
const Argon2Params slow{32768, 3, 1};

// Waits until `cond` holds; false after `limit` so a broken pool fails the
// test instead of hanging it.
template <class Cond>
bool eventually(Cond cond, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!cond()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  return true;
}

}  // namespace

TEST_CASE("hash produces an argon2id PHC string with the configured params") {
  PasswordHasher hasher(fast, 1, 4);
  const std::string phc = hasher.hash("correct horse battery staple");
  // 16-byte salt -> 22 base64 chars, 32-byte hash -> 43, no padding.
  const std::regex format(R"(^\$argon2id\$v=19\$m=8192,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$)");
  CHECK(std::regex_match(phc, format));
  CHECK(hasher.hash("correct horse battery staple") != phc);  // fresh salt each time
}

TEST_CASE("verify round-trips and refuses a wrong secret") {
  PasswordHasher hasher(fast, 2, 4);
  const std::string phc = hasher.hash("s3cret pass");
  CHECK(hasher.verify(phc, "s3cret pass"));
  CHECK_FALSE(hasher.verify(phc, "s3cret pasS"));
  CHECK_FALSE(hasher.verify(phc, ""));
  CHECK_FALSE(hasher.verify(phc, std::string("s3cret pass\0", 12)));

  const std::string empty = hasher.hash("");
  CHECK(hasher.verify(empty, ""));
  CHECK_FALSE(hasher.verify(empty, "x"));
  CHECK(hasher.queue_depth() == 0);
  CHECK(hasher.in_flight() == 0);
}

TEST_CASE("verify uses the params in the string, not the configured ones") {
  PasswordHasher old_hasher(fast, 1, 1);
  const std::string phc = old_hasher.hash("pw");
  PasswordHasher new_hasher(Argon2Params{8192, 2, 1}, 1, 1);
  CHECK(new_hasher.verify(phc, "pw"));
  CHECK(new_hasher.needs_rehash(phc));
  CHECK_FALSE(old_hasher.needs_rehash(phc));
}

TEST_CASE("verify is false for malformed PHC strings and does not throw") {
  PasswordHasher hasher(fast, 1, 4);
  const std::string good = hasher.hash("pw");

  std::vector<std::string> bad = {
      "",
      "garbage",
      "$argon2id$",
      "$argon2i" + good.substr(9),              // another Argon2 type
      "$argon2d" + good.substr(9),
      good.substr(0, good.size() - 1),          // truncated hash
      good.substr(0, good.rfind('$')),          // no hash at all
      good + "$extra",
      good + "=",
      "$argon2id$v=19$m=8192,t=1$" + good.substr(good.find("p=1$") + 4),  // missing p
      "$argon2id$v=19$m=-1,t=1,p=1" + good.substr(good.find("p=1$") + 3),
      "$argon2id$v=19$m=99999999999,t=1,p=1" + good.substr(good.find("p=1$") + 3),
      // Costs nobody configures: refused before libargon2 tries to allocate 4 TiB.
      "$argon2id$v=19$m=4294967295,t=1,p=1" + good.substr(good.find("p=1$") + 3),
      "$argon2id$v=19$m=8192,t=4294967295,p=1" + good.substr(good.find("p=1$") + 3),
      std::string(good).insert(20, 1, '\0'),
  };
  // A flipped character inside the hash is well-formed but wrong.
  std::string flipped = good;
  flipped[flipped.size() - 5] = flipped[flipped.size() - 5] == 'A' ? 'B' : 'A';
  bad.push_back(flipped);

  for (const auto& phc : bad) {
    INFO(phc);
    bool ok = true;
    CHECK_NOTHROW(ok = hasher.verify(phc, "pw"));
    CHECK_FALSE(ok);
  }
  CHECK(hasher.verify(good, "pw"));
}

TEST_CASE("needs_rehash compares version, m, t and p") {
  PasswordHasher hasher(fast, 1, 1);
  const std::string phc = hasher.hash("pw");
  CHECK_FALSE(hasher.needs_rehash(phc));
  const std::string rest = phc.substr(phc.find("p=1$") + 3);  // "$salt$hash"
  CHECK(hasher.needs_rehash("$argon2id$v=19$m=19456,t=1,p=1" + rest));
  CHECK(hasher.needs_rehash("$argon2id$v=19$m=8192,t=2,p=1" + rest));
  CHECK(hasher.needs_rehash("$argon2id$v=19$m=8192,t=1,p=2" + rest));
  CHECK(hasher.needs_rehash("$argon2id$v=16$m=8192,t=1,p=1" + rest));
  CHECK(hasher.needs_rehash("$argon2id$m=8192,t=1,p=1" + rest));  // pre-v= format is version 16
  CHECK(hasher.needs_rehash("$argon2i$v=19$m=8192,t=1,p=1" + rest));
  CHECK(hasher.needs_rehash("not a hash"));
  CHECK_FALSE(hasher.needs_rehash("$argon2id$v=19$m=8192,t=1,p=1" + rest));
}

TEST_CASE("verify_dummy runs a real verification and fails quietly") {
  PasswordHasher hasher(fast, 1, 1);
  CHECK_NOTHROW(hasher.verify_dummy("anything"));
  CHECK_NOTHROW(hasher.verify_dummy(""));
  CHECK(hasher.in_flight() == 0);
}

TEST_CASE("constructor refuses impossible settings") {
  CHECK_THROWS_AS(PasswordHasher(Argon2Params{8192, 0, 1}, 1, 1), std::invalid_argument);
  CHECK_THROWS_AS(PasswordHasher(Argon2Params{8192, 1, 0}, 1, 1), std::invalid_argument);
  CHECK_THROWS_AS(PasswordHasher(Argon2Params{7, 1, 1}, 1, 1), std::invalid_argument);
  CHECK_THROWS_AS(PasswordHasher(fast, 0, 1), std::invalid_argument);
}

TEST_CASE("a full queue refuses at once with HashingBusy, the rest succeed") {
  PasswordHasher hasher(slow, 1, 1);  // one running + one waiting at most
  constexpr int callers = 6;
  std::atomic<int> ready{0}, busy{0}, done{0}, wrong{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < callers; ++i) {
    threads.emplace_back([&, i] {
      const std::string secret = "secret-" + std::to_string(i);
      ++ready;
      while (ready.load() < callers) std::this_thread::yield();  // start together
      try {
        const std::string phc = hasher.hash(secret);
        if (phc.rfind("$argon2id$v=19$m=32768,t=3,p=1$", 0) != 0) ++wrong;
        ++done;
      } catch (const HashingBusy&) {
        ++busy;
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(busy.load() >= 1);
  CHECK(done.load() >= 1);
  CHECK(busy.load() + done.load() == callers);
  CHECK(wrong.load() == 0);
  CHECK(hasher.queue_depth() == 0);
  CHECK(hasher.in_flight() == 0);
}

TEST_CASE("queue_depth and in_flight count running and waiting jobs, capacity is exact") {
  PasswordHasher hasher(slow, 1, 1);
  std::thread first([&] { (void)hasher.hash("one"); });
  REQUIRE(eventually([&] { return hasher.in_flight() == 1; }));
  std::thread second([&] { (void)hasher.hash("two"); });
  const bool queued = eventually([&] { return hasher.queue_depth() == 1; });
  if (queued && hasher.in_flight() == 1) {
    // One running, one waiting: a third must be refused without waiting.
    const auto t0 = std::chrono::steady_clock::now();
    CHECK_THROWS_AS(hasher.hash("three"), HashingBusy);
    CHECK_THROWS_AS(hasher.verify("$argon2id$v=19$m=8192,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g", "x"), HashingBusy);
    CHECK_THROWS_AS(hasher.verify_dummy("x"), HashingBusy);
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(50));
  } else {
    WARN("machine too slow to hold a job in the queue; busy path not exercised here");
  }
  first.join();
  second.join();
  CHECK(hasher.queue_depth() == 0);
  CHECK(hasher.in_flight() == 0);
  CHECK(hasher.verify(hasher.hash("again"), "again"));  // the pool still works
}

TEST_CASE("queue_capacity 0 admits only as many calls as there are threads") {
  PasswordHasher hasher(slow, 1, 0);
  CHECK(hasher.verify(hasher.hash("solo"), "solo"));  // an idle thread takes it
  std::thread first([&] { (void)hasher.hash("one"); });
  REQUIRE(eventually([&] { return hasher.in_flight() == 1; }));
  CHECK_THROWS_AS(hasher.hash("two"), HashingBusy);
  first.join();
}

TEST_CASE("destruction is clean with idle and recently busy pools") {
  { PasswordHasher idle(fast, 3, 2); }
  {
    PasswordHasher used(fast, 2, 8);
    std::atomic<int> ok{0};  // Catch2 assertions are not thread-safe: count, check after
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i) threads.emplace_back([&] { ok += used.verify(used.hash("x"), "x") ? 1 : 0; });
    for (auto& t : threads) t.join();
    CHECK(ok.load() == 4);
  }
}
