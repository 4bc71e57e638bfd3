#include "storage/pooled_unit.hpp"

#include "storage/database.hpp"

#include <soci/soci.h>

#include <stdexcept>

namespace memberd {

namespace {

// SQLite answers "database is locked" when the busy timeout passed without
// the write lock: a saturation, not a bug.
bool is_lock_timeout(const std::exception& e) {
  std::string_view what = e.what();
  return what.find("database is locked") != std::string_view::npos ||
         what.find("database table is locked") != std::string_view::npos;
}

}  // namespace

PooledUnit::PooledUnit(ConnectionPool& pool, std::string caller)
    : pool_(pool), caller_(std::move(caller)), began_(pool.outages().now()) {}

PooledUnit::~PooledUnit() { finish(); }

Backend PooledUnit::backend() const { return pool_.backend(); }

Failure PooledUnit::met(DatabaseFault fault) {
  if (fault_ == DatabaseFault::none) fault_ = fault;
  pool_.outages().failed(fault, began_);
  return outage_failure(fault);
}

Result<soci::session*> PooledUnit::connection() {
  if (!lease_) {
    try {
      lease_ = pool_.lease();
    } catch (const DatabaseBusy&) {
      return busy(std::chrono::seconds{1}, "The database is saturated; try again shortly.");
    } catch (const DatabaseUnavailable& e) {
      return met(e.fault);
    }
    ++leases_;
    // A PostgreSQL lease pinged its connection: the server answers.
    if (backend() == Backend::postgresql) pool_.outages().connected(lease_->opened_at());
  }
  return &lease_->sql();
}

Result<KeptStatement*> PooledUnit::kept(std::string_view sql) {
  if (auto connected = connection(); !connected) return connected.failure();
  return &lease_->kept(sql);
}

DatabaseFault PooledUnit::note_failure(const std::exception& error) {
  auto fault = classify_database_error(error, lease_ && connection_lost(lease_->sql()));
  if (fault != DatabaseFault::none) (void)met(fault);
  return fault;
}

DatabaseFault PooledUnit::outage_seen() {
  if (fault_ == DatabaseFault::none && lease_ && connection_lost(lease_->sql())) (void)met(DatabaseFault::unreachable);
  return fault_;
}

Result<void> PooledUnit::begin() {
  if (in_transaction_) throw std::logic_error("a unit of work holds one write transaction at a time");
  auto sql = connection();
  if (!sql) return sql.failure();
  try {
    // BEGIN IMMEDIATE: take SQLite's write lock now, so writers queue behind
    // the busy timeout instead of failing when they first write.
    if (backend() == Backend::sqlite) **sql << "BEGIN IMMEDIATE";
    else (*sql)->begin();
  } catch (const soci::soci_error& e) {
    if (is_lock_timeout(e)) return busy(std::chrono::seconds{1}, "The database is busy; try again shortly.");
    if (auto fault = classify_database_error(e, connection_lost(**sql)); fault != DatabaseFault::none)
      return met(fault);
    throw;
  }
  in_transaction_ = true;
  return {};
}

Result<void> PooledUnit::commit() {
  if (!in_transaction_) throw std::logic_error("commit() without an open transaction");
  try {
    lease_->sql().commit();
  } catch (const soci::soci_error& e) {
    bool dead = connection_lost(lease_->sql());
    rollback();
    if (is_lock_timeout(e)) return busy(std::chrono::seconds{1}, "The database is busy; try again shortly.");
    // A full disk or a read-only file fails SQLite's COMMIT (its WAL frames
    // are written then); a connection lost here leaves the outcome unknown
    // to us, as it would be to any client.
    if (auto fault = classify_database_error(e, dead); fault != DatabaseFault::none) return met(fault);
    return Failure{Refusal::internal};
  }
  in_transaction_ = false;
  pool_.outages().wrote(lease_->opened_at());
  run_after_commit();
  return {};
}

void PooledUnit::rollback() {
  if (!in_transaction_) return;
  in_transaction_ = false;
  after_commit_.clear();
  try {
    lease_->sql().rollback();
  } catch (...) {
    // The connection is gone; the server rolled back for us.
  }
}

void PooledUnit::after_commit(std::function<void()> action) {
  if (!in_transaction_) {
    try {
      action();
    } catch (...) {
    }
    return;
  }
  after_commit_.push_back(std::move(action));
}

void PooledUnit::run_after_commit() {
  auto actions = std::move(after_commit_);
  after_commit_.clear();
  for (auto& action : actions) {
    try {
      action();
    } catch (...) {
      // Documented as must-not-throw; one bad action must not skip the rest.
    }
  }
}

void PooledUnit::park() {
  if (!in_transaction_) lease_.reset();
}

bool PooledUnit::finish() {
  bool was_open = in_transaction_;
  rollback();
  lease_.reset();
  return was_open;
}

}  // namespace memberd
