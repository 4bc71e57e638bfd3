#include "storage/postgres_listener.hpp"

#include "log/logger.hpp"

#include <libpq-fe.h>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace memberd {

struct PostgresListener::Connection {
  PGconn* conn = nullptr;
  ~Connection() { close(); }
  void close() {
    if (conn) PQfinish(conn);
    conn = nullptr;
  }
};

namespace {
// TCP keepalives: a peer that vanished without closing (a failed-over host,
// a dropped route) is noticed after about 10 + 3 * 3 s instead of never,
// since a listener mostly reads; tcp_user_timeout bounds a query whose
// bytes are never acknowledged (the lock asked every 5 s) to 20 s instead of
// the kernel's ~15 minutes of retransmissions. The server side gets the
// same keepalives, so that it ends a vanished daemon's session, and frees
// its leader lock, within seconds rather than after its 2-hour default.
constexpr const char* kKeepalives =
    " keepalives=1 keepalives_idle=10 keepalives_interval=3 keepalives_count=3 tcp_user_timeout=20000"
    " options='-c tcp_keepalives_idle=10 -c tcp_keepalives_interval=3 -c tcp_keepalives_count=3'";
constexpr std::chrono::milliseconds kFirstRetry{500}, kLastRetry{5000};
// How often a daemon that does not lead asks for the leader lock: each ask is
// a transaction, and the wait bounds a failover.
constexpr std::chrono::milliseconds kLeaderRetry{5000};

std::string quoted_identifier(PGconn* conn, const std::string& name) {
  char* escaped = PQescapeIdentifier(conn, name.data(), name.size());
  if (!escaped) return {};
  std::string out(escaped);
  PQfreemem(escaped);
  return out;
}
}  // namespace

PostgresListener::PostgresListener(std::string keywords, std::string channel, long long leader_lock,
                                   long long daemon_lock, Callbacks callbacks, LogSink& log)
    : keywords_(std::move(keywords)),
      channel_(std::move(channel)),
      leader_lock_(leader_lock),
      daemon_lock_(daemon_lock),
      callbacks_(std::move(callbacks)),
      log_(log),
      connection_(std::make_unique<Connection>()) {
  if (keywords_.find("connect_timeout=") == std::string::npos) keywords_ += " connect_timeout=5";
  keywords_ += kKeepalives;
  keywords_ += " application_name=memberd-listener";
}

PostgresListener::~PostgresListener() { stop(); }

bool PostgresListener::start() {
  if (thread_.joinable()) return true;
  if (pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0) throw std::system_error(errno, std::generic_category(), "pipe2");
  bool listening = connect_and_listen() && try_to_lead();
  if (listening && callbacks_.listening) callbacks_.listening();
  if (!listening) connection_->close();  // the thread connects again
  thread_ = std::thread([this] { run(); });
  return listening;
}

void PostgresListener::stop() {
  if (thread_.joinable()) {
    char byte = 1;
    (void)!write(wake_[1], &byte, 1);
    thread_.join();
  }
  connection_->close();
  for (int& fd : wake_)
    if (fd >= 0) {
      ::close(fd);
      fd = -1;
    }
}

bool PostgresListener::connect_and_listen() {
  connection_->close();
  PGconn* conn = PQconnectdb(keywords_.c_str());
  connection_->conn = conn;
  if (!conn || PQstatus(conn) != CONNECTION_OK) {
    connection_->close();
    return false;
  }
  std::string listen = "LISTEN " + quoted_identifier(conn, channel_);
  PGresult* result = PQexec(conn, listen.c_str());
  bool ok = result && PQresultStatus(result) == PGRES_COMMAND_OK;
  PQclear(result);
  if (ok && daemon_lock_ != 0) {
    // This daemon's own key: no other session waits for it, so it is
    // granted at once.
    std::string lock = "SELECT pg_advisory_lock(727277, " + std::to_string(daemon_lock_) + ")";
    result = PQexec(conn, lock.c_str());
    ok = result && PQresultStatus(result) == PGRES_TUPLES_OK;
    PQclear(result);
  }
  if (!ok || PQsetnonblocking(conn, 1) != 0) {
    connection_->close();
    return false;
  }
  return true;
}

void PostgresListener::hand_over_notifications() {
  while (PGnotify* note = PQnotifies(connection_->conn)) {
    std::string_view payload(note->extra ? note->extra : "");
    if (callbacks_.notified) callbacks_.notified(payload);
    PQfreemem(note);
  }
}

bool PostgresListener::try_to_lead() {
  if (leader_lock_ == 0 || leading_) return true;
  PGconn* conn = connection_->conn;
  // One round trip, blocking: notifications arriving meanwhile are queued.
  PQsetnonblocking(conn, 0);
  std::string ask = "SELECT pg_try_advisory_lock(" + std::to_string(leader_lock_) + ")";
  PGresult* result = PQexec(conn, ask.c_str());
  bool answered = result && PQresultStatus(result) == PGRES_TUPLES_OK && PQntuples(result) == 1;
  bool got = answered && PQgetvalue(result, 0, 0)[0] == 't';
  PQclear(result);
  PQsetnonblocking(conn, 1);
  if (!answered) return false;
  hand_over_notifications();
  if (got) {
    leading_ = true;
    if (callbacks_.leading) callbacks_.leading(true);
  }
  return true;
}

bool PostgresListener::listen_until_lost_or_stopped() {
  PGconn* conn = connection_->conn;
  for (;;) {
    pollfd fds[2] = {{PQsocket(conn), POLLIN, 0}, {wake_[0], POLLIN, 0}};
    bool asking = leader_lock_ != 0 && !leading_;
    int ready = poll(fds, 2, asking ? static_cast<int>(kLeaderRetry.count()) : -1);
    if (ready < 0 && errno == EINTR) continue;
    if (fds[1].revents) return true;
    if (ready == 0) {
      if (!try_to_lead()) return false;
      continue;
    }
    if (ready < 0 || PQconsumeInput(conn) == 0) return false;
    hand_over_notifications();
    if (PQstatus(conn) != CONNECTION_OK) return false;
  }
}

bool PostgresListener::pause(std::chrono::milliseconds delay) {
  pollfd wake{wake_[0], POLLIN, 0};
  int ready;
  do ready = poll(&wake, 1, static_cast<int>(delay.count()));
  while (ready < 0 && errno == EINTR);
  // Only stop() ends the thread; any other poll failure is a short pause.
  return !(ready > 0 && (wake.revents & POLLIN));
}

void PostgresListener::run() {
  auto delay = kFirstRetry;
  for (;;) {
    if (connection_->conn) {
      if (listen_until_lost_or_stopped()) return;
      connection_->close();
      // The lock went with the session.
      if (leading_) {
        leading_ = false;
        if (callbacks_.leading) callbacks_.leading(false);
      }
      if (callbacks_.lost) callbacks_.lost();
      // Info, not a warning: the daemon stays right (it reads the database
      // instead), and an outage behind it is the pool's to report, once.
      log_.write(LogLevel::info, "storage",
                 "lost the database connection that hears other daemons' changes; caches are bypassed until it is back",
                 {});
      delay = kFirstRetry;
    }
    if (!pause(delay)) return;
    if (connect_and_listen() && try_to_lead()) {
      if (callbacks_.listening) callbacks_.listening();
      log_.write(LogLevel::info, "storage", "hearing other daemons' changes again", {});
    } else {
      connection_->close();
      delay = std::min(delay * 2, kLastRetry);
    }
  }
}

}  // namespace memberd
