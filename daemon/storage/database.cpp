#include "storage/database.hpp"
#include "storage/kept_statements.hpp"
#include "storage/pooled_unit.hpp"
#include "storage/sqlite_busy_wait.hpp"
#include "util/blocking_region.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <sqlite3.h>

#include <cctype>
#include <filesystem>
#include <mutex>
#include <stdexcept>

namespace memberd {

namespace {

std::string percent_decode(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (i + 2 >= s.size() || !std::isxdigit(static_cast<unsigned char>(s[i + 1])) ||
          !std::isxdigit(static_cast<unsigned char>(s[i + 2])))
        throw std::invalid_argument("bad percent escape in database URL");
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// libpq keyword values are quoted when they contain spaces or quotes.
std::string keyword_value(const std::string& v) {
  if (!v.empty() && v.find_first_of(" '\\") == std::string::npos) return v;
  std::string out = "'";
  for (char c : v) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

}  // namespace

std::string postgres_url_to_keywords(const std::string& url) {
  std::string rest;
  for (const char* scheme : {"postgresql://", "postgres://"})
    if (url.rfind(scheme, 0) == 0) rest = url.substr(std::string(scheme).size());
  if (rest.empty()) throw std::invalid_argument("not a postgresql:// URL");

  std::string query;
  if (auto q = rest.find('?'); q != std::string::npos) {
    query = rest.substr(q + 1);
    rest.resize(q);
  }
  std::string dbname;
  if (auto slash = rest.find('/'); slash != std::string::npos) {
    dbname = percent_decode(rest.substr(slash + 1));
    rest.resize(slash);
  }
  std::string user, password;
  if (auto at = rest.rfind('@'); at != std::string::npos) {
    std::string userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
    auto colon = userinfo.find(':');
    user = percent_decode(userinfo.substr(0, colon));
    if (colon != std::string::npos) password = percent_decode(userinfo.substr(colon + 1));
  }
  std::string host = rest, port;
  if (!host.empty() && host.front() == '[') {
    auto close = host.find(']');
    if (close == std::string::npos) throw std::invalid_argument("unclosed [ in database URL host");
    if (close + 1 < host.size() && host[close + 1] == ':') port = host.substr(close + 2);
    host = host.substr(1, close - 1);
  } else if (auto colon = host.rfind(':'); colon != std::string::npos) {
    port = host.substr(colon + 1);
    host.resize(colon);
  }
  if (dbname.empty()) throw std::invalid_argument("the database URL names no database");

  std::string out = "dbname=" + keyword_value(dbname);
  if (!host.empty()) out += " host=" + keyword_value(percent_decode(host));
  if (!port.empty()) out += " port=" + keyword_value(port);
  if (!user.empty()) out += " user=" + keyword_value(user);
  if (!password.empty()) out += " password=" + keyword_value(password);
  std::size_t start = 0;
  while (start < query.size()) {
    auto end = query.find('&', start);
    if (end == std::string::npos) end = query.size();
    auto pair = query.substr(start, end - start);
    auto eq = pair.find('=');
    if (eq == std::string::npos) throw std::invalid_argument("bad query parameter in database URL");
    out += " " + pair.substr(0, eq) + "=" + keyword_value(percent_decode(pair.substr(eq + 1)));
    start = end + 1;
  }
  return out;
}

class ConnectionPool::Lease final : public PoolLease {
 public:
  Lease(ConnectionPool& pool, std::size_t index) : pool_(pool), index_(index) {}
  ~Lease() override { pool_.give_back(index_); }
  soci::session& sql() override { return *pool_.sessions_[index_]; }
  Backend backend() const override { return pool_.backend_; }
  std::chrono::steady_clock::time_point opened_at() const override { return pool_.opened_at_[index_]; }
  KeptStatement& kept(std::string_view sql) override {
    auto& cache = *pool_.statements_[index_];
    auto before = cache.prepared();
    auto& statement = cache.get(sql, pool_.statements_epoch_.load(std::memory_order_relaxed));
    pool_.statements_prepared_.fetch_add(cache.prepared() - before, std::memory_order_relaxed);
    return statement;
  }

 private:
  ConnectionPool& pool_;
  std::size_t index_;
};

namespace {

// Debian's SQLite keeps memory statistics (SQLITE_DEFAULT_MEMSTATUS is not
// 0) and has no lookaside allocator (SQLITE_OMIT_LOOKASIDE), so every one
// of the dozens of small allocations preparing a statement makes took one
// mutex shared by all connections. Without it GET /api/v1/me went from
// 17-18k to 19-20k requests/s at 64 connections (the query's share of the
// daemon's CPU from 44% to 35%). Nothing here reads sqlite3_memory_used().
// Has to run before SQLite initialises (the first open); later calls are
// refused by SQLite and change nothing.
void tune_sqlite_once() {
  static std::once_flag once;
  std::call_once(once, [] { sqlite_api::sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

}  // namespace

Backend backend_for_url(std::string_view url) {
  return url.rfind("sqlite:", 0) == 0 ? Backend::sqlite : Backend::postgresql;
}

ConnectionPool::ConnectionPool(const DatabaseSettings& settings)
    : lease_timeout_(settings.lease_timeout), busy_timeout_(settings.busy_timeout) {
  const std::string& url = settings.url;
  std::string connect;
  const soci::backend_factory* factory;
  backend_ = backend_for_url(url);
  if (backend_ == Backend::sqlite) {
    tune_sqlite_once();
    factory = soci::factory_sqlite3();
    std::string file = url.substr(7);
    if (file.rfind("//", 0) == 0) file = file.substr(2);  // tolerate sqlite://path
    if (file.empty()) throw std::runtime_error("database.url names no SQLite file");
    auto parent = std::filesystem::path(file).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent);
    auto timeout_s = std::max<long long>(1, std::chrono::duration_cast<std::chrono::seconds>(settings.busy_timeout).count());
    connect = "db=" + keyword_value(file) + " timeout=" + std::to_string(timeout_s);
  } else {
    factory = soci::factory_postgresql();
    connect = postgres_url_to_keywords(url);
    // libpq waits for a TCP connect as long as the kernel does (about two
    // minutes to a host that drops packets): every lease during such an
    // outage would hang that long before its 503. A URL may set its own.
    if (connect.find("connect_timeout=") == std::string::npos) connect += " connect_timeout=5";
  }
  for (std::size_t i = 0; i < settings.pool_size; ++i) {
    auto session = std::make_unique<soci::session>();
    try {
      session->open(*factory, connect);
    } catch (const std::exception& e) {
      // SOCI's message may echo the connection string; say only what failed.
      throw std::runtime_error(std::string("cannot open the ") +
                               (backend_ == Backend::sqlite ? "SQLite" : "PostgreSQL") +
                               " database: " + (backend_ == Backend::sqlite ? e.what() : "connection refused or rejected (check database.url)"));
    }
    if (backend_ == Backend::sqlite) {
      *session << "PRAGMA journal_mode=WAL";
      *session << "PRAGMA synchronous=NORMAL";
      *session << "PRAGMA foreign_keys=ON";
      install_sqlite_busy_wait(*session, &busy_timeout_);
    }
    free_.push_back(i);
    opened_at_.push_back(outages_.now());
    statements_.push_back(std::make_unique<StatementCache>(*session));
    sessions_.push_back(std::move(session));
  }
}

ConnectionPool::~ConnectionPool() { statements_.clear(); }

std::unique_ptr<UnitOfWork> ConnectionPool::open_unit() { return std::make_unique<PooledUnit>(*this); }

std::unique_ptr<UnitOfWork> ConnectionPool::open_unit_for(std::string caller) {
  return std::make_unique<PooledUnit>(*this, std::move(caller));
}

std::unique_ptr<PoolLease> ConnectionPool::lease() {
  std::unique_lock lock(mutex_);
  std::size_t index;
  if (!free_.empty() && waiting_.empty()) {
    index = free_.back();
    free_.pop_back();
  } else {
    // First come, first served: a connection given back goes to the
    // longest waiter, never to whoever asks next. With one condition
    // variable a worker that had just given a connection back took it
    // again before the woken waiter ran, so with 1,000 connections some
    // requests waited seconds (p99 0.77 s, and 503s at the lease timeout).
    Waiter self;
    waiting_.push_back(&self);
    BlockingRegion waiting;  // for another request's connection
    bool granted = self.wake.wait_for(lock, lease_timeout_, [&] { return self.granted; });
    if (!granted) {
      std::erase(waiting_, &self);
      throw DatabaseBusy();
    }
    index = self.index;
  }
  lock.unlock();
  leases_total_.fetch_add(1, std::memory_order_relaxed);
  auto lease = std::make_unique<Lease>(*this, index);
  // A PostgreSQL restart drops every pooled connection; heal on the next lease.
  // Its kept statements belong to the lost connection: they go first.
  if (backend_ == Backend::postgresql && !sessions_[index]->is_connected()) {
    statements_[index]->clear();
    try {
      sessions_[index]->reconnect();
    } catch (const soci::soci_error& e) {
      // The server is down or unreachable; `lease` gives the connection
      // back (without a backend: the next lease tries to open it again).
      auto fault = classify_database_error(e, true);
      throw DatabaseUnavailable(fault == DatabaseFault::none ? DatabaseFault::unreachable : fault);
    }
    opened_at_[index] = outages_.now();
  }
  return lease;
}

void ConnectionPool::give_back(std::size_t index) {
  std::unique_lock lock(mutex_);
  if (waiting_.empty()) {
    free_.push_back(index);
    return;
  }
  Waiter* next = waiting_.front();
  waiting_.pop_front();
  next->index = index;
  next->granted = true;
  // Notified under the lock: the waiter's condition variable lives on its
  // stack, and it may return (and destroy it) as soon as the lock is free.
  next->wake.notify_one();
}

std::size_t ConnectionPool::in_use() const {
  std::lock_guard lock(mutex_);
  return sessions_.size() - free_.size();
}

std::size_t ConnectionPool::waiting() const {
  std::lock_guard lock(mutex_);
  return waiting_.size();
}

bool ConnectionPool::ping() {
  std::unique_ptr<PoolLease> l;
  auto began = outages_.now();
  try {
    l = lease();
    int one = 0;
    l->sql() << "select 1", soci::into(one);
    if (backend_ == Backend::postgresql) outages_.connected(l->opened_at());
    return one == 1;
  } catch (const DatabaseUnavailable& e) {
    outages_.failed(e.fault, began);
    return false;
  } catch (const std::exception& e) {
    outages_.failed(classify_database_error(e, l && connection_lost(l->sql())), began);
    return false;
  }
}

}  // namespace memberd
