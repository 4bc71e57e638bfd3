#pragma once
// The doors: HTTP and HTTPS on TCP and HTTP on the Unix socket, served on
// Boost.Asio with Boost.Beast's HTTP/1.1 parser, all handing every request to
// the one Dispatcher. The implementation is the only translation unit that
// includes Asio and Beast.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <sys/types.h>

namespace memberd {

class Dispatcher;
class LogSink;
class MetricsRegistry;

struct HttpSettings {
  std::string host;  // empty: no TCP door
  int port = 0;
  std::string tls_cert, tls_key;
  std::size_t max_body_bytes = 1 << 20;
  std::size_t max_header_bytes = 8192;
  // header_timeout: the whole header block (slowloris); read_timeout: the
  // body; keep_alive_timeout: the wait for the next request's header.
  std::chrono::seconds header_timeout{10}, read_timeout{10}, write_timeout{10}, keep_alive_timeout{5};
  std::size_t keep_alive_max_requests = 1000;
  std::size_t io_threads = 2;       // own the connections
  std::size_t threads = 128;        // run the handlers (they block)
  std::size_t worker_concurrency = 2;  // of those, handed work while this many run (WorkerPool)
  std::size_t worker_queue = 1024;  // requests waiting for a handler thread; past it 503
  std::size_t max_connections = 10000;
  std::string socket_path;  // empty: no Unix door
  mode_t socket_mode = 0660;
};

class HttpServer {
 public:
  // Publishes in `metrics`: memberd_http_connections{door},
  // memberd_http_requests_in_flight, memberd_http_connections_cut_total{reason}
  // (header_timeout, idle_timeout, read_timeout, write_timeout,
  // headers_too_large, body_too_large, bad_framing, over_capacity,
  // workers_busy); worker_queue_depth() is read at scrape time.
  HttpServer(const HttpSettings& settings, Dispatcher& dispatcher, LogSink& log, MetricsRegistry& metrics);
  ~HttpServer();
  // Binds both doors (throws std::runtime_error naming the address on
  // failure) and starts serving on background threads.
  void start();
  // The TCP port actually bound (useful with port 0).
  int port() const;
  // The lame duck before stop(): every response from now on says
  // `Connection: close`, so keep-alive clients open their next connection
  // elsewhere (through the balancer), while nothing is refused or cut.
  void close_connections_after_responses();
  // Stops accepting, lets requests in flight finish, then returns.
  void stop();
  std::size_t active_connections() const;
  std::size_t worker_queue_depth() const;
  // Handlers running now, and threads the pool's watcher has added since
  // start because queued requests made no progress (WorkerPool).
  std::size_t workers_running() const;
  std::uint64_t worker_boosts_total() const;
  // Loads http.tls's certificate and key again (after SIGHUP): new
  // connections use them, open ones keep theirs. Throws std::runtime_error
  // (and keeps the old pair) when they cannot be loaded.
  void reload_tls();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace memberd
