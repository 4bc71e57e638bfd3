// The bounded hashing pool under a sign-in flood: past its queue a sign-in
// gets 503 + Retry-After at once, and requests that hash nothing stay served.
#include "support/credentials_client.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

using memberd::test::DaemonProcess;
using namespace memberd::test::credentials;

TEST_CASE("a sign-in flood past the hashing queue gets 503 and Retry-After", "[credentials][hashing]") {
  // One hashing thread, one waiting slot, and hashes slow enough to pile up.
  // (passwords.* set after options(): the last --set wins.)
  DaemonProcess daemon(options("sqlite", {"passwords.hashing_threads=1", "passwords.hashing_queue=1",
                                          "passwords.argon2_memory_kib=65536", "passwords.argon2_iterations=3"}));
  auto account = join(daemon, "flood@example.com");
  auto session = sign_in(daemon, account);

  std::atomic<int> signed_in{0}, refused{0}, other{0}, retry_after_ok{0};
  std::vector<std::thread> flood;
  for (int i = 0; i < 8; ++i)
    flood.emplace_back([&] {
      for (int round = 0; round < 3; ++round) {
        auto res = sign_in_raw(daemon, "flood@example.com", kPassword);
        int status = status_of(res);
        if (status == 201) ++signed_in;
        else if (status == 503) {
          ++refused;
          if (retry_after(res) >= 1 && problem_type(res) == "urn:memberd:problem:busy") ++retry_after_ok;
        } else {
          ++other;
        }
      }
    });
  // Reads hash nothing: they are answered while the pool is saturated.
  int reads_ok = 0;
  for (int i = 0; i < 20; ++i) reads_ok += status_of(me_raw(daemon, session.token)) == 200;
  for (auto& t : flood) t.join();

  CHECK(signed_in > 0);
  CHECK(refused > 0);
  CHECK(retry_after_ok == refused.load());
  CHECK(other == 0);
  CHECK(reads_ok == 20);
  // A refused sign-in is not a failed one: the account is not locked.
  CHECK(status_of(sign_in_raw(daemon, "flood@example.com", kPassword)) == 201);
}
