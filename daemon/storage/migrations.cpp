#include "storage/migrations.hpp"
#include "storage/error_text.hpp"

#include "storage/database.hpp"
#include "storage/pooled_unit.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <ctime>
#include <stdexcept>

namespace memberd {

std::vector<std::string> split_sql_statements(std::string_view sql) {
  std::vector<std::string> out;
  std::string current;
  bool in_single = false, in_double = false, in_line_comment = false;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    char c = sql[i];
    if (in_line_comment) {
      if (c == '\n') in_line_comment = false;
      continue;
    }
    if (!in_single && !in_double && c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      in_line_comment = true;
      continue;
    }
    if (c == '\'' && !in_double) in_single = !in_single;
    if (c == '"' && !in_single) in_double = !in_double;
    // Every `;` outside quotes ends a statement, also mid-line: SQLite runs
    // only the first statement of the text it is given and ignores the rest
    // without a word, so "A; B;" on one line used to apply A alone.
    if (c == ';' && !in_single && !in_double) {
      out.push_back(current);
      current.clear();
      continue;
    }
    current += c;
  }
  out.push_back(current);
  std::vector<std::string> statements;
  for (auto& s : out) {
    auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) continue;
    auto last = s.find_last_not_of(" \t\r\n");
    statements.push_back(s.substr(first, last - first + 1));
  }
  return statements;
}

namespace {

void ensure_migrations_table(soci::session& sql) {
  sql << "CREATE TABLE IF NOT EXISTS schema_migrations ("
         " component VARCHAR(64) NOT NULL,"
         " version INTEGER NOT NULL,"
         " name VARCHAR(200) NOT NULL,"
         " applied_at BIGINT NOT NULL,"
         " PRIMARY KEY (component, version))";
}

bool is_applied(soci::session& sql, std::string_view component, int version) {
  int count = 0;
  std::string c(component);
  sql << "SELECT COUNT(*) FROM schema_migrations WHERE component = :c AND version = :v", soci::use(c),
      soci::use(version), soci::into(count);
  return count > 0;
}

}  // namespace

MigrationReport apply_migrations(ConnectionPool& database, std::string_view component,
                                 const std::vector<Migration>& steps) {
  MigrationReport report;
  auto ordered = steps;
  std::sort(ordered.begin(), ordered.end(), [](auto& a, auto& b) { return a.version < b.version; });
  for (std::size_t i = 0; i < ordered.size(); ++i) {
    if (ordered[i].version < 1 || (i > 0 && ordered[i].version == ordered[i - 1].version))
      throw std::runtime_error(std::string(component) + ": migration versions must be unique and >= 1");
  }

  PooledUnit unit(database);
  auto connection = unit.connection();
  if (!connection) throw std::runtime_error(std::string(component) + ": no database connection became free in time");
  auto& sql = **connection;
  ensure_migrations_table(sql);
  const bool postgres = database.backend() == Backend::postgresql;
  std::string c(component);
  for (const auto& step : ordered) {
    if (is_applied(sql, component, step.version)) continue;
    const std::string& body = postgres ? step.postgresql : step.sqlite;
    std::string where = std::string(component) + " migration " + std::to_string(step.version) + " (" + step.name + ")";
    if (body.empty()) throw std::runtime_error(where + " has no SQL for this database backend");
    if (auto begun = unit.begin(); !begun)
      throw std::runtime_error(where + ": the database is busy (" + begun.failure().detail + ")");
    try {
      if (postgres) sql << "SELECT pg_advisory_xact_lock(727274)";
      // Another daemon may have applied it while we waited for the lock.
      if (is_applied(sql, component, step.version)) {
        unit.rollback();
        continue;
      }
      for (const auto& statement : split_sql_statements(body)) sql << statement;
      long long now = static_cast<long long>(std::time(nullptr));
      int version = step.version;
      std::string name = step.name;
      sql << "INSERT INTO schema_migrations (component, version, name, applied_at) VALUES (:c, :v, :n, :t)",
          soci::use(c), soci::use(version), soci::use(name), soci::use(now);
      if (auto done = unit.commit(); !done) throw std::runtime_error("the commit failed");
      report.applied.push_back(step.version);
      // Statements kept prepared against the old schema are dropped (on
      // PostgreSQL a changed result type would fail their next run).
      database.forget_statements();
    } catch (const std::exception& e) {
      unit.rollback();
      throw std::runtime_error(where + " failed: " + describe_error(e));
    }
  }
  return report;
}

}  // namespace memberd
