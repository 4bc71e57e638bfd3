// The core services catch at their own boundary (storage/service_boundary.hpp):
// an outage inside a call is `unavailable` and no line per call; anything
// else unexpected is `internal`, logged under the caller the unit names
// (the plugin whose route, event or unit it is); a misuse still throws.
#include "auth/accounts_service.hpp"
#include "no_unit.hpp"
#include "auth/password_hasher.hpp"
#include "auth/session_store.hpp"
#include "storage/change_feed.hpp"
#include "log/logger.hpp"
#include "storage/database.hpp"
#include "storage/pooled_unit.hpp"
#include "storage/service_boundary.hpp"
#include "util/system_clock.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <sqlite3.h>

#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>

using namespace memberd;
using memberd::test::NoUnit;

namespace {

std::string written(std::FILE* out) {
  std::fflush(out);
  std::rewind(out);
  std::string text(8192, '\0');
  text.resize(std::fread(text.data(), 1, text.size(), out));
  return text;
}

}  // namespace

TEST_CASE("a statement failing inside a core service is `internal`, logged under the unit's caller",
          "[storage][service_boundary]") {
  auto dir = std::filesystem::temp_directory_path() / ("memberd-boundary-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::FILE* out = std::tmpfile();
  REQUIRE(out);
  {
    // No migrations: every statement on `members` fails ("no such table"),
    // which is neither an outage nor the caller's business.
    ConnectionPool pool(DatabaseSettings{"sqlite:" + (dir / "m.db").string(), 2});
    LogSink log(LogLevel::error, LogFormat::text, out);
    SystemClock clock;
    PasswordHasher hasher(Argon2Params{8192, 1, 1}, 1, 4);
    ChangeFeed changes(Backend::sqlite, "sqlite:unused", log);
    SessionStore sessions(clock, SessionPolicy{}, changes);
    AccountsService accounts(clock, hasher, sessions, log);

    PooledUnit photos_unit(pool, "photo");
    auto found = accounts.find_by_id(photos_unit, "m-1");
    photos_unit.finish();  // the pool has two connections
    REQUIRE_FALSE(found);
    CHECK(found.failure().refusal == Refusal::internal);
    auto by_plugin = written(out);
    CHECK(by_plugin.find("[photo] host call failed") != std::string::npos);
    CHECK(by_plugin.find("Accounts::find_by_id") != std::string::npos);
    CHECK(by_plugin.find("no such table") != std::string::npos);
    // Never the arguments: they may hold passwords.
    CHECK(by_plugin.find("m-1") == std::string::npos);

    // A unit the pool opens for a plugin carries its name too; the core's own is "core".
    CHECK_FALSE(accounts.member_count(*pool.open_unit_for("credentials")));
    CHECK_FALSE(accounts.member_count(*pool.open_unit()));
    auto both = written(out);
    CHECK(both.find("[credentials] host call failed") != std::string::npos);
    CHECK(both.find("[core] host call failed") != std::string::npos);

    // A misuse is a bug for the caller's tests: it still throws.
    PooledUnit in_transaction(pool, "photo");
    REQUIRE(in_transaction.begin());
    CHECK_THROWS_AS(accounts.hash_secret(in_transaction, "secret"), std::logic_error);
  }
  std::fclose(out);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a database outage inside a service call is `unavailable`, and no line per call",
          "[storage][service_boundary][outage]") {
  std::FILE* out = std::tmpfile();
  REQUIRE(out);
  LogSink log(LogLevel::debug, LogFormat::text, out);
  NoUnit unit;
  auto down = [] { throw soci::postgresql_soci_error("Cannot execute query. Fatal error. Connection failed.", "08000"); };
  auto full = [] {
    throw soci::sqlite3_soci_error("sqlite3_statement_backend::loadOne: database or disk is full", SQLITE_FULL);
  };
  for (auto outage : {std::function<void()>(down), std::function<void()>(full)}) {
    auto failed = service_call(log, "Mail::enqueue", unit, [&]() -> Result<void> {
      outage();
      return {};
    });
    REQUIRE_FALSE(failed);
    CHECK(failed.failure().refusal == Refusal::unavailable);
    CHECK(failed.failure().retry_after.count() > 0);
  }
  // The pool's outage tracker logs an outage once; the boundary adds
  // nothing per call (here there is no pool: nothing at all).
  CHECK(written(out).empty());
  std::fclose(out);
}
