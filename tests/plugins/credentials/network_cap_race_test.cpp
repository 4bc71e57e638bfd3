// The per-network failure cap under parallel guesses (issue 27, M6): a guess
// is counted for its network before its password is hashed, so a burst of
// parallel guesses from one address gets no more checks than the cap allows,
// on one daemon and on several sharing one PostgreSQL. Every guess names an
// address nobody owns, so no account lock is involved: only the network cap
// stands between the burst and the hashing pool.
#include "support/credentials_client.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

using memberd::test::DaemonOptions;
using memberd::test::DaemonProcess;
using memberd::test::ScratchPostgres;
using namespace memberd::test::credentials;
using nlohmann::json;

namespace {

constexpr int kCap = 20;  // credentials.address_failures_per_minute's default
constexpr int kGuesses = 100;

// Sends kGuesses wrong sign-ins at once from 127.0.0.1, spread over
// `daemons` in turn; returns how many got each status.
std::map<int, int> burst(const std::vector<const DaemonProcess*>& daemons) {
  std::mutex mutex;
  std::map<int, int> statuses;
  std::atomic<int> ready{0};
  std::vector<std::thread> guessers;
  for (int i = 0; i < kGuesses; ++i)
    guessers.emplace_back([&, i] {
      httplib::Client client("127.0.0.1", daemons[static_cast<std::size_t>(i) % daemons.size()]->port());
      client.set_read_timeout(60, 0);
      ++ready;
      while (ready < kGuesses) std::this_thread::yield();
      auto email = "nobody" + std::to_string(i) + "@example.com";
      auto res = client.Post("/api/v1/session", json{{"email", email}, {"password", kWrongPassword}}.dump(),
                             "application/json");
      std::lock_guard lock(mutex);
      ++statuses[res ? res->status : -1];
    });
  for (auto& t : guessers) t.join();
  return statuses;
}

std::string describe(std::map<int, int>& statuses) {
  return "401: " + std::to_string(statuses[401]) + ", 429: " + std::to_string(statuses[429]) +
         ", 503: " + std::to_string(statuses[503]) + ", no answer: " + std::to_string(statuses[-1]);
}

}  // namespace

TEST_CASE("a hundred parallel guesses from one address get no more checks than the network cap",
          "[credentials][sign_in][rate_limit][race]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess daemon(options(backend));

  auto statuses = burst({&daemon});
  INFO(describe(statuses));
  // A 401 is a password that was hashed and found wrong; every other answer
  // was refused before its hash.
  CHECK(statuses[401] <= kCap);
  CHECK(statuses[401] >= 1);
  CHECK(statuses[401] + statuses[429] + statuses[503] == kGuesses);
  CHECK(statuses[429] >= kGuesses - kCap - statuses[503]);
  // The network is over its cap now, for any account.
  CHECK_PROBLEM(sign_in_raw(daemon, "nobody0@example.com", kWrongPassword), 429, "rate_limited");
}

TEST_CASE("two daemons on one PostgreSQL share the network cap under parallel guesses",
          "[credentials][sign_in][rate_limit][race][postgresql]") {
  ScratchPostgres database;
  auto on_shared_database = [&] {
    DaemonOptions o = options("postgresql");
    o.database_url = database.url();
    return o;
  };
  DaemonProcess first(on_shared_database());
  DaemonProcess second(on_shared_database());

  auto statuses = burst({&first, &second});
  INFO(describe(statuses));
  CHECK(statuses[401] <= kCap);
  CHECK(statuses[401] >= 1);
  CHECK(statuses[401] + statuses[429] + statuses[503] == kGuesses);
  CHECK_PROBLEM(sign_in_raw(first, "nobody1@example.com", kWrongPassword), 429, "rate_limited");
  CHECK_PROBLEM(sign_in_raw(second, "nobody2@example.com", kWrongPassword), 429, "rate_limited");
}

TEST_CASE("right passwords give back the failure their check was counted as", "[credentials][sign_in][rate_limit]") {
  DaemonProcess daemon(options("sqlite", {"credentials.address_failures_per_minute=3"}));
  join(daemon, "pia@example.com");
  // Far more right passwords than the cap: each is counted before its check
  // and given back after it.
  for (int i = 0; i < 10; ++i) CHECK_STATUS(sign_in_raw(daemon, "pia@example.com", kPassword), 201);
  for (int i = 0; i < 3; ++i)
    CHECK_PROBLEM(sign_in_raw(daemon, "ghost" + std::to_string(i) + "@example.com", kWrongPassword), 401,
                  "bad_credentials");
  CHECK_PROBLEM(sign_in_raw(daemon, "ghost9@example.com", kWrongPassword), 429, "rate_limited");
}
