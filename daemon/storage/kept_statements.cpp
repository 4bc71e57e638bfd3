#include "storage/kept_statements.hpp"

#include <soci/sqlite3/soci-sqlite3.h>

namespace memberd {

class StatementCache::Kept final : public KeptStatement {
 public:
  Kept(soci::session& sql, const std::string& text) : statement_(sql) {
    statement_.alloc();
    statement_.prepare(text);
    // Debian's libsoci_sqlite3 exports neither the backend's typeinfo nor
    // its reset(): the backend is told by name, its handle reset directly.
    if (sql.get_backend_name() == "sqlite3")
      sqlite_ = static_cast<soci::sqlite3_statement_backend*>(statement_.get_backend());
  }
  ~Kept() = default;

  long long affected_rows() const override { return affected_; }
  bool broken() const { return broken_; }

 protected:
  soci::statement& statement() override { return statement_; }

  bool execute_bound() override {
    try {
      statement_.define_and_bind();
      bool got = statement_.execute(true);
      affected_ = statement_.get_affected_rows();
      unbind();
      return got;
    } catch (...) {
      broken_ = true;  // whatever state it is in, it is not used again
      unbind();
      throw;
    }
  }

  void unbind() override {
    // SQLite keeps a statement that stopped at a row active, and with it a
    // read transaction on the connection (blocking checkpoints, and DDL on
    // the same connection); PostgreSQL's backend has fetched everything.
    if (sqlite_ && sqlite_->stmt_) sqlite_api::sqlite3_reset(sqlite_->stmt_);
    statement_.bind_clean_up();
  }

 private:
  soci::statement statement_;
  soci::sqlite3_statement_backend* sqlite_ = nullptr;
  long long affected_ = 0;
  bool broken_ = false;
};

StatementCache::StatementCache(soci::session& sql) : sql_(sql) {}

StatementCache::~StatementCache() { clear(); }

KeptStatement& StatementCache::get(std::string_view sql, std::uint64_t epoch) {
  if (epoch != epoch_) {
    clear();
    epoch_ = epoch;
  }
  auto it = kept_.find(std::string(sql));
  if (it != kept_.end() && !it->second->broken()) return *it->second;
  if (it != kept_.end()) kept_.erase(it);
  if (kept_.size() >= kLimit) clear();
  std::string text(sql);
  auto fresh = std::make_unique<Kept>(sql_, text);  // throws when it does not prepare
  ++prepared_;
  return *kept_.emplace(std::move(text), std::move(fresh)).first->second;
}

void StatementCache::clear() { kept_.clear(); }

}  // namespace memberd
