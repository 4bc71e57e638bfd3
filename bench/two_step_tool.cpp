// What bench/two_step.sh measures that wrk cannot drive (each request needs
// a code computed now, or a signature):
//
//   memberd-bench-two-step BASE_URL MEMBERS SECONDS THREADS
//
// against a daemon with credentials and two_step whose http.public_url is
// https://bench.example. It joins MEMBERS members, then measures, each for
// SECONDS with THREADS client threads on keep-alive connections:
//   1. password sign-ins (Argon2id), members without two-step;
//   2. the same members turn on an app (TOTP), and: password steps that
//      answer 202, then the second steps alone, fired from the challenges
//      the first phase collected (each member's codes of the step before,
//      now and after: each code is accepted once);
//   3. passkey sign-ins alone (options, then the signed answer; ES256).
// Prints requests/s and p50/p99 per flow, and what two-step adds to a
// password sign-in.
#include "test_authenticator.hpp"
#include "totp.hpp"

#include <memberd/base64.hpp>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

const std::string kPassword = "bench two-step passphrase 2026";
const std::string kOrigin = "https://bench.example";

struct Member {
  std::string email, token, secret;  // secret: raw TOTP bytes
  std::int64_t confirmed_step = 0;     // the TOTP step its confirmation used
  std::unique_ptr<memberd::test::two_step::TestAuthenticator> key;
  std::uint32_t counter = 0;
};

httplib::Result post(httplib::Client& c, const std::string& path, const json& body, const std::string& token = {}) {
  httplib::Headers h;
  if (!token.empty()) h.emplace("Authorization", "Bearer " + token);
  return c.Post(path, h, body.dump(), "application/json");
}

[[noreturn]] void die(const std::string& what, const httplib::Result& r) {
  std::cerr << "bench: " << what << ": " << (r ? std::to_string(r->status) + " " + r->body : "no answer") << "\n";
  std::exit(1);
}

struct Latencies {
  std::mutex mutex;
  std::vector<double> ms;
  std::atomic<long> errors{0};
  void add(double v) {
    std::lock_guard lock(mutex);
    ms.push_back(v);
  }
  std::string line(double seconds) {
    std::sort(ms.begin(), ms.end());
    auto at = [&](double q) { return ms.empty() ? 0.0 : ms[std::min(ms.size() - 1, static_cast<std::size_t>(q * ms.size()))]; };
    char out[160];
    std::snprintf(out, sizeof out, "%8.1f /s  p50 %7.2f ms  p99 %7.2f ms  (%zu done, %ld errors)", ms.size() / seconds,
                  at(0.5), at(0.99), ms.size(), errors.load());
    return out;
  }
};

double since_ms(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

// Runs `one(thread, client)` on THREADS threads until SECONDS pass; returns the seconds it took.
template <typename F>
double for_a_while(const std::string& base, int threads, int seconds, F one) {
  auto end = Clock::now() + std::chrono::seconds(seconds);
  auto start = Clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      httplib::Client c(base);
      c.set_keep_alive(true);
      while (Clock::now() < end)
        if (!one(t, c)) break;
    });
  for (auto& th : pool) th.join();
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::cerr << "usage: memberd-bench-two-step BASE_URL MEMBERS SECONDS THREADS\n";
    return 64;
  }
  std::string base = argv[1];
  int members_wanted = std::stoi(argv[2]), seconds = std::stoi(argv[3]), threads = std::stoi(argv[4]);
  httplib::Client c(base);
  c.set_keep_alive(true);
  std::vector<Member> members(static_cast<std::size_t>(members_wanted));
  for (std::size_t i = 0; i < members.size(); ++i) {
    auto& m = members[i];
    m.email = "two-step-" + std::to_string(i) + "@bench.example";
    auto joined = post(c, "/api/v1/members", {{"email", m.email}, {"email_confirm", m.email}, {"password", kPassword},
                                              {"password_confirm", kPassword}});
    if (!joined || joined->status != 201) die("join", joined);
  }

  // 1. Password sign-ins (no two-step yet).
  Latencies password;
  std::atomic<std::size_t> next{0};
  double took = for_a_while(base, threads, seconds, [&](int, httplib::Client& cl) {
    auto& m = members[next++ % members.size()];
    auto t = Clock::now();
    auto r = post(cl, "/api/v1/session", {{"email", m.email}, {"password", kPassword}});
    if (!r || r->status != 201) { ++password.errors; return true; }
    password.add(since_ms(t));
    if (m.token.empty()) m.token = json::parse(r->body)["token"];
    return true;
  });
  std::cout << "password sign-in (Argon2id)           " << password.line(took) << "\n";

  // Every member turns on an app.
  for (auto& m : members) {
    auto s = post(c, "/api/v1/session", {{"email", m.email}, {"password", kPassword}});
    if (!s || s->status != 201) die("sign in", s);
    m.token = json::parse(s->body)["token"];
    auto started = post(c, "/api/v1/me/two-step/app", {{"password", kPassword}}, m.token);
    if (!started || started->status != 201) die("app", started);
    std::string text = json::parse(started->body)["otpauth_uri"];
    auto at = text.find("secret=") + 7;
    std::string b32 = text.substr(at, text.find('&', at) - at);
    // base32 back to bytes.
    std::string raw;
    unsigned buffer = 0;
    int bits = 0;
    for (char ch : b32) {
      int v = ch >= 'A' && ch <= 'Z' ? ch - 'A' : ch - '2' + 26;
      buffer = (buffer << 5) | static_cast<unsigned>(v);
      bits += 5;
      if (bits >= 8) {
        raw += static_cast<char>((buffer >> (bits - 8)) & 0xff);
        bits -= 8;
      }
    }
    m.secret = raw;
    // The step before now (a boundary may pass between here and the daemon:
    // then the current one).
    for (std::int64_t back : {1, 0}) {
      m.confirmed_step = unix_now() / 30 - back;
      auto confirmed = post(c, "/api/v1/me/two-step/app/confirm",
                            {{"code", memberd::two_step::totp_code(m.secret, m.confirmed_step)}}, m.token);
      if (confirmed && confirmed->status == 200) break;
      if (back == 0) die("confirm", confirmed);
    }
  }

  // 2a. The password step, now answering 202; the challenges are kept.
  struct Pending {
    std::size_t member;
    std::string challenge;
  };
  std::mutex pending_mutex;
  std::vector<Pending> pending;
  Latencies first_step;
  next = 0;
  // Each member's codes of the step now and the next (the one before may be
  // the confirmation's): at most two sign-ins each.
  std::size_t most = members.size() * 2;
  took = for_a_while(base, threads, seconds, [&](int, httplib::Client& cl) {
    std::size_t n = next++;
    if (n >= most) return false;
    auto& m = members[n % members.size()];
    auto t = Clock::now();
    auto r = post(cl, "/api/v1/session", {{"email", m.email}, {"password", kPassword}});
    if (!r || r->status != 202) { ++first_step.errors; return true; }
    first_step.add(since_ms(t));
    std::lock_guard lock(pending_mutex);
    pending.push_back({n % members.size(), json::parse(r->body)["second_step"]["challenge"]});
    return true;
  });
  std::cout << "password step answering 202            " << first_step.line(took) << "\n";

  // 2b. The second steps alone: each member's steps now and after, in that order.
  std::vector<int> uses(members.size(), 0);
  std::int64_t step = unix_now() / 30;
  Latencies second;
  auto started_at = Clock::now();
  std::vector<std::thread> pool;
  std::vector<std::vector<Pending>> per_thread(static_cast<std::size_t>(threads));
  // A member's codes are used in order (a later step first would spend the earlier ones):
  // one member's challenges go to one thread.
  for (auto& p : pending) per_thread[p.member % per_thread.size()].push_back(p);
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      httplib::Client cl(base);
      cl.set_keep_alive(true);
      for (auto& p : per_thread[static_cast<std::size_t>(t)]) {
        int use = uses[p.member]++;
        // Steps after the confirmation's, within one of now.
        std::int64_t first = std::max(step, members[p.member].confirmed_step + 1);
        std::string code = memberd::two_step::totp_code(members[p.member].secret, first + use);
        auto at = Clock::now();
        auto r = post(cl, "/api/v1/session/second-step", {{"challenge", p.challenge}, {"method", "totp"}, {"code", code}});
        if (!r || r->status != 201) { ++second.errors; continue; }
        second.add(since_ms(at));
      }
    });
  for (auto& th : pool) th.join();
  double second_took = std::chrono::duration<double>(Clock::now() - started_at).count();
  std::cout << "TOTP second step alone                 " << second.line(second_took) << "\n";
  std::sort(first_step.ms.begin(), first_step.ms.end());
  std::sort(second.ms.begin(), second.ms.end());
  std::sort(password.ms.begin(), password.ms.end());
  auto q = [](const std::vector<double>& v, double f) { return v.empty() ? 0.0 : v[std::min(v.size() - 1, std::size_t(f * v.size()))]; };
  std::printf("what two-step adds to a password sign-in: p50 +%.2f ms (%.2f -> %.2f), p99 +%.2f ms (%.2f -> %.2f)\n",
              q(first_step.ms, 0.5) + q(second.ms, 0.5) - q(password.ms, 0.5), q(password.ms, 0.5),
              q(first_step.ms, 0.5) + q(second.ms, 0.5), q(first_step.ms, 0.99) + q(second.ms, 0.99) - q(password.ms, 0.99),
              q(password.ms, 0.99), q(first_step.ms, 0.99) + q(second.ms, 0.99));

  // 3. Passkeys alone: members of their own add one each (their first
  // factor), then sign in with it: options, then the signed answer.
  std::vector<Member> holders(std::min<std::size_t>(members.size(), 50));
  for (std::size_t i = 0; i < holders.size(); ++i) {
    auto& m = holders[i];
    m.email = "passkey-" + std::to_string(i) + "@bench.example";
    auto joined = post(c, "/api/v1/members", {{"email", m.email}, {"email_confirm", m.email}, {"password", kPassword},
                                              {"password_confirm", kPassword}});
    if (!joined || joined->status != 201) die("join", joined);
    auto s = post(c, "/api/v1/session", {{"email", m.email}, {"password", kPassword}});
    if (!s || s->status != 201) die("sign in", s);
    m.token = json::parse(s->body)["token"];
    auto options = post(c, "/api/v1/me/two-step/passkeys/options", {{"password", kPassword}}, m.token);
    if (!options || options->status != 200) die("passkey options", options);
    auto o = json::parse(options->body)["publicKey"];
    m.key = std::make_unique<memberd::test::two_step::TestAuthenticator>("bench.example");
    m.key->user_handle = *memberd::base64_decode(o["user"]["id"].get<std::string>());
    auto added = post(c, "/api/v1/me/two-step/passkeys", {{"name", "bench"}, {"credential", m.key->create(o["challenge"], kOrigin)}},
                      m.token);
    if (!added || added->status != 201) die("add passkey", added);
  }
  Latencies passkey, verify;
  next = 0;
  std::vector<std::mutex> holder_locks(holders.size());
  took = for_a_while(base, threads, seconds, [&](int, httplib::Client& cl) {
    std::size_t i = next++ % holders.size();
    std::lock_guard lock(holder_locks[i]);  // one authenticator's counter moves in order
    auto& m = holders[i];
    auto t = Clock::now();
    auto options = cl.Post("/api/v1/session/passkey/options");
    if (!options || options->status != 200) {
      if (passkey.errors++ == 0) std::cerr << "bench: first options refusal: " << (options ? options->body : "no answer") << "\n";
      return true;
    }
    std::string challenge = json::parse(options->body)["publicKey"]["challenge"];
    auto answer = m.key->get(challenge, kOrigin, ++m.counter);
    auto v = Clock::now();
    auto r = post(cl, "/api/v1/session/passkey", {{"credential", answer}});
    if (!r || r->status != 201) {
      if (passkey.errors++ == 0) std::cerr << "bench: first passkey refusal: " << (r ? r->body : "no answer") << "\n";
      return true;
    }
    verify.add(since_ms(v));
    passkey.add(since_ms(t));
    return true;
  });
  std::cout << "passkey sign-in (options + answer)     " << passkey.line(took) << "\n";
  std::cout << "passkey answer checked (ES256)         " << verify.line(took) << "\n";
  return 0;
}
