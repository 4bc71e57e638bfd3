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
// since a listener only ever reads.
constexpr const char* kKeepalives = " keepalives=1 keepalives_idle=10 keepalives_interval=3 keepalives_count=3";
constexpr std::chrono::milliseconds kFirstRetry{500}, kLastRetry{5000};

std::string quoted_identifier(PGconn* conn, const std::string& name) {
  char* escaped = PQescapeIdentifier(conn, name.data(), name.size());
  if (!escaped) return {};
  std::string out(escaped);
  PQfreemem(escaped);
  return out;
}
}  // namespace

PostgresListener::PostgresListener(std::string keywords, std::string channel, Callbacks callbacks, LogSink& log)
    : keywords_(std::move(keywords)),
      channel_(std::move(channel)),
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
  bool listening = connect_and_listen();
  if (listening && callbacks_.listening) callbacks_.listening();
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
  if (!ok || PQsetnonblocking(conn, 1) != 0) {
    connection_->close();
    return false;
  }
  return true;
}

bool PostgresListener::listen_until_lost_or_stopped() {
  PGconn* conn = connection_->conn;
  for (;;) {
    pollfd fds[2] = {{PQsocket(conn), POLLIN, 0}, {wake_[0], POLLIN, 0}};
    int ready = poll(fds, 2, -1);
    if (ready < 0 && errno == EINTR) continue;
    if (fds[1].revents) return true;
    if (ready < 0 || PQconsumeInput(conn) == 0) return false;
    while (PGnotify* note = PQnotifies(conn)) {
      std::string_view payload(note->extra ? note->extra : "");
      if (callbacks_.notified) callbacks_.notified(payload);
      PQfreemem(note);
    }
    if (PQstatus(conn) != CONNECTION_OK) return false;
  }
}

bool PostgresListener::pause(std::chrono::milliseconds delay) {
  pollfd wake{wake_[0], POLLIN, 0};
  int ready;
  do ready = poll(&wake, 1, static_cast<int>(delay.count()));
  while (ready < 0 && errno == EINTR);
  return ready == 0;
}

void PostgresListener::run() {
  auto delay = kFirstRetry;
  for (;;) {
    if (connection_->conn) {
      if (listen_until_lost_or_stopped()) return;
      connection_->close();
      if (callbacks_.lost) callbacks_.lost();
      // Info, not a warning: the daemon stays right (it reads the database
      // instead), and an outage behind it is the pool's to report, once.
      log_.write(LogLevel::info, "storage",
                 "lost the database connection that hears other daemons' changes; caches are bypassed until it is back",
                 {});
      delay = kFirstRetry;
    }
    if (!pause(delay)) return;
    if (connect_and_listen()) {
      if (callbacks_.listening) callbacks_.listening();
      log_.write(LogLevel::info, "storage", "hearing other daemons' changes again", {});
    } else {
      delay = std::min(delay * 2, kLastRetry);
    }
  }
}

}  // namespace memberd
