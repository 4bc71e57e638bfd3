// Storage: migrations applied once, recorded, idempotent across restarts;
// events and plugin cursors survive a restart.
#include "support/daemon_process.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <thread>

using memberd::test::DaemonOptions;
using memberd::test::DaemonProcess;
using memberd::test::ScratchPostgres;
using memberd::test::env_or_fail;
using nlohmann::json;

namespace {

struct State {
  std::string backend, dir, url;
  std::unique_ptr<ScratchPostgres> postgres;
  explicit State(std::string b) : backend(std::move(b)) {
    char pattern[] = "/tmp/memberd-state-XXXXXX";
    dir = mkdtemp(pattern);
    if (backend == "postgresql") {
      postgres = std::make_unique<ScratchPostgres>();
      url = postgres->url();
    } else {
      url = "sqlite:" + dir + "/memberd.db";
    }
  }
  ~State() { std::filesystem::remove_all(dir); }
  DaemonOptions options() const {
    DaemonOptions o{backend, {}, env_or_fail("MEMBERD_FIXTURE_PLUGINS_DIR"), {"swapper"}};
    o.data_dir = dir;
    o.database_url = url;
    return o;
  }
  std::unique_ptr<soci::session> open() const { return memberd::test::open_database(url); }
};

int count(soci::session& sql, const std::string& query) {
  int n = -1;
  sql << query, soci::into(n);
  return n;
}

}  // namespace

TEST_CASE("migrations are recorded once and survive restarts", "[storage]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  State state(backend);
  std::string admin_id;
  // Every core migration the source tree ships (one schema per backend, the same files).
  int shipped = 0;
  for (const auto& file : std::filesystem::directory_iterator(std::string(MEMBERD_SOURCE_DIR) + "/daemon/storage/schema/sqlite"))
    shipped += file.path().extension() == ".sql";
  CHECK(shipped >= 10);
  {
    DaemonProcess first(state.options());
    CHECK(first.output().find("bootstrap admin") != std::string::npos);
    REQUIRE(first.unix_socket()
                ->Post("/api/v1/admin/members", json{{"email", "keep@example.com"}, {"password", "a long password"}}.dump(),
                       "application/json")
                ->status == 201);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (DaemonProcess::json(first.http()->Get("/api/v1/swapper/seen"))["count"] != 2 &&
           std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  {
    auto sql = state.open();
    CHECK(count(*sql, "SELECT COUNT(*) FROM schema_migrations WHERE component = 'core'") == shipped);
    CHECK(count(*sql, "SELECT COUNT(*) FROM schema_migrations WHERE component = 'swapper'") == 1);
    CHECK(count(*sql, "SELECT COUNT(*) FROM members") == 2);
    CHECK(count(*sql, "SELECT COUNT(*) FROM event_cursors WHERE subscriber = 'swapper.members'") == 1);
  }
  {
    DaemonProcess second(state.options());
    // No second bootstrap admin, no re-applied migration, no re-delivered event.
    CHECK(second.output().find("bootstrap admin") == std::string::npos);
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
    auto seen = DaemonProcess::json(second.http()->Get("/api/v1/swapper/seen"));
    CHECK(seen["count"] == 2);
    CHECK(second.http()->Get("/api/v1/admin/members", {{"Authorization", "Bearer " + second.admin_token()}})->status == 200);
  }
  auto sql = state.open();
  CHECK(count(*sql, "SELECT COUNT(*) FROM schema_migrations") == shipped + 1);  // the core's, 1 of the swapper
  if (backend == "sqlite") {
    // Password hashes live in this file: readable by the daemon's user alone.
    auto perms = std::filesystem::status(state.dir + "/memberd.db").permissions();
    CHECK((perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all)) ==
          std::filesystem::perms::none);
  }
}

TEST_CASE("a failed migration is rolled back whole", "[storage]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  State state(backend);
  auto options = state.options();
  options.plugins_dir = env_or_fail("MEMBERD_FIXTURE_PLUGINS_DIR");
  options.plugins = {"failing_migration"};
  {
    DaemonProcess daemon(options);
  }
  auto sql = state.open();
  // Its first statement created a table; the failing second one took it back.
  std::string probe = backend == "sqlite"
                          ? "SELECT COUNT(*) FROM sqlite_master WHERE name = 'failing_migration_ok'"
                          : "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'failing_migration_ok'";
  CHECK(count(*sql, probe) == 0);
  CHECK(count(*sql, "SELECT COUNT(*) FROM schema_migrations WHERE component = 'failing_migration'") == 0);
}

TEST_CASE("a database that cannot be opened stops the start with a clear message", "[storage]") {
  DaemonOptions options;
  options.expect_start = false;
  options.database_url = "postgresql://nobody:secret-password@127.0.0.1:1/none";
  DaemonProcess daemon(options);
  CHECK(daemon.wait_exit(std::chrono::seconds(20)) == 1);
  auto out = daemon.output();
  CHECK(out.find("cannot open the PostgreSQL database") != std::string::npos);
  CHECK(out.find("secret-password") == std::string::npos);
}
