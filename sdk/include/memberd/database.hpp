#pragma once
// Transactions that write. Include this where you change data.
//
//   auto lease = host.database().lease();
//   memberd::Transaction tx(*lease);
//   tx.sql() << "UPDATE ...", soci::use(x);
//   host.events().publish(tx.sql(), "thing.changed", {...});
//   tx.commit();            // not reached (an exception): rolled back
//
// Why not soci::transaction: on SQLite it opens a deferred transaction,
// which reads first and asks for the write lock later; if another
// connection wrote in between, SQLite refuses at once ("database is
// locked") instead of waiting. This one takes the write lock up front on
// SQLite (BEGIN IMMEDIATE), so writers queue behind the busy timeout.
#include <memberd/host.hpp>

#include <soci/soci.h>

namespace memberd {

class Transaction {
 public:
  explicit Transaction(DbLease& lease) : sql_(lease.sql()) {
    if (lease.backend() == Backend::sqlite) sql_ << "BEGIN IMMEDIATE";
    else sql_.begin();
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction() {
    if (open_) {
      try {
        sql_.rollback();
      } catch (...) {
        // The connection is gone; the server rolled back for us.
      }
    }
  }
  soci::session& sql() { return sql_; }
  void commit() {
    sql_.commit();
    open_ = false;
  }
  void rollback() {
    open_ = false;
    sql_.rollback();
  }

 private:
  soci::session& sql_;
  bool open_ = true;
};

}  // namespace memberd
