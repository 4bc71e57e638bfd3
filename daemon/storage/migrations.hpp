#pragma once
// Versioned schema migrations for the core and for each plugin.
//
// Each component ("core", "credentials", ...) has its own numbered steps. A
// step runs in its own transaction together with its row in
// `schema_migrations`, so it is applied entirely or not at all, and exactly
// once: running the same list again changes nothing. On PostgreSQL a
// transaction-scoped advisory lock keeps two daemons starting at once from
// racing on the same step.
#include <memberd/migration.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace memberd {

class ConnectionPool;

// Splits a migration's SQL into statements: every `;` outside quotes and
// `--` comments ends one (SOCI runs one statement at a time). A statement
// that holds a `;` of its own (a trigger body, a function) is not supported.
std::vector<std::string> split_sql_statements(std::string_view sql);

struct MigrationReport {
  std::vector<int> applied;  // versions applied by this run
};

// Applies the steps of `component` not yet recorded. Throws
// std::runtime_error naming the component and version when one fails (that
// step's changes are rolled back; earlier steps stay).
MigrationReport apply_migrations(ConnectionPool& database, std::string_view component,
                                 const std::vector<Migration>& steps);


}  // namespace memberd
