#pragma once
// The SOCI connection pool behind `memberd::Database`.
//
// SQLite ("sqlite:var/memberd.db") is the embedded default: every connection
// runs in WAL mode with a busy timeout and foreign keys on, so readers never
// block the writer and concurrent writers wait instead of failing.
// PostgreSQL ("postgresql://user:pass@host:port/db") is for several daemons on
// one database; SOCI 4.0.3 cannot parse such URLs, so they are translated to
// libpq's keyword form here.
#include <memberd/unit_of_work.hpp>

#include "storage/database_fault.hpp"
#include "storage/outage_tracker.hpp"

#include <atomic>
#include <stdexcept>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace memberd {

class StatementCache;

struct DatabaseSettings {
  std::string url;
  std::size_t pool_size = 8;
  std::chrono::milliseconds busy_timeout{5000};
  std::chrono::milliseconds lease_timeout{5000};
};

// Thrown by ConnectionPool::lease() when no connection frees up within the
// lease timeout. Units of work turn it into a `busy` Failure; it never reaches
// a plugin.
struct DatabaseBusy : std::runtime_error {
  DatabaseBusy() : std::runtime_error("no database connection became free in time") {}
};

// Thrown by ConnectionPool::lease() when a lost PostgreSQL connection could
// not be opened again (the server is down or unreachable). Units of work turn
// it into an `unavailable` Failure; it never reaches a plugin.
struct DatabaseUnavailable : std::runtime_error {
  explicit DatabaseUnavailable(DatabaseFault fault)
      : std::runtime_error(std::string(fault_description(fault))), fault(fault) {}
  DatabaseFault fault;
};

// One connection borrowed from the pool; given back when this object dies.
class PoolLease {
 public:
  virtual ~PoolLease() = default;
  virtual soci::session& sql() = 0;
  virtual Backend backend() const = 0;
  // The connection's kept statement for `sql` (UnitOfWork::kept). Throws
  // soci::soci_error when it does not prepare.
  virtual KeptStatement& kept(std::string_view sql) = 0;
  // When this connection was opened (at start, or by its last reconnect),
  // on the pool's outage tracker's clock.
  virtual std::chrono::steady_clock::time_point opened_at() const = 0;
};

// The backend a database.url names: sqlite:PATH, anything else (checked by
// the config reader) PostgreSQL.
Backend backend_for_url(std::string_view url);

// "postgresql://u:p@h:5432/db?sslmode=require" -> "dbname=db host=h port=5432 user=u password=p sslmode=require".
// Throws std::invalid_argument on a malformed URL.
std::string postgres_url_to_keywords(const std::string& url);

class ConnectionPool final : public Database {
 public:
  // Opens every connection now, so a wrong URL fails at start, not on the
  // first request. Throws std::runtime_error with a message fit for operators
  // (never the password).
  explicit ConnectionPool(const DatabaseSettings& settings);
  ~ConnectionPool() override;

  Backend backend() const override { return backend_; }
  // A unit of work of its own (background work, start-up, tests).
  std::unique_ptr<UnitOfWork> open_unit() override;
  // The same, as `caller`'s work (a plugin's own units: PooledUnit's caller).
  std::unique_ptr<UnitOfWork> open_unit_for(std::string caller);

  // Waits up to the lease timeout for a free connection, first come first
  // served (a connection given back goes to the longest waiter); throws
  // DatabaseBusy. A PostgreSQL connection is pinged first and, when it was
  // lost, opened again: never handed out dead; throws DatabaseUnavailable
  // when it cannot be (the connection goes back to the pool and the next
  // lease tries again).
  // Units of work call this; the daemon's start-up code may too.
  std::unique_ptr<PoolLease> lease();

  std::size_t size() const { return sessions_.size(); }
  std::size_t in_use() const;
  // Leases waiting for a connection now (memberd_db_pool_waiting).
  std::size_t waiting() const;
  // Leases handed out since start (memberd_db_leases_total).
  std::uint64_t leases_total() const { return leases_total_.load(std::memory_order_relaxed); }
  // Runs `select 1` on a leased session; false if the database does not
  // answer (an outage is reported to outages()).
  bool ping();
  // Database outages, logged once each (outage_tracker.hpp).
  OutageTracker& outages() { return outages_; }
  // Every connection drops its kept statements at its next lease: the
  // schema changed (a migration ran). Thread-safe.
  void forget_statements() { statements_epoch_.fetch_add(1, std::memory_order_relaxed); }
  // Statements kept since start, summed over connections
  // (memberd_db_statements_prepared_total). Thread-safe.
  std::uint64_t statements_prepared() const { return statements_prepared_.load(std::memory_order_relaxed); }

 private:
  class Lease;
  void give_back(std::size_t index);

  Backend backend_;
  std::chrono::milliseconds lease_timeout_;
  std::chrono::milliseconds busy_timeout_;  // SQLite's; its busy handler reads it (declared before the sessions)
  std::vector<std::unique_ptr<soci::session>> sessions_;
  // One per session, same index; destroyed first (a statement must be
  // finalised before its connection closes).
  std::vector<std::unique_ptr<StatementCache>> statements_;
  // When each connection was opened; written only by its lease holder.
  std::vector<std::chrono::steady_clock::time_point> opened_at_;
  std::atomic<std::uint64_t> statements_epoch_{0};
  std::atomic<std::uint64_t> statements_prepared_{0};
  // A lease() waiting for a connection; give_back() hands one over directly.
  struct Waiter {
    std::condition_variable wake;
    std::size_t index = 0;
    bool granted = false;
  };
  std::vector<std::size_t> free_;
  std::deque<Waiter*> waiting_;  // oldest first
  mutable std::mutex mutex_;
  std::atomic<std::uint64_t> leases_total_{0};
  OutageTracker outages_;
};

}  // namespace memberd
