// Several daemons on one PostgreSQL behave as one service (issue 30): a
// session ended through one daemon is refused by every other within 100 ms,
// although each keeps checked sessions in memory for a minute here
// (sessions.cache_ttl=60s): the change travels by LISTEN/NOTIFY, not by the
// cache running out.
#include "support/daemon_process.hpp"
#include "support/throwaway_postgres.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <soci/soci.h>

#include <csignal>
#include <set>
#include <thread>

using namespace memberd::test;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

httplib::Headers bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

// A daemon of the cluster on the PostgreSQL database at `url`.
DaemonOptions on(const std::string& url) {
  DaemonOptions options;
  options.backend = "postgresql";
  options.database_url = url;
  options.sets = {"sessions.cache_ttl=60s"};
  options.plugins = {"credentials"};
  return options;
}

// Asks each daemon for the session until all of them refuse it; how long
// that took from the first question, or nullopt past `limit`.
std::optional<std::chrono::milliseconds> refused_everywhere(const std::vector<DaemonProcess*>& daemons,
                                                            const std::string& token,
                                                            std::chrono::milliseconds limit = 2000ms) {
  auto start = std::chrono::steady_clock::now();
  std::vector<bool> refused(daemons.size(), false);
  while (std::chrono::steady_clock::now() - start < limit) {
    bool all = true;
    for (std::size_t i = 0; i < daemons.size(); ++i) {
      if (!refused[i]) refused[i] = daemons[i]->http()->Get("/api/v1/session", bearer(token))->status == 401;
      all = all && refused[i];
    }
    if (all) return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  }
  return std::nullopt;
}

// Each daemon answers the session from its database, then from memory.
void warm(const std::vector<DaemonProcess*>& daemons, const std::string& token) {
  for (auto* daemon : daemons)
    for (int i = 0; i < 3; ++i) REQUIRE(daemon->http()->Get("/api/v1/session", bearer(token))->status == 200);
}

}  // namespace

TEST_CASE("a session ended on one daemon is refused by every daemon within 100 ms", "[cluster][postgresql]") {
  ScratchPostgres database;
  DaemonProcess a(on(database.url())), b(on(database.url())), c(on(database.url()));
  std::vector<DaemonProcess*> others{&b, &c};

  SECTION("signing out") {
    std::string token = a.admin_token();
    warm({&a, &b, &c}, token);
    REQUIRE(a.http()->Delete("/api/v1/admin/session", bearer(token))->status == 204);
    auto took = refused_everywhere(others, token);
    REQUIRE(took);
    CHECK(took->count() < 100);
  }
  SECTION("an admin ending every session of a member, on another daemon") {
    std::string first = a.admin_token(), second = b.admin_token();
    warm({&a, &b, &c}, first);
    warm({&a, &b, &c}, second);
    auto member_id = DaemonProcess::json(a.http()->Get("/api/v1/session", bearer(first)))["member_id"].get<std::string>();
    REQUIRE(c.unix_socket()->Delete("/api/v1/admin/members/" + member_id + "/sessions")->status == 204);
    auto took = refused_everywhere({&a, &b}, first);
    REQUIRE(took);
    CHECK(took->count() < 100);
    CHECK(refused_everywhere({&a, &b, &c}, second, 100ms));
  }
}

namespace {

// memberd_cluster_leader from a daemon's metrics (on its socket); -1 when
// the daemon does not answer.
int leader_gauge(DaemonProcess& daemon) {
  if (!daemon.running()) return -1;
  auto res = daemon.unix_socket()->Get("/metrics");
  if (!res || res->status != 200) return -1;
  auto at = res->body.find("\nmemberd_cluster_leader ");
  if (at == std::string::npos) return -1;
  return std::stoi(res->body.substr(at + std::string("\nmemberd_cluster_leader ").size()));
}

// The daemons that lead now, once exactly one does (within `limit`).
std::vector<DaemonProcess*> leaders(const std::vector<DaemonProcess*>& daemons, std::chrono::milliseconds limit) {
  auto until = std::chrono::steady_clock::now() + limit;
  std::vector<DaemonProcess*> found;
  do {
    found.clear();
    for (auto* daemon : daemons)
      if (leader_gauge(*daemon) == 1) found.push_back(daemon);
    if (found.size() == 1) return found;
    std::this_thread::sleep_for(100ms);
  } while (std::chrono::steady_clock::now() < until);
  return found;
}

}  // namespace

TEST_CASE("one daemon leads the cluster's background work, and another takes over when it is killed",
          "[cluster][postgresql]") {
  ScratchPostgres database;
  DaemonProcess a(on(database.url())), b(on(database.url())), c(on(database.url()));
  auto first = leaders({&a, &b, &c}, 2000ms);
  REQUIRE(first.size() == 1);
  // A kill -9 ends its connection, and with it the lock: one of the others
  // asks within 5 s and gets it.
  first[0]->signal(SIGKILL);
  REQUIRE(first[0]->wait_exit(std::chrono::seconds(5)) != 0);
  std::vector<DaemonProcess*> rest;
  for (auto* daemon : {&a, &b, &c})
    if (daemon != first[0]) rest.push_back(daemon);
  auto started = std::chrono::steady_clock::now();
  auto next = leaders(rest, 8000ms);
  REQUIRE(next.size() == 1);
  CHECK(std::chrono::steady_clock::now() - started < 6s);
  CHECK(next[0]->output().find("this daemon runs the cluster's background work now") != std::string::npos);
}

TEST_CASE("the cluster lists its daemons, alive and leading, and a killed one is gone at once",
          "[cluster][postgresql]") {
  ScratchPostgres database;
  DaemonProcess a(on(database.url())), b(on(database.url())), c(on(database.url()));
  REQUIRE(leaders({&a, &b, &c}, 2000ms).size() == 1);
  auto listed = DaemonProcess::json(b.unix_socket()->Get("/api/v1/admin/cluster"));
  REQUIRE(listed["daemons"].size() == 3);
  int alive = 0, leading = 0, answering = 0;
  std::set<long long> pids;
  for (const auto& d : listed["daemons"]) {
    alive += d["alive"].get<bool>();
    leading += d["leader"].get<bool>();
    answering += d["this_daemon"].get<bool>();
    pids.insert(d["pid"].get<long long>());
    CHECK(d["plugins"].size() >= 1);
  }
  CHECK(alive == 3);
  CHECK(leading == 1);
  CHECK(answering == 1);
  CHECK(pids == std::set<long long>{a.pid(), b.pid(), c.pid()});
  CHECK(listed["plugins_differ"].empty());

  c.signal(SIGKILL);
  c.wait_exit(std::chrono::seconds(5));
  // PostgreSQL ends the session as soon as it reads the closed socket: a
  // few milliseconds, not a heartbeat's period.
  auto killed_at = std::chrono::steady_clock::now();
  auto c_alive = [&] {
    // Kept whole: a range-for over a temporary's member would read freed memory.
    auto listed_now = DaemonProcess::json(a.unix_socket()->Get("/api/v1/admin/cluster"));
    for (const auto& d : listed_now["daemons"])
      if (d["pid"].get<long long>() == c.pid()) return d["alive"].get<bool>();
    return false;
  };
  while (c_alive() && std::chrono::steady_clock::now() - killed_at < 2s) std::this_thread::sleep_for(20ms);
  CHECK(std::chrono::steady_clock::now() - killed_at < 1s);
  auto after = DaemonProcess::json(a.unix_socket()->Get("/api/v1/admin/cluster"));
  for (const auto& d : after["daemons"])
    CHECK(d["alive"].get<bool>() == (d["pid"].get<long long>() != c.pid()));

  std::string out;
  REQUIRE(run_command({env_or_fail("MEMBERCTL_BINARY"), "--socket", a.socket_path(), "cluster"}, out) == 0);
  CHECK(out.find("LEADER") != std::string::npos);
  CHECK(out.find(std::to_string(a.pid())) != std::string::npos);
}

TEST_CASE("/readyz names the file each plugin serves from", "[cluster]") {
  DaemonOptions options;
  options.plugins = {"credentials"};
  DaemonProcess daemon(options);
  auto ready = DaemonProcess::json(daemon.http()->Get("/readyz"));
  REQUIRE(ready["status"] == "ready");
  REQUIRE(ready["plugins"].is_object());
  REQUIRE_FALSE(ready["plugins"].empty());
  for (const auto& [name, plugin] : ready["plugins"].items()) {
    INFO(name);
    CHECK(plugin["sha256"].get<std::string>().size() == 12);
    CHECK(plugin["generation"].get<int>() >= 1);
  }
}

TEST_CASE("a killed daemon's claimed mail goes out through another within seconds", "[cluster][mail][postgresql]") {
  // Another marketplace on another database of the same server: its daemons
  // hold the same lock keys (ids start at 1 in each database), which must
  // not make this database's dead daemon look alive.
  ScratchPostgres elsewhere;
  DaemonProcess other_1(on(elsewhere.url())), other_2(on(elsewhere.url()));
  ScratchPostgres database;
  DaemonProcess a(on(database.url()));
  long long dead_id = 0;
  {
    DaemonProcess b(on(database.url()));
    auto listed = DaemonProcess::json(a.unix_socket()->Get("/api/v1/admin/cluster"));
    INFO(listed.dump() << " b's pid " << b.pid());
    for (const auto& d : listed["daemons"])
      if (d["pid"].get<long long>() == b.pid()) dead_id = d["daemon_id"].get<long long>();
    REQUIRE(dead_id > 0);
    b.signal(SIGKILL);
    b.wait_exit(std::chrono::seconds(5));
  }
  // What B held when it died: a message it had claimed a moment ago, far
  // inside the 2-minute claim lease.
  {
    auto sql = open_database(database.url());
    long long now = std::chrono::duration_cast<std::chrono::seconds>(
                        std::chrono::system_clock::now().time_since_epoch()).count();
    *sql << "INSERT INTO mail_outbox (recipient, subject, body_text, body_html, category, headers, status, attempts,"
            " last_error, next_attempt_at, created_at, queued_at, claimed_by, claimed_at, claimed_daemon)"
            " VALUES ('orphan@example.com', 'Left by a dead daemon', 'text', '', '', '[]', 'claimed', 0, '', :n, :c,"
            " :q, 'b-lane', :a, :d)",
        soci::use(now), soci::use(now), soci::use(now), soci::use(now), soci::use(dead_id);
  }
  auto started = std::chrono::steady_clock::now();
  bool delivered = false;
  while (!delivered && std::chrono::steady_clock::now() - started < 30s) {
    for (const auto& message : mail_messages(a))
      if (message.find("orphan@example.com") != std::string::npos) delivered = true;
    std::this_thread::sleep_for(100ms);
  }
  REQUIRE(delivered);
  // The leader gives a dead daemon's claims back at its next look (every
  // 10 s), not after the 2-minute claim lease; the margin is for sanitizers.
  CHECK(std::chrono::steady_clock::now() - started < 20s);
}

TEST_CASE("PostgreSQL restarted under three daemons: each is back by itself, hearing and leading again",
          "[cluster][postgresql][outage]") {
  ThrowawayPostgres postgres;
  DaemonProcess a(on(postgres.url())), b(on(postgres.url())), c(on(postgres.url()));
  std::vector<DaemonProcess*> all{&a, &b, &c};
  REQUIRE(leaders(all, 2000ms).size() == 1);

  // What a failover looks like from here: every connection ends at once.
  postgres.stop("fast");
  postgres.start();

  // Each reconnects on its own: ready, hearing the others, one leading.
  auto hearing = [](DaemonProcess& d) {
    auto res = d.unix_socket()->Get("/metrics");
    return res && res->status == 200 && res->body.find("\nmemberd_changes_live 1") != std::string::npos;
  };
  auto until = std::chrono::steady_clock::now() + 20s;
  for (auto* daemon : all) {
    while (std::chrono::steady_clock::now() < until &&
           !(daemon->http()->Get("/readyz")->status == 200 && hearing(*daemon)))
      std::this_thread::sleep_for(100ms);
    CHECK(daemon->http()->Get("/readyz")->status == 200);
    CHECK(hearing(*daemon));
  }
  CHECK(leaders(all, 8000ms).size() == 1);
  // And a sign-out reaches every daemon at once again.
  std::string token = a.admin_token();
  warm(all, token);
  REQUIRE(c.http()->Delete("/api/v1/admin/session", bearer(token))->status == 204);
  auto took = refused_everywhere({&a, &b}, token);
  REQUIRE(took);
  CHECK(took->count() < 100);
}
