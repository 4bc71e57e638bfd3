#include "storage/database_fault.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <sqlite3.h>

#include <string>

namespace memberd {

namespace {

DatabaseFault from_sqlstate(const std::string& state) {
  if (state.size() != 5) return DatabaseFault::none;
  auto has_class = [&](const char* c) { return state.compare(0, 2, c) == 0; };
  if (has_class("08")) return DatabaseFault::unreachable;
  if (state == "57P01" || state == "57P02" || state == "57P03") return DatabaseFault::shutting_down;
  if (state == "53100") return DatabaseFault::disk_full;
  if (has_class("53")) return DatabaseFault::out_of_resources;
  if (state == "58030") return DatabaseFault::io_error;
  if (state == "25006") return DatabaseFault::read_only;
  return DatabaseFault::none;
}

DatabaseFault from_sqlite_result(int result) {
  // SOCI passes the primary code unless extended codes were enabled; keep
  // the primary byte either way.
  switch (result & 0xff) {
    case SQLITE_FULL:
      return DatabaseFault::disk_full;
    case SQLITE_READONLY:
      return DatabaseFault::read_only;
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
      return DatabaseFault::io_error;
    default:
      return DatabaseFault::none;
  }
}

}  // namespace

DatabaseFault classify_database_error(const std::exception& error, bool connection_dead) {
  if (auto* pg = dynamic_cast<const soci::postgresql_soci_error*>(&error)) {
    if (auto fault = from_sqlstate(pg->sqlstate()); fault != DatabaseFault::none) return fault;
  } else if (auto* lite = dynamic_cast<const soci::sqlite3_soci_error*>(&error)) {
    if (auto fault = from_sqlite_result(lite->result()); fault != DatabaseFault::none) return fault;
  }
  // SOCI raises some errors without a code ("Session is not connected.",
  // libpq's "no connection to the server" from a statement it could not
  // send): an outage only when the connection is indeed gone.
  if (connection_dead && dynamic_cast<const soci::soci_error*>(&error)) return DatabaseFault::unreachable;
  return DatabaseFault::none;
}

bool connection_lost(soci::session& session) {
  auto* backend = session.get_backend();
  if (!backend) return true;  // a reconnect that failed leaves no backend
  // By name, not dynamic_cast: Debian's libsoci_postgresql exports no
  // typeinfo for its session backend.
  if (backend->get_backend_name() != "postgresql") return false;
  auto* pg = static_cast<soci::postgresql_session_backend*>(backend);
  return !pg->conn_ || PQstatus(pg->conn_) != CONNECTION_OK;
}

bool is_write_fault(DatabaseFault fault) {
  return fault == DatabaseFault::disk_full || fault == DatabaseFault::read_only || fault == DatabaseFault::io_error;
}

std::string_view fault_label(DatabaseFault fault) {
  switch (fault) {
    case DatabaseFault::none:
      return "none";
    case DatabaseFault::unreachable:
      return "unreachable";
    case DatabaseFault::shutting_down:
      return "shutting_down";
    case DatabaseFault::out_of_resources:
      return "out_of_resources";
    case DatabaseFault::disk_full:
      return "disk_full";
    case DatabaseFault::read_only:
      return "read_only";
    case DatabaseFault::io_error:
      return "io_error";
  }
  return "none";
}

std::string_view fault_description(DatabaseFault fault) {
  switch (fault) {
    case DatabaseFault::unreachable:
      return "the database cannot be reached (connection refused, lost or timed out)";
    case DatabaseFault::shutting_down:
      return "the database server is shutting down or starting up";
    case DatabaseFault::out_of_resources:
      return "the database server is out of resources (memory or connections)";
    case DatabaseFault::disk_full:
      return "the database's disk is full";
    case DatabaseFault::read_only:
      return "the database is read-only";
    case DatabaseFault::io_error:
      return "the database's storage fails (I/O error or the file cannot be opened)";
    case DatabaseFault::none:
      break;
  }
  return "no fault";
}

std::string_view fault_detail(DatabaseFault fault) {
  return is_write_fault(fault) ? "Changes cannot be saved right now; try again later."
                               : "The service cannot reach its database right now; try again shortly.";
}

Failure outage_failure(DatabaseFault fault) {
  return unavailable(std::chrono::seconds{5}, std::string(fault_detail(fault)));
}

}  // namespace memberd
