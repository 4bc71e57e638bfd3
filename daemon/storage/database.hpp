#pragma once
// The SOCI connection pool behind `memberd::Database`.
//
// SQLite ("sqlite:var/memberd.db") is the embedded default: every connection
// runs in WAL mode with a busy timeout and foreign keys on, so readers never
// block the writer and concurrent writers wait instead of failing.
// PostgreSQL ("postgresql://user:pass@host:port/db") is for several daemons on
// one database; SOCI 4.0.3 cannot parse such URLs, so they are translated to
// libpq's keyword form here.
#include <memberd/host.hpp>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace memberd {

struct DatabaseSettings {
  std::string url;
  std::size_t pool_size = 8;
  std::chrono::milliseconds busy_timeout{5000};
  std::chrono::milliseconds lease_timeout{5000};
};

// Thrown when no session frees up within the lease timeout: the host answers 503.
struct DatabaseBusy : std::runtime_error {
  DatabaseBusy() : std::runtime_error("no database connection became free in time") {}
};

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
  std::unique_ptr<DbLease> lease() override;

  std::size_t size() const { return sessions_.size(); }
  std::size_t in_use() const;
  // Runs `select 1` on a leased session; false if the database does not answer.
  bool ping();

 private:
  class Lease;
  void give_back(std::size_t index);

  Backend backend_;
  std::chrono::milliseconds lease_timeout_;
  std::vector<std::unique_ptr<soci::session>> sessions_;
  std::vector<std::size_t> free_;
  mutable std::mutex mutex_;
  std::condition_variable available_;
};

}  // namespace memberd
