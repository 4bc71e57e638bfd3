#pragma once
// The statements a pooled connection keeps prepared (UnitOfWork::kept,
// SDK 2.2). One cache per connection, used only by the thread that holds
// the connection's lease, so it needs no lock of its own.
#include <memberd/kept_statement.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

namespace memberd {

class StatementCache {
 public:
  // Past this many texts on one connection the cache starts over: a plugin
  // that builds SQL text from values would otherwise grow it without end.
  static constexpr std::size_t kLimit = 256;

  explicit StatementCache(soci::session& sql);
  ~StatementCache();
  StatementCache(const StatementCache&) = delete;

  // The kept statement for `sql`, prepared now if this connection has none
  // (or its last run threw). Throws soci::soci_error when it does not
  // prepare. `epoch` is the pool's schema epoch: a newer one than the
  // cache last saw drops everything first.
  KeptStatement& get(std::string_view sql, std::uint64_t epoch);
  // Finalises every statement: before the connection closes or reconnects.
  void clear();

  // Statements this cache has prepared (memberd_db_statements_prepared_total).
  std::uint64_t prepared() const { return prepared_; }

 private:
  class Kept;
  soci::session& sql_;
  std::unordered_map<std::string, std::unique_ptr<Kept>> kept_;
  std::uint64_t epoch_ = 0;
  std::uint64_t prepared_ = 0;
};

}  // namespace memberd
