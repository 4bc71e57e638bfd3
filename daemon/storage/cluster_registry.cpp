#include "storage/cluster_registry.hpp"

#include "storage/database.hpp"
#include "storage/row_values.hpp"

#include <soci/soci.h>

#include <stdexcept>

namespace memberd {

namespace {

// pg_locks shows a two-key advisory lock (k1, k2) as classid = k1, objid =
// k2, objsubid = 2; a one-key lock k as classid = k >> 32, objid = k & 0xffffffff,
// objsubid = 1 (the leader's 727276: classid 0).
// Advisory locks belong to a database: pg_locks lists every database's, and
// another memberd on another database of the same server holds the same
// keys (daemon ids start at 1 in each). Only this database's count.
constexpr const char* kThisDatabase = "(SELECT oid FROM pg_database WHERE datname = current_database())";

std::string holds_daemon_lock(const std::string& column) {
  return "EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.database = " +
         std::string(kThisDatabase) + " AND l.classid = " + std::to_string(kDaemonLockClass) +
         " AND l.objsubid = 2 AND l.granted AND l.objid::bigint = " + column + ")";
}

std::string holds_leader_lock(const std::string& column) {
  return "EXISTS (SELECT 1 FROM pg_locks l JOIN pg_locks m ON m.pid = l.pid WHERE l.locktype = 'advisory' AND "
         "l.database = " + std::string(kThisDatabase) + " AND l.classid = " + std::to_string(kDaemonLockClass) +
         " AND l.objsubid = 2 AND l.granted AND l.objid::bigint = " + column +
         " AND m.locktype = 'advisory' AND m.classid = 0 AND m.objid = 727276 AND m.objsubid = 1 AND m.granted)";
}

}  // namespace

ClusterRegistry::ClusterRegistry(ConnectionPool& database) : database_(database) {}

long long ClusterRegistry::enrol(const std::string& host, long long pid, const std::string& version, long long now) {
  auto lease = database_.lease();
  auto& sql = lease->sql();
  std::string h = host.substr(0, 255), v = version.substr(0, 64);
  if (database_.backend() == Backend::postgresql) {
    sql << "INSERT INTO cluster_daemons (host, pid, version, started_at, updated_at) VALUES (:h, :p, :v, :s, :u)"
           " RETURNING daemon_id",
        soci::use(h), soci::use(pid), soci::use(v), soci::use(now), soci::use(now), soci::into(id_);
  } else {
    sql << "INSERT INTO cluster_daemons (host, pid, version, started_at, updated_at) VALUES (:h, :p, :v, :s, :u)",
        soci::use(h), soci::use(pid), soci::use(v), soci::use(now), soci::use(now);
    sql << "SELECT last_insert_rowid()", soci::into(id_);
  }
  if (id_ <= 0 || id_ > 0x7fffffff) {
    id_ = 0;
    throw std::runtime_error("cannot enrol in cluster_daemons");
  }
  return id_;
}

void ClusterRegistry::record_plugins(const std::string& plugins_json, long long now) {
  if (id_ == 0) return;  // not enrolled
  {
    std::lock_guard lock(mutex_);
    if (plugins_json == written_plugins_) return;
  }
  auto lease = database_.lease();
  lease->sql() << "UPDATE cluster_daemons SET plugins = :p, updated_at = :u WHERE daemon_id = :id",
      soci::use(plugins_json), soci::use(now), soci::use(id_);
  std::lock_guard lock(mutex_);
  written_plugins_ = plugins_json;
}

void ClusterRegistry::leave(long long now) noexcept {
  if (id_ == 0) return;
  try {
    auto lease = database_.lease();
    lease->sql() << "UPDATE cluster_daemons SET stopped_at = :s, updated_at = :u WHERE daemon_id = :id",
        soci::use(now), soci::use(now), soci::use(id_);
  } catch (...) {
    // Stopping during an outage: the row shows the daemon as not alive anyway.
  }
}

std::string ClusterRegistry::dead_daemon_condition(const std::string& column) const {
  if (database_.backend() == Backend::postgresql) return "NOT " + holds_daemon_lock(column);
  // Unlisted (id 0): no claim names this daemon, so none may be called dead.
  return id_ == 0 ? std::string("1 = 0") : column + " <> " + std::to_string(id_);
}

Result<std::vector<DaemonRecord>> ClusterRegistry::list(UnitOfWork& work, long long now, long long recent) {
  auto connection = work.connection();
  if (!connection) return connection.failure();
  const bool postgres = work.backend() == Backend::postgresql;
  std::string self = std::to_string(id_);
  std::string alive = postgres ? holds_daemon_lock("d.daemon_id") : "d.daemon_id = " + self;
  std::string leader = postgres ? holds_leader_lock("d.daemon_id") : "d.daemon_id = " + self;
  long long since = now - recent;
  soci::rowset<soci::row> rows =
      ((*connection)->prepare << "SELECT d.daemon_id, d.host, d.pid, d.version, d.started_at, d.updated_at, d.plugins,"
                                 " d.stopped_at, CASE WHEN " + alive + " THEN 1 ELSE 0 END, CASE WHEN " + leader +
                                     " THEN 1 ELSE 0 END FROM cluster_daemons d"
                                     " WHERE (d.stopped_at = 0 AND (" + alive + " OR d.updated_at >= :s))"
                                     " OR d.stopped_at >= :s2 ORDER BY d.daemon_id",
       soci::use(since), soci::use(since));
  std::vector<DaemonRecord> out;
  for (const auto& row : rows) {
    DaemonRecord r;
    r.daemon_id = row_int64(row, 0);
    r.host = row.get<std::string>(1);
    r.pid = row_int64(row, 2);
    r.version = row.get<std::string>(3);
    r.started_at = row_int64(row, 4);
    r.updated_at = row_int64(row, 5);
    r.plugins_json = row.get<std::string>(6);
    r.stopped_at = row_int64(row, 7);
    r.alive = row_int64(row, 8) == 1;
    r.leader = row_int64(row, 9) == 1;
    out.push_back(std::move(r));
  }
  return out;
}

Result<int> ClusterRegistry::purge(UnitOfWork& work, long long now, long long older_than) {
  auto connection = work.connection();
  if (!connection) return connection.failure();
  long long cutoff = now - older_than;
  std::string gone = dead_daemon_condition("daemon_id");
  soci::statement st = ((*connection)->prepare << "DELETE FROM cluster_daemons WHERE updated_at < :c AND " + gone,
                        soci::use(cutoff));
  st.execute(true);
  return static_cast<int>(st.get_affected_rows());
}

}  // namespace memberd
