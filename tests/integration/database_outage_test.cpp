// When the database fails, members get 503 `unavailable` with Retry-After —
// never a 500 — the operator gets one log line for the outage and one when
// it ends, and everything works again once the database is back (issue 26,
// F4/F6). PostgreSQL is stopped under load (a server of the test's own:
// the run's shared one serves the other tests).
#include "support/daemon_process.hpp"
#include "support/throwaway_postgres.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

using memberd::test::DaemonOptions;
using memberd::test::DaemonProcess;
using memberd::test::env_or_fail;
using memberd::test::ThrowawayPostgres;
using nlohmann::json;

namespace {

int count_of(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// One answer as a client saw it.
struct Answer {
  int phase;
  std::string request;
  int status;  // 0: no answer at all
  std::string type, retry_after;
};

// Clients sending reads and writes in a loop, each answer tagged with the
// phase the test was in when the request left.
class Load {
 public:
  Load(const DaemonProcess& daemon, std::string token) : daemon_(daemon), token_(std::move(token)) {}
  ~Load() { stop(); }

  void start(int clients) {
    for (int c = 0; c < clients; ++c) threads_.emplace_back([this, c] { run(c); });
  }
  void stop() {
    done_ = true;
    for (auto& t : threads_) t.join();
    threads_.clear();
  }
  void phase(int p) { phase_ = p; }
  std::vector<Answer> answers() {
    std::lock_guard lock(mutex_);
    return answers_;
  }

 private:
  void run(int client) {
    auto http = daemon_.http();
    http->set_read_timeout(20, 0);
    httplib::Headers auth{{"Authorization", "Bearer " + token_}};
    for (int i = client; !done_; ++i) {
      int phase = phase_;
      std::string request;
      auto send = [&]() -> httplib::Result {
        switch (i % 4) {
          case 0:  // a plugin's own SOCI statement (a throw on a dead connection)
            request = "GET /api/v1/swapper/seen";
            return http->Get("/api/v1/swapper/seen");
          case 1:  // the session lookup (identify), cache off
            request = "GET /api/v1/session";
            return http->Get("/api/v1/session", auth);
          case 2:  // a write transaction through host services: session, event, mail
            request = "POST /api/v1/swapper/atomic";
            return http->Post("/api/v1/swapper/atomic", auth, "{}", "application/json");
          default:  // a write outside a transaction (the outbox)
            request = "POST /api/v1/swapper/mail";
            return http->Post("/api/v1/swapper/mail", auth, R"({"subject":"s","text":"t"})", "application/json");
        }
      };
      auto r = send();
      Answer a{phase, request, r ? r->status : 0, "", ""};
      if (r) {
        auto body = json::parse(r->body, nullptr, false);
        if (body.is_object() && body.contains("type")) a.type = body["type"].get<std::string>();
        a.retry_after = r->get_header_value("Retry-After");
      }
      std::lock_guard lock(mutex_);
      answers_.push_back(std::move(a));
    }
  }

  const DaemonProcess& daemon_;
  std::string token_;
  std::atomic<bool> done_{false};
  std::atomic<int> phase_{0};
  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::vector<Answer> answers_;
};

enum Phase { before = 0, stopping = 1, down = 2, restarting = 3, back = 4 };

bool is_unavailable(const Answer& a) {
  return a.status == 503 && a.type == "urn:memberd:problem:unavailable" && !a.retry_after.empty();
}

}  // namespace

TEST_CASE("PostgreSQL stopped under load: 503 unavailable with Retry-After, one log line, then back",
          "[storage][outage][postgresql]") {
  auto mode = GENERATE(as<std::string>{}, "fast", "immediate");
  INFO("pg_ctl stop -m " << mode);
  ThrowawayPostgres postgres;
  // No session cache: every request reads the database.
  DaemonOptions options{"postgresql", {"sessions.cache_ttl=0s"}, env_or_fail("MEMBERD_FIXTURE_PLUGINS_DIR"),
                        {"swapper"}};
  options.database_url = postgres.url();
  DaemonProcess daemon(options);
  auto token = daemon.admin_token();

  Load load(daemon, token);
  load.start(4);
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  load.phase(stopping);
  postgres.stop(mode);
  load.phase(down);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  // Readiness says what is missing meanwhile.
  auto ready = daemon.http()->Get("/readyz");
  REQUIRE(ready);
  CHECK(ready->status == 503);
  CHECK(ready->get_header_value("Retry-After") != "");
  CHECK(DaemonProcess::json(ready)["missing"] == json::array({"database"}));
  load.phase(restarting);
  postgres.start();
  // Back within a few seconds: the pool reconnects on the next lease.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  for (;;) {
    auto r = daemon.http()->Get("/api/v1/swapper/seen");
    REQUIRE(r);
    if (r->status == 200) break;
    if (std::chrono::steady_clock::now() > deadline) FAIL("the daemon did not recover: " << r->status << " " << r->body);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  load.phase(back);
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  load.stop();

  std::map<int, int> answered, refused;
  for (const auto& a : load.answers()) {
    INFO("phase " << a.phase << ": " << a.request << " -> " << a.status << " " << a.type << " Retry-After "
                  << a.retry_after);
    ++answered[a.phase];
    CHECK(a.status != 500);
    CHECK(a.status != 0);
    if (a.phase == before || a.phase == back) CHECK(a.status / 100 == 2);
    if (a.phase == down) CHECK(is_unavailable(a));
    if (a.phase == stopping || a.phase == restarting) CHECK((a.status / 100 == 2 || is_unavailable(a)));
    if (is_unavailable(a)) ++refused[a.phase];
  }
  WARN("answers before/stopping/down/restarting/back: " << answered[before] << "/" << answered[stopping] << "/"
                                                         << answered[down] << "/" << answered[restarting] << "/"
                                                         << answered[back] << "; 503 unavailable while down: "
                                                         << refused[down] << " of " << answered[down]);
  CHECK(answered[before] > 20);
  CHECK(answered[down] > 20);
  CHECK(answered[back] > 20);

  // One line when it began, one when it ended; not one per request.
  auto log = daemon.output();
  CHECK(count_of(log, "database unavailable") == 1);
  CHECK(count_of(log, "database back after") == 1);
  CHECK(count_of(log, "handler failed") == 0);
  CHECK(count_of(log, "host call failed") == 0);
  // Nor a line per pass from the background loops (events, mail, housekeeping).
  INFO(log);
  CHECK(count_of(log, "ERROR [") == 1);
  CHECK(count_of(log, "WARN  [") == 0);
  auto metrics = daemon.unix_socket()->Get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->body.find("memberd_db_unavailable_total{cause=") != std::string::npos);
  CHECK(metrics->body.find("memberd_db_outage 0") != std::string::npos);
}
