#include "transport/http_server.hpp"

#include "log/logger.hpp"
#include "transport/dispatcher.hpp"
#include "transport/peer_credentials.hpp"

#include <httplib.h>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <sys/stat.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace memberd {

namespace {

// Set on the thread that serves connections over the limit: its requests get
// a 503 at once instead of waiting behind everyone else.
thread_local bool t_over_capacity = false;

// cpp-httplib's own pool queues without bound, and every keep-alive
// connection pins a worker. This pool caps workers + waiting connections at
// `max_connections`; past that, connections go to one overflow thread that
// answers 503 + Retry-After and closes them.
class BoundedConnectionPool final : public httplib::TaskQueue {
 public:
  BoundedConnectionPool(std::size_t threads, std::size_t max_connections,
                        std::function<void(BoundedConnectionPool*)> on_destroy)
      : limit_(max_connections), on_destroy_(std::move(on_destroy)) {
    for (std::size_t i = 0; i < threads; ++i) workers_.emplace_back([this] { work(queue_, false); });
    workers_.emplace_back([this] { work(overflow_, true); });
  }
  // cpp-httplib deletes its queue when listening ends.
  ~BoundedConnectionPool() override { on_destroy_(this); }
  void enqueue(std::function<void()> fn) override {
    {
      std::lock_guard lock(mutex_);
      if (busy_ + queue_.size() >= limit_) overflow_.push_back(std::move(fn));
      else queue_.push_back(std::move(fn));
    }
    ready_.notify_all();
  }
  void shutdown() override {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    ready_.notify_all();
    for (auto& t : workers_) t.join();
  }
  std::size_t active() const {
    std::lock_guard lock(mutex_);
    return busy_ + queue_.size() + overflow_.size();
  }

 private:
  void work(std::deque<std::function<void()>>& source, bool overflow) {
    t_over_capacity = overflow;
    for (;;) {
      std::function<void()> fn;
      {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [&] { return stopping_ || !source.empty(); });
        if (source.empty()) return;  // stopping, and nothing left to serve
        fn = std::move(source.front());
        source.pop_front();
        if (!overflow) ++busy_;
      }
      fn();
      if (!overflow) {
        std::lock_guard lock(mutex_);
        --busy_;
      }
    }
  }

  const std::size_t limit_;
  std::function<void(BoundedConnectionPool*)> on_destroy_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> queue_, overflow_;
  std::vector<std::thread> workers_;
  std::size_t busy_ = 0;
  bool stopping_ = false;
};

class HttplibRequest final : public RawRequest {
 public:
  HttplibRequest(const httplib::Request& req, Door door, bool secure) : req_(req), door_(door), secure_(secure) {}
  std::string_view method() const override { return req_.method; }
  std::string_view path() const override { return req_.path; }
  // A header sent on several lines is one comma-separated list (RFC 9110
  // 5.3): a proxy that adds its own X-Forwarded-For line must not leave the
  // client's forged first line to stand alone.
  std::optional<std::string> header(std::string_view name) const override {
    std::string key(name);
    std::size_t count = req_.get_header_value_count(key);
    if (count == 0) return std::nullopt;
    std::string value = req_.get_header_value(key);
    for (std::size_t i = 1; i < count; ++i) value += ", " + req_.get_header_value(key, i);
    return value;
  }
  std::optional<std::string> query(std::string_view name) const override {
    std::string key(name);
    if (!req_.has_param(key)) return std::nullopt;
    return req_.get_param_value(key);
  }
  const std::string& body() const override { return req_.body; }
  std::string_view peer_ip() const override { return req_.remote_addr; }
  Door door() const override { return door_; }
  bool peer_is_operator() const override {
    return door_ == Door::unix_socket && socket_peer_is_operator(req_.remote_port);
  }
  bool secure() const override { return secure_; }

 private:
  const httplib::Request& req_;
  Door door_;
  bool secure_;
};

bool socket_answers(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::snprintf(address.sun_path, sizeof address.sun_path, "%s", path.c_str());
  bool answers = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return answers;
}

void write_response(const Response& from, httplib::Response& to) {
  to.status = from.status;
  for (const auto& [name, value] : from.headers) to.set_header(name, value);
  to.set_content(from.body, from.content_type);
}

}  // namespace

struct HttpServer::Impl {
  HttpSettings settings;
  Dispatcher& dispatcher;
  LogSink& log;
  std::unique_ptr<httplib::Server> tcp, unix_socket;
  std::vector<BoundedConnectionPool*> pools;
  std::vector<std::thread> threads;
  std::mutex pools_mutex;
  std::vector<int> listening_sockets;

  Impl(const HttpSettings& s, Dispatcher& d, LogSink& l) : settings(s), dispatcher(d), log(l) {}

  void configure(httplib::Server& server, Door door, bool secure) {
    server.set_read_timeout(settings.read_timeout.count(), 0);
    server.set_write_timeout(settings.write_timeout.count(), 0);
    server.set_keep_alive_timeout(settings.keep_alive_timeout.count());
    server.set_keep_alive_max_count(settings.keep_alive_max_requests);
    server.set_payload_max_length(settings.max_body_bytes);
    // Without TCP_NODELAY, Nagle plus delayed ACKs cap a keep-alive client
    // at a few hundred requests a second.
    if (door == Door::tcp) server.set_tcp_nodelay(true);
    // cpp-httplib listens with a backlog of 5: 64 clients connecting at once
    // overflow it and wait a second for SYN retransmits. Remember the socket
    // so start() can widen the backlog once it listens.
    server.set_socket_options([this, door](int sock) {
      // SO_REUSEADDR, not cpp-httplib's default SO_REUSEPORT: a second
      // daemon on the same port must fail to bind, not share the traffic.
      int yes = 1;
      if (door == Door::tcp) setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
      listening_sockets.push_back(sock);
    });
    std::size_t threads = settings.threads, limit = settings.max_connections;
    if (door == Door::unix_socket) threads = std::max<std::size_t>(2, threads / 8);
    server.new_task_queue = [this, threads, limit] {
      auto* pool = new BoundedConnectionPool(threads, limit, [this](BoundedConnectionPool* gone) {
        std::lock_guard lock(pools_mutex);
        std::erase(pools, gone);
      });
      std::lock_guard lock(pools_mutex);
      pools.push_back(pool);
      return pool;
    };
    auto handler = [this, door, secure](const httplib::Request& req, httplib::Response& res) {
      HttplibRequest raw(req, door, secure);
      if (t_over_capacity) {
        write_response(dispatcher.refuse(raw, 503, "overloaded", "Too many connections", "Try again shortly.", true),
                       res);
        return;
      }
      // cpp-httplib's own ceiling is 8192 bytes a line; http.max_header_bytes
      // may set a lower one for the whole header block.
      std::size_t header_bytes = req.method.size() + req.target.size() + req.version.size() + 4;
      for (const auto& [name, value] : req.headers) header_bytes += name.size() + value.size() + 4;
      if (header_bytes > settings.max_header_bytes) {
        write_response(dispatcher.refuse(raw, 431, "headers_too_large", "Request header fields too large",
                                         "The request line and headers may take " +
                                             std::to_string(settings.max_header_bytes) + " bytes.",
                                         false),
                       res);
        return;
      }
      write_response(dispatcher.handle(raw), res);
    };
    server.Get(".*", handler);
    server.Post(".*", handler);
    server.Put(".*", handler);
    server.Patch(".*", handler);
    server.Delete(".*", handler);
    server.Options(".*", handler);
    // cpp-httplib's own refusals (413, 400 on a malformed request line,
    // unknown methods) come back as problem documents too.
    server.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
      if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
      const char* title = res.status == 413 ? "Payload too large"
                          : res.status == 414 ? "URI too long"
                          : res.status == 431 ? "Request header fields too large"
                          : res.status == 400 ? "Bad request"
                          : "Request refused";
      auto body = problem(res.status, res.status == 413 ? "too_large" : "bad_request", title);
      res.set_content(body.body, body.content_type);
      return httplib::Server::HandlerResponse::Handled;
    }));
    server.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
      res.status = 500;
      auto body = problem(500, "internal", "Internal error");
      res.set_content(body.body, body.content_type);
    });
  }
};

HttpServer::HttpServer(const HttpSettings& settings, Dispatcher& dispatcher, LogSink& log)
    : impl_(std::make_unique<Impl>(settings, dispatcher, log)) {}

HttpServer::~HttpServer() { stop(); }

void HttpServer::start() {
  auto& s = impl_->settings;
  if (!s.host.empty()) {
    bool tls = !s.tls_cert.empty();
    if (tls) {
      auto server = std::make_unique<httplib::SSLServer>(s.tls_cert.c_str(), s.tls_key.c_str());
      if (!server->is_valid()) throw std::runtime_error("cannot load the TLS certificate or key (http.tls)");
      impl_->tcp = std::move(server);
    } else {
      impl_->tcp = std::make_unique<httplib::Server>();
    }
    impl_->configure(*impl_->tcp, Door::tcp, tls);
    if (s.port == 0) {
      s.port = impl_->tcp->bind_to_any_port(s.host);
      if (s.port <= 0) throw std::runtime_error("cannot listen on " + s.host + " (any port)");
    } else if (!impl_->tcp->bind_to_port(s.host, s.port)) {
      throw std::runtime_error("cannot listen on " + s.host + ":" + std::to_string(s.port) +
                               " (in use, or not an address of this machine)");
    }
  }
  if (!s.socket_path.empty()) {
    std::filesystem::path path(s.socket_path);
    if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
    // A stale socket file from a crash would make bind() fail; a live one
    // belongs to another daemon, which must not lose it to this one.
    std::error_code ignored;
    if (std::filesystem::is_socket(path, ignored)) {
      if (socket_answers(s.socket_path))
        throw std::runtime_error("another process serves the Unix socket " + s.socket_path);
      std::filesystem::remove(path, ignored);
    }
    impl_->unix_socket = std::make_unique<httplib::Server>();
    impl_->unix_socket->set_address_family(AF_UNIX);
    impl_->configure(*impl_->unix_socket, Door::unix_socket, false);
    // Create it with no permissions for others, then open it to the configured mode.
    mode_t old_mask = umask(0077);
    bool bound = impl_->unix_socket->bind_to_port(s.socket_path, 80);
    umask(old_mask);
    if (!bound) throw std::runtime_error("cannot bind the Unix socket " + s.socket_path);
    if (chmod(s.socket_path.c_str(), s.socket_mode) != 0)
      throw std::runtime_error("cannot set the mode of the Unix socket " + s.socket_path);
  }
  // listen() again on a listening socket only changes its backlog.
  for (int sock : impl_->listening_sockets) ::listen(sock, SOMAXCONN);
  if (impl_->tcp) impl_->threads.emplace_back([this] { impl_->tcp->listen_after_bind(); });
  if (impl_->unix_socket) impl_->threads.emplace_back([this] { impl_->unix_socket->listen_after_bind(); });
}

int HttpServer::port() const { return impl_->settings.port; }

void HttpServer::stop() {
  if (!impl_) return;
  if (impl_->tcp) impl_->tcp->stop();
  if (impl_->unix_socket) impl_->unix_socket->stop();
  for (auto& t : impl_->threads)
    if (t.joinable()) t.join();
  impl_->threads.clear();
  if (!impl_->settings.socket_path.empty() && impl_->unix_socket) {
    std::error_code ignored;
    std::filesystem::remove(impl_->settings.socket_path, ignored);
    impl_->unix_socket.reset();
  }
}

std::size_t HttpServer::active_connections() const {
  std::lock_guard lock(impl_->pools_mutex);
  std::size_t total = 0;
  for (auto* pool : impl_->pools) total += pool->active();
  return total;
}

}  // namespace memberd
