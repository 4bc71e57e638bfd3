// Which database errors are outages (503 `unavailable`) and which are not,
// from the codes the databases give, as SOCI 4.0.3 carries them.
#include "storage/database_fault.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <sqlite3.h>

#include <catch2/catch.hpp>

#include <stdexcept>

using memberd::classify_database_error;
using memberd::DatabaseFault;
using memberd::is_write_fault;

namespace {

DatabaseFault postgres(const char* sqlstate, bool dead = false) {
  return classify_database_error(soci::postgresql_soci_error("Cannot execute query.", sqlstate), dead);
}

DatabaseFault sqlite(int result) {
  return classify_database_error(soci::sqlite3_soci_error("sqlite3_statement_backend::loadOne: ...", result));
}

}  // namespace

TEST_CASE("PostgreSQL outages are told by SQLSTATE", "[storage][outage]") {
  // 08000 is what SOCI gives an error on a connection libpq found dead
  // ("server closed the connection unexpectedly").
  CHECK(postgres("08000") == DatabaseFault::unreachable);
  CHECK(postgres("08006") == DatabaseFault::unreachable);  // connection_failure
  CHECK(postgres("08001") == DatabaseFault::unreachable);  // could not connect
  CHECK(postgres("57P01") == DatabaseFault::shutting_down);  // pg_ctl stop -m fast
  CHECK(postgres("57P02") == DatabaseFault::shutting_down);  // crash_shutdown
  CHECK(postgres("57P03") == DatabaseFault::shutting_down);  // cannot_connect_now
  CHECK(postgres("53100") == DatabaseFault::disk_full);
  CHECK(postgres("53200") == DatabaseFault::out_of_resources);  // out_of_memory
  CHECK(postgres("53300") == DatabaseFault::out_of_resources);  // too_many_connections
  CHECK(postgres("58030") == DatabaseFault::io_error);
  CHECK(postgres("25006") == DatabaseFault::read_only);  // a standby, default_transaction_read_only
}

TEST_CASE("PostgreSQL errors of the request itself are not outages", "[storage][outage]") {
  CHECK(postgres("23505") == DatabaseFault::none);  // unique_violation: the caller's `taken`
  CHECK(postgres("23503") == DatabaseFault::none);  // foreign key
  CHECK(postgres("42P01") == DatabaseFault::none);  // no such table: a bug
  CHECK(postgres("42601") == DatabaseFault::none);  // syntax error: a bug
  CHECK(postgres("40001") == DatabaseFault::none);  // serialization failure
  CHECK(postgres("57014") == DatabaseFault::none);  // query_canceled (statement_timeout)
  CHECK(postgres("     ") == DatabaseFault::none);  // SOCI's blank state on a live connection
}

TEST_CASE("an error without a code is an outage only when the connection is dead", "[storage][outage]") {
  soci::soci_error not_connected("Session is not connected.");
  CHECK(classify_database_error(not_connected, false) == DatabaseFault::none);
  CHECK(classify_database_error(not_connected, true) == DatabaseFault::unreachable);
  // A blank SQLSTATE from a connection found dead afterwards.
  CHECK(postgres("     ", true) == DatabaseFault::unreachable);
  // Not a database error at all: never an outage, whatever the connection.
  CHECK(classify_database_error(std::runtime_error("bad input"), true) == DatabaseFault::none);
  CHECK(classify_database_error(std::logic_error("a bug"), true) == DatabaseFault::none);
}

TEST_CASE("SQLite outages are told by result code, extended or not", "[storage][outage]") {
  CHECK(sqlite(SQLITE_FULL) == DatabaseFault::disk_full);  // "database or disk is full"
  CHECK(sqlite(SQLITE_READONLY) == DatabaseFault::read_only);
  CHECK(sqlite(SQLITE_READONLY_DBMOVED) == DatabaseFault::read_only);
  CHECK(sqlite(SQLITE_IOERR) == DatabaseFault::io_error);
  CHECK(sqlite(SQLITE_IOERR_WRITE) == DatabaseFault::io_error);
  CHECK(sqlite(SQLITE_CANTOPEN) == DatabaseFault::io_error);
  CHECK(sqlite(SQLITE_CONSTRAINT) == DatabaseFault::none);
  CHECK(sqlite(SQLITE_ERROR) == DatabaseFault::none);  // no such table, syntax
  // A lock timeout is `busy` (the unit tells it apart), not an outage.
  CHECK(sqlite(SQLITE_BUSY) == DatabaseFault::none);
  CHECK(sqlite(SQLITE_LOCKED) == DatabaseFault::none);
}

TEST_CASE("only a write shows a write fault", "[storage][outage]") {
  CHECK(is_write_fault(DatabaseFault::disk_full));
  CHECK(is_write_fault(DatabaseFault::read_only));
  CHECK(is_write_fault(DatabaseFault::io_error));
  CHECK_FALSE(is_write_fault(DatabaseFault::unreachable));
  CHECK_FALSE(is_write_fault(DatabaseFault::shutting_down));
  CHECK_FALSE(is_write_fault(DatabaseFault::out_of_resources));
}

TEST_CASE("an outage's answer is 503 `unavailable` and says nothing of the database's insides", "[storage][outage]") {
  for (auto fault : {DatabaseFault::unreachable, DatabaseFault::disk_full, DatabaseFault::read_only}) {
    auto failure = memberd::outage_failure(fault);
    CHECK(failure.refusal == memberd::Refusal::unavailable);
    CHECK(failure.retry_after == std::chrono::seconds{5});
    CHECK(failure.detail.find("SELECT") == std::string::npos);
    CHECK(failure.detail.find('/') == std::string::npos);
  }
}
