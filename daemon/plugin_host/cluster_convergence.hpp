#pragma once
// This daemon's side of a plugin reload or unload asked for the whole
// cluster (storage/plugin_requests.hpp): a thread of its own applies each
// request newer than the last one it applied and keeps the outcome, which
// the daemon writes into its cluster_daemons row (progress for
// GET /api/v1/admin/cluster, memberctl cluster and the console).
//
// It looks when a request is announced (every daemon hears it at commit,
// change_feed.hpp), when the feed comes back after a gap, and on its own
// every 30 s (every 5 s while the feed is not live) for one it missed.
//
// At start the plugins are loaded from their files: a reload asked before
// that (its id read by before_loading()) is met by the load and is not done
// again, but an unload asked before is applied, so a daemon started later
// serves what the cluster was asked to serve. A reload asked while the
// plugins loaded, or one that could not be read beforehand, is done: an
// extra reload costs little, a skipped one would leave an old file serving.
#include "storage/plugin_requests.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace memberd {

class ChangeFeed;
class ConnectionPool;
class LogSink;
class PluginHost;

class ClusterConvergence {
 public:
  // What this daemon did with a plugin's newest request it applied; an
  // empty error means it serves as asked.
  struct Outcome {
    long long request_id = 0;
    std::string error;
  };

  // `applied` runs on the convergence thread after each request this daemon
  // applied (the daemon records its plugins).
  ClusterConvergence(ConnectionPool& database, ChangeFeed& changes, PluginRequests& requests, PluginHost& plugins,
                     LogSink& log, std::function<void()> applied);
  ~ClusterConvergence();
  ClusterConvergence(const ClusterConvergence&) = delete;

  // Before the plugins load: the requests asked so far (an outage leaves
  // none known, and every reload is done).
  void before_loading();
  // After the plugins loaded: the first look, on the calling thread (an
  // outage leaves it to the thread), then the thread. Throws
  // std::system_error when the thread cannot be made.
  void start();
  // Before the plugins shut down; waits out a reload in progress.
  void stop();

  // The outcome per plugin name.
  std::map<std::string, Outcome> outcomes() const;

 private:
  void loop();
  // Reads the requests and applies the new ones; false when the database
  // could not be read (the outage is the pool's to log).
  bool look();
  // `met_by_start`: a reload the load at start already did.
  void apply(const PluginRequest& request, bool met_by_start);

  ConnectionPool& database_;
  ChangeFeed& changes_;
  PluginRequests& requests_;
  PluginHost& plugins_;
  LogSink& log_;
  std::function<void()> applied_;
  std::uint64_t subscription_ = 0;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool told_ = false, stopping_ = false;
  std::map<std::string, long long> before_start_;  // plugin -> newest request id read before loading
  std::map<std::string, Outcome> outcomes_;
  std::thread thread_;
};

}  // namespace memberd
