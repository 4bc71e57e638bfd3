#pragma once
// Changes that every daemon on the database must hear at once: what a daemon
// keeps in memory (a cached session, a plugin's cached facts about a member)
// and another daemon may change.
//
// announce(work, topic, key) runs this daemon's handlers for `topic` once
// `work` commits, and on PostgreSQL also sends the change with the
// transaction (pg_notify on channel `memberd_changes`, delivered by the
// server at commit and only then), so every other daemon's listener
// (postgres_listener.hpp) runs its handlers too, milliseconds later.
//
// A daemon that is not listening (its listening connection was lost, or it
// never came up) may miss changes: live() is false then, and whoever caches
// must not serve from memory. When listening starts again every handler is
// called with the empty key, "anything of this topic may have changed", so
// what was cached before the gap is dropped. On SQLite the feed is always
// live and local: one daemon owns the file.
#include <memberd/result.hpp>
#include <memberd/unit_of_work.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace memberd {

class LogSink;
class PostgresListener;

class ChangeFeed {
 public:
  // The key that changed, or "" for "anything of the topic may have changed".
  // Called on the committing thread (this daemon's changes) or the listener's
  // thread; must be quick and must not throw (a throw is logged and ignored).
  using Handler = std::function<void(std::string_view key)>;

  // `url` is database.url; PostgreSQL's is listened on from start().
  // `daemon_id` (cluster_registry.hpp; 0: none) is held as this daemon's
  // sign of life on the listening connection.
  ChangeFeed(Backend backend, std::string url, LogSink& log, long long daemon_id = 0);
  ~ChangeFeed();
  ChangeFeed(const ChangeFeed&) = delete;

  // Starts listening (PostgreSQL); a daemon that cannot listen yet still
  // starts, not live, and keeps trying. Throws std::system_error when the
  // listener's thread cannot be made.
  void start();
  void stop();

  // Announces that `key` of `topic` changed, as part of `work`'s open
  // transaction (or at once without one). A topic is 1-120 of [a-z0-9._-]; a
  // key 1-200 printable ASCII characters: std::invalid_argument otherwise.
  // Fails: busy, unavailable (the transaction fails with it).
  Result<void> announce(UnitOfWork& work, std::string_view topic, std::string_view key);

  // Handlers stay until unsubscribe(), which waits out a call in progress
  // (from another thread: a handler may unsubscribe itself). Handlers run
  // outside the feed's lock, so one may announce in turn.
  std::uint64_t subscribe(std::string topic, Handler handler);
  void unsubscribe(std::uint64_t id);

  // Whether every change, this daemon's and the others', reaches the handlers.
  bool live() const { return live_.load(std::memory_order_acquire); }
  // Whether this daemon runs the cluster's once-only background work
  // (retention): on PostgreSQL the listening connection holds an advisory
  // lock (key 727276) that one daemon at a time can take, and another takes
  // over within 5 s of that connection ending; on SQLite, always. Two
  // daemons may both believe it for a moment (a partition before keepalives
  // give up): such work must be safe to run twice.
  bool leading() const { return leading_.load(std::memory_order_acquire); }
  // Changes heard from other daemons since start (memberd_changes_heard_total).
  std::uint64_t heard_total() const { return heard_.load(std::memory_order_relaxed); }

 private:
  void deliver(std::string_view topic, std::string_view key);
  void deliver_to_all(std::string_view key);
  void heard(std::string_view payload);

  Backend backend_;
  std::string url_;
  LogSink& log_;
  long long daemon_id_;
  std::string origin_;  // this daemon's mark on what it sends
  std::atomic<bool> live_, leading_;
  std::atomic<std::uint64_t> heard_{0};
  struct Subscription {
    std::string topic;
    Handler handler;
    // Held while its handler runs; unsubscribe() takes it to wait one out.
    // Recursive: a handler whose announcement reaches itself.
    std::recursive_mutex running;
    bool active = true;
  };
  std::mutex handlers_mutex_;  // guards handlers_ only
  std::map<std::uint64_t, std::shared_ptr<Subscription>> handlers_;
  std::uint64_t next_id_ = 1;
  std::unique_ptr<PostgresListener> listener_;
};

}  // namespace memberd
