#pragma once
// The daemons serving from one database, as `GET /api/v1/admin/cluster` and
// `memberctl cluster` show them (table cluster_daemons).
//
// A daemon enrols at start (host, pid, version) and rewrites its plugins
// (name, version, generation, state) when they change; it writes no
// heartbeat. Whether a daemon is alive, and whether it leads, PostgreSQL
// says itself: its listening connection holds the advisory lock (727277,
// daemon_id) while it lives, and the leader's also holds 727276
// (change_feed.hpp), both visible in pg_locks and both gone the moment a
// killed daemon's connection ends. On SQLite the one daemon is this one.
#include <memberd/result.hpp>
#include <memberd/unit_of_work.hpp>

#include <mutex>
#include <string>
#include <vector>

namespace memberd {

class ConnectionPool;

struct DaemonRecord {
  long long daemon_id = 0;
  std::string host, version, plugins_json;
  long long pid = 0, started_at = 0, updated_at = 0, stopped_at = 0;
  bool alive = false, leader = false;
};

// The advisory lock key pair a daemon's listening connection holds.
inline constexpr long long kDaemonLockClass = 727277;

class ClusterRegistry {
 public:
  explicit ClusterRegistry(ConnectionPool& database);

  // Enrols this daemon; its id from then on (0 until then: unlisted).
  // Throws std::runtime_error or soci::soci_error (a database that takes no
  // writes); the daemon then serves unlisted.
  long long enrol(const std::string& host, long long pid, const std::string& version, long long now);
  long long id() const { return id_; }
  // Rewrites this daemon's plugins when they differ from what was written
  // last. Throws soci::soci_error (the caller logs an outage once).
  void record_plugins(const std::string& plugins_json, long long now);
  // Marks this daemon stopped; failures are ignored (it is stopping).
  void leave(long long now) noexcept;
  // Every daemon alive, and those that stopped or died within `recent`
  // seconds of `now`, oldest first. Fails: busy, unavailable.
  Result<std::vector<DaemonRecord>> list(UnitOfWork& work, long long now, long long recent = 24 * 3600);
  // Deletes rows of daemons gone for longer than `older_than` seconds (the
  // leader's housekeeping). Returns how many.
  Result<int> purge(UnitOfWork& work, long long now, long long older_than = 7 * 24 * 3600);
  // A SQL condition true when the daemon `column` names is not alive (for
  // claims left behind): on PostgreSQL from pg_locks, on SQLite "not this
  // daemon".
  std::string dead_daemon_condition(const std::string& column) const;

 private:
  ConnectionPool& database_;
  long long id_ = 0;
  std::mutex mutex_;
  std::string written_plugins_;
};

}  // namespace memberd
