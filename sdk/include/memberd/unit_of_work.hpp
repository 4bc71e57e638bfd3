#pragma once
// One unit of work: one database connection and at most one write
// transaction, for one request (or one piece of background work).
//
// A handler reaches the database only through its request's unit,
// `request.work()`. The connection is leased from the pool on first use and
// returned when the response has been built, so a request never holds two
// connections, whatever it calls. Every host service that reads or writes
// the core's tables (accounts, sessions, events, mail, rate limits) takes the
// unit too: inside an open write transaction its writes join it, so a
// change and the events and mail it causes commit together or not at all.
//
//   auto hash = host.accounts().hash_password(work, password);   // before the transaction
//   if (!hash) return refusal_problem(hash.failure());
//   auto tx = WriteTransaction::open(work);
//   if (!tx) return refusal_problem(tx.failure());
//   tx->sql() << "UPDATE ...", soci::use(x);                      // your own tables
//   if (auto r = host.events().publish(work, "thing.changed", {...}); !r) return refusal_problem(r.failure());
//   if (auto r = tx->commit(); !r) return refusal_problem(r.failure());
//
// A transaction still open when the handler returns is rolled back (and the
// host logs a warning): nothing half-done is ever committed. Outside a write
// transaction each statement commits on its own.
//
// Password hashing (Accounts::hash_password and friends) takes the unit so
// that it can refuse to run inside a write transaction: on SQLite that
// transaction holds the database's only write lock, and 25 ms of Argon2id
// under it would queue every other writer.
//
// Units are not thread-safe: one unit, one thread at a time.

#include <memberd/result.hpp>

#include <functional>
#include <memory>
#include <string_view>
#include <utility>

namespace soci {
class session;
}

namespace memberd {

class KeptStatement;

enum class Backend { sqlite, postgresql };

class UnitOfWork {
 public:
  virtual ~UnitOfWork() = default;

  // Which database the daemon runs on, for the rare statement that differs.
  // Touches nothing. Fails: never.
  virtual Backend backend() const = 0;

  // The unit's connection: leased from the pool on the first call (waits up
  // to a few seconds for a free one), the same one afterwards. SOCI statements
  // on it throw soci::soci_error on database errors; the host turns a throw
  // into a 500, or into 503 `unavailable` when the error says the database
  // is down, unreachable, out of disk or read-only (let such a throw reach
  // the host rather than catching it). Do not keep the pointer beyond the
  // unit's life.
  // Fails: busy (no connection became free in time), (2.8) unavailable (the
  // database cannot be reached).
  virtual Result<soci::session*> connection() = 0;

  // Opens the unit's write transaction (on SQLite, BEGIN IMMEDIATE: the write
  // lock is taken now, so concurrent writers queue instead of failing later).
  // Prefer WriteTransaction below, which rolls back when it goes out of scope.
  // Fails: busy (no connection, or the write lock was not had in time),
  // (2.8) unavailable (the database is down or read-only).
  // A second begin() while one is open is a bug: std::logic_error.
  virtual Result<void> begin() = 0;
  // Commits the open transaction, then runs the after_commit() actions.
  // Fails: busy (SQLite could not take the lock to commit in time; the
  // transaction is rolled back), (2.8) unavailable (the connection was lost,
  // the disk is full or the database read-only: rolled back, or — a
  // connection lost during COMMIT — maybe committed), internal (any other
  // database failure; rolled back).
  // Without an open transaction: std::logic_error.
  virtual Result<void> commit() = 0;
  // Rolls the open transaction back and drops its after_commit() actions.
  // Without one it does nothing. Fails: never (a lost connection rolled back
  // on its own).
  virtual void rollback() = 0;
  virtual bool in_transaction() const = 0;

  // Runs `action` once the open transaction commits, or at once when none is
  // open; never, when it rolls back. For effects outside the database that
  // must follow a change (dropping a cached value, deleting a file). `action`
  // must not throw (a throw is logged and ignored).
  virtual void after_commit(std::function<void()> action) = 0;

  // --- SDK 2.2 ---
  // The statement for `sql`, prepared on the unit's connection the first
  // time that connection sees this text and kept with it (see
  // kept_statement.hpp). Leases the connection like connection(). The
  // pointer is valid until the unit gives the connection back.
  // Fails: busy (no connection became free in time), (2.8) unavailable. A
  // statement that does not prepare (bad SQL, a missing table) throws
  // soci::soci_error.
  virtual Result<KeptStatement*> kept(std::string_view sql) = 0;
};

// The database, for work outside requests.
class Database {
 public:
  virtual ~Database() = default;
  // Touches nothing. Fails: never.
  virtual Backend backend() const = 0;
  // A unit of work for background work (a job, a thread of your own): the
  // same rules as a request's unit. It leases its connection on first use
  // and returns it when destroyed; keep it only for one piece of work.
  // Request handlers use `request.work()` instead: a second unit in a
  // handler would hold a second connection. Fails: never (leasing happens
  // later, in UnitOfWork::connection()).
  virtual std::unique_ptr<UnitOfWork> open_unit() = 0;
};

// A write transaction on a unit, rolled back unless commit() succeeds.
//
//   auto tx = WriteTransaction::open(request.work());
//   if (!tx) return refusal_problem(tx.failure());
//   tx->sql() << ...;
//   if (auto done = tx->commit(); !done) return refusal_problem(done.failure());
class WriteTransaction {
 public:
  // Fails: as UnitOfWork::begin().
  static Result<WriteTransaction> open(UnitOfWork& work) {
    auto connection = work.connection();
    if (!connection) return connection.failure();
    if (auto begun = work.begin(); !begun) return begun.failure();
    return WriteTransaction(work, **connection);
  }

  WriteTransaction(WriteTransaction&& other) noexcept : work_(other.work_), sql_(other.sql_), open_(other.open_) {
    other.open_ = false;
  }
  WriteTransaction& operator=(WriteTransaction&&) = delete;
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;
  ~WriteTransaction() {
    if (open_) work_->rollback();
  }

  // The connection, for your own statements inside the transaction.
  soci::session& sql() { return *sql_; }
  UnitOfWork& work() { return *work_; }
  // Fails: as UnitOfWork::commit().
  Result<void> commit() {
    open_ = false;
    return work_->commit();
  }
  void rollback() {
    if (open_) work_->rollback();
    open_ = false;
  }

 private:
  WriteTransaction(UnitOfWork& work, soci::session& sql) : work_(&work), sql_(&sql) {}
  UnitOfWork* work_;
  soci::session* sql_;
  bool open_ = true;
};

}  // namespace memberd
