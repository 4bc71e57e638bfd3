#pragma once
// The daemon's UnitOfWork: one connection from the ConnectionPool, leased on
// first use, and at most one write transaction on it. The dispatcher makes
// one per request and finishes it once the handler has returned; background
// loops make one per piece of work.
#include <memberd/unit_of_work.hpp>

#include "storage/database_fault.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace memberd {

class ConnectionPool;
class PoolLease;

class PooledUnit final : public UnitOfWork {
 public:
  // `caller` names whose work this is (a plugin, or "core"): the core
  // services' boundary logs an unexpected failure under it
  // (service_boundary.hpp).
  explicit PooledUnit(ConnectionPool& pool, std::string caller = "core");
  // Rolls back an open transaction and gives the connection back.
  ~PooledUnit() override;

  Backend backend() const override;
  Result<soci::session*> connection() override;
  Result<KeptStatement*> kept(std::string_view sql) override;
  Result<void> begin() override;
  Result<void> commit() override;
  void rollback() override;
  bool in_transaction() const override { return in_transaction_; }
  void after_commit(std::function<void()> action) override;

  // Gives the connection back to the pool while no transaction is open (the
  // next connection() leases one again): called before work that blocks
  // without the database, such as password hashing.
  void park();
  // Ends the unit's work: true when a transaction was still open (it is
  // rolled back). The connection goes back to the pool.
  bool finish();
  // Leases this unit has taken (1 for most requests, 0 when served from
  // caches, 2 when it parked for a hash in between).
  int leases() const { return leases_; }

  // For an exception thrown by a statement on this unit's connection: the
  // outage it shows (none for any other error, such as a constraint or bad
  // SQL). An outage is remembered and reported to the pool's tracker.
  DatabaseFault note_failure(const std::exception& error);
  // The outage this unit met, if any: one it returned as `unavailable`, one
  // note_failure() found, or its connection found dead now. How the
  // dispatcher tells a handler's 500 that hides an outage (a plugin built
  // before SDK 2.8, or one that caught the error) from a bug.
  DatabaseFault outage_seen();
  const std::string& caller() const { return caller_; }

 private:
  void run_after_commit();
  // Records `fault`, reports it, and returns the Failure for it.
  Failure met(DatabaseFault fault);

  ConnectionPool& pool_;
  std::string caller_;
  std::chrono::steady_clock::time_point began_;  // for the outage tracker: when this work began
  std::unique_ptr<PoolLease> lease_;
  bool in_transaction_ = false;
  int leases_ = 0;
  DatabaseFault fault_ = DatabaseFault::none;
  std::vector<std::function<void()>> after_commit_;
};

// The PooledUnit behind a UnitOfWork the host handed out, for the host's own
// services (nullptr for a unit from elsewhere, such as a test double).
inline PooledUnit* as_pooled(UnitOfWork& work) { return dynamic_cast<PooledUnit*>(&work); }

}  // namespace memberd
