#pragma once
// What a database error says about the database itself: is it down,
// unreachable, out of disk, read-only? Those are outages — the member gets
// 503 `unavailable` with Retry-After, the operator one log line per outage
// (storage/outage_tracker.hpp) — while any other error (a constraint, bad
// SQL) stays the caller's business or a 500.
//
// Only real signals are read, never the message text (which is translated,
// and which may hold SQL values):
//   PostgreSQL  SQLSTATE class 08 (connection exception; SOCI 4.0.3 gives
//               08000 to an error on a connection libpq found dead), 57P01
//               admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now,
//               class 53 (insufficient resources; 53100 disk_full), 58030
//               io_error, 25006 read_only_sql_transaction (a standby, or
//               default_transaction_read_only);
//   SQLite      the result code SOCI keeps: SQLITE_FULL ("database or disk is
//               full"), SQLITE_IOERR, SQLITE_READONLY, SQLITE_CANTOPEN;
//   either      a connection libpq reports dead (PQstatus), for the errors
//               SOCI raises without a SQLSTATE ("Session is not connected.").
#include <memberd/result.hpp>

#include <exception>
#include <string_view>

namespace soci {
class session;
}

namespace memberd {

enum class DatabaseFault {
  none,              // not an outage: a bug, a constraint, a lock timeout ...
  unreachable,       // no connection: refused, lost, timed out
  shutting_down,     // the server is stopping or starting (57P01-57P03)
  out_of_resources,  // class 53 other than disk_full: memory, connections
  disk_full,         // 53100, SQLITE_FULL
  read_only,         // 25006, SQLITE_READONLY
  io_error,          // 58030, SQLITE_IOERR, SQLITE_CANTOPEN
};

// `connection_dead`: the connection the error came from is known to be lost
// (connection_lost() below); it makes an error without a code an outage.
DatabaseFault classify_database_error(const std::exception& error, bool connection_dead = false);

// A PostgreSQL session whose libpq connection is gone (or never came back
// after a failed reconnect). Costs no round trip. Always false on SQLite.
bool connection_lost(soci::session& session);

// Faults that only a write shows: they end when a write commits again, not
// when a connection answers (a full disk still serves reads).
bool is_write_fault(DatabaseFault fault);

// The metric label: "unreachable", "shutting_down", ...
std::string_view fault_label(DatabaseFault fault);
// For the operator's log line, without any value from the failed statement.
std::string_view fault_description(DatabaseFault fault);
// For the member's problem document: no SQL, paths or server names.
std::string_view fault_detail(DatabaseFault fault);
// The `unavailable` Failure a unit of work returns for `fault` (503, with
// Retry-After: 5 s — long enough not to hammer a database that is
// restarting, short enough that members see the recovery within seconds).
Failure outage_failure(DatabaseFault fault);

}  // namespace memberd
