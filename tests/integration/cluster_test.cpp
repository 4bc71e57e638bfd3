// Several daemons on one PostgreSQL behave as one service (issue 30): a
// session ended through one daemon is refused by every other within 100 ms,
// although each keeps checked sessions in memory for a minute here
// (sessions.cache_ttl=60s): the change travels by LISTEN/NOTIFY, not by the
// cache running out.
#include "support/daemon_process.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

using namespace memberd::test;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

httplib::Headers bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

DaemonOptions on(const ScratchPostgres& database) {
  DaemonOptions options;
  options.backend = "postgresql";
  options.database_url = database.url();
  options.sets = {"sessions.cache_ttl=60s"};
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
  DaemonProcess a(on(database)), b(on(database)), c(on(database));
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
