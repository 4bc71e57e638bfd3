#pragma once
// A PostgreSQL connection of its own that LISTENs on one channel and hands
// each notification to a callback, on a thread of its own.
//
// It is not one of the pool's connections: a pooled connection is leased for
// one unit of work at a time and never waits on its socket, while this one
// waits on it all the time. When the connection is lost (the server restarts,
// fails over, or the network drops it; TCP keepalives notice a silent peer
// within about 20 s) the thread says so at once and connects again, waiting
// 0.5 s, then twice as long each time up to 5 s. libpq stays inside the .cpp.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

namespace memberd {

class LogSink;

class PostgresListener {
 public:
  struct Callbacks {
    // One notification's payload, in the order the server sent them.
    std::function<void(std::string_view payload)> notified;
    // LISTEN took effect: at start, and after every reconnect.
    std::function<void()> listening;
    // The connection failed: notifications may be missed until `listening`.
    std::function<void()> lost;
    // This connection took the leader lock (true), or lost it with the
    // connection (false).
    std::function<void(bool)> leading;
  };

  // `keywords`: libpq's connection string (postgres_url_to_keywords).
  // `leader_lock`: an advisory lock key the connection tries to take (at
  // once, then every 5 s while another session holds it) and keeps while it
  // lives, so that of all daemons listening exactly one leads, and another
  // takes over within 5 s of its connection ending (a kill -9 ends it at
  // once; a vanished host when keepalives give up).
  // `daemon_lock`: when not 0, the two-key advisory lock (727277,
  // daemon_lock) the connection holds while it lives: the daemon's sign of
  // life in pg_locks (cluster_registry.hpp).
  PostgresListener(std::string keywords, std::string channel, long long leader_lock, long long daemon_lock,
                   Callbacks callbacks, LogSink& log);
  ~PostgresListener();  // stop()
  PostgresListener(const PostgresListener&) = delete;
  PostgresListener& operator=(const PostgresListener&) = delete;

  // Tries to connect once on the calling thread (so a daemon that can reach
  // its database starts listening), then keeps listening, and reconnecting,
  // on its own thread. Returns whether the first try is listening. Throws
  // std::system_error when the thread or its wake-up pipe cannot be made.
  bool start();
  // Wakes the thread, waits for it and closes the connection. Idempotent.
  void stop();

 private:
  struct Connection;
  bool connect_and_listen();
  // Reads notifications until the connection fails (false) or stop() (true).
  bool listen_until_lost_or_stopped();
  // Tries the leader lock once; false when the connection failed.
  bool try_to_lead();
  void hand_over_notifications();
  // Sleeps `delay`, cut short by stop(); false when stopping.
  bool pause(std::chrono::milliseconds delay);
  void run();

  std::string keywords_, channel_;
  long long leader_lock_, daemon_lock_;
  bool leading_ = false;
  Callbacks callbacks_;
  LogSink& log_;
  std::unique_ptr<Connection> connection_;
  int wake_[2] = {-1, -1};  // a pipe: stop() writes, the thread's poll() wakes
  std::thread thread_;
};

}  // namespace memberd
