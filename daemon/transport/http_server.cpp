// The doors on Boost.Asio, with Boost.Beast for HTTP/1.1. The only
// translation unit that includes Asio and Beast (they cost seconds to
// compile each time).
//
// Threads: a few I/O threads own every connection (reading, parsing,
// writing, timeouts), each connection on one of them for its whole life (one event loop per thread); handlers run
// on the bounded WorkerPool, because they block on the database and on
// hashing. So a connection that is idle between requests, or still sending
// its headers, costs a little memory and no thread.
#include "transport/http_server.hpp"

#include "log/logger.hpp"
#include "metrics/registry.hpp"
#include "transport/client_address.hpp"
#include "transport/dispatcher.hpp"
#include "transport/http_framing.hpp"
#include "transport/peer_credentials.hpp"
#include "transport/response_wire.hpp"
#include "transport/url_decode.hpp"
#include "transport/worker_pool.hpp"

#include <limits>
#include <utility>

#define BOOST_BEAST_USE_STD_STRING_VIEW
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <future>
#include <list>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <strings.h>
#include <thread>
#include <vector>

namespace memberd {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using unix_socket = asio::local::stream_protocol;

namespace {

using BeastRequest = http::request<http::string_body>;

// A request as Beast parsed it, seen through the transport's RawRequest.
class AsioRequest final : public RawRequest {
 public:
  AsioRequest(BeastRequest message, Door door, bool secure, std::string peer_ip, bool peer_operator)
      : message_(std::move(message)),
        door_(door),
        secure_(secure),
        peer_ip_(std::move(peer_ip)),
        peer_operator_(peer_operator) {
    std::string_view target(message_.target().data(), message_.target().size());
    auto question = target.find('?');
    path_ = percent_decode(target.substr(0, question), false);
    if (question != std::string_view::npos) query_ = std::string(target.substr(question + 1));
    method_ = std::string(message_.method_string());
  }
  std::string_view method() const override { return method_; }
  std::string_view path() const override { return path_; }
  // A header sent on several lines is one comma-separated list (RFC 9110
  // 5.3): a proxy that adds its own X-Forwarded-For line must not leave the
  // client's forged first line to stand alone.
  std::optional<std::string> header(std::string_view name) const override {
    std::optional<std::string> value;
    for (const auto& field : message_) {
      auto key = field.name_string();
      if (key.size() != name.size() || strncasecmp(key.data(), name.data(), name.size()) != 0) continue;
      std::string_view v(field.value().data(), field.value().size());
      if (value) *value += ", ";
      else value.emplace();
      *value += v;
    }
    return value;
  }
  std::optional<std::string> query(std::string_view name) const override { return query_parameter(query_, name); }
  const std::string& body() const override { return message_.body(); }
  std::string_view peer_ip() const override { return peer_ip_; }
  Door door() const override { return door_; }
  bool peer_is_operator() const override { return door_ == Door::unix_socket && peer_operator_; }
  bool secure() const override { return secure_; }

 private:
  BeastRequest message_;
  Door door_;
  bool secure_;
  std::string peer_ip_, method_, path_, query_;
  bool peer_operator_;
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

bool has_header(const Response& response, const char* name, const char* value) {
  for (const auto& [k, v] : response.headers)
    if (strcasecmp(k.c_str(), name) == 0 && strcasecmp(v.c_str(), value) == 0) return true;
  return false;
}

}  // namespace

// What every connection shares, and the registry that lets stop() drain them.
struct ServerCore {
  HttpSettings settings;
  Dispatcher& dispatcher;
  LogSink& log;
  WorkerPool workers;
  std::atomic<std::size_t> connections{0};
  std::atomic<bool> stopping{false};
  std::atomic<bool> lame_duck{false};  // serving on, each connection closed after its next response

  struct Connection {
    virtual ~Connection() = default;
    // On the connection's own strand: close now if between requests, else
    // after the response in flight.
    virtual void drain() = 0;
  };
  std::mutex mutex;
  std::condition_variable changed;
  std::list<std::weak_ptr<Connection>> live;

  // Why the server ended a connection on its own.
  enum class Cut { header_timeout, idle_timeout, read_timeout, write_timeout, headers_too_large, body_too_large,
                   bad_framing, over_capacity, workers_busy, count };
  Counter* cuts[static_cast<int>(Cut::count)];
  Gauge* open_by_door[2];
  Gauge* in_flight;
  void cut(Cut reason) { cuts[static_cast<int>(reason)]->inc(); }

  ServerCore(const HttpSettings& s, Dispatcher& d, LogSink& l, MetricsRegistry& metrics)
      : settings(s), dispatcher(d), log(l), workers(s.threads, s.worker_concurrency, s.worker_queue) {
    static const char* const kReasons[] = {"header_timeout", "idle_timeout",   "read_timeout",
                                           "write_timeout",  "headers_too_large", "body_too_large",
                                           "bad_framing",    "over_capacity",  "workers_busy"};
    for (int i = 0; i < static_cast<int>(Cut::count); ++i)
      cuts[i] = &metrics.counter("memberd_http_connections_cut_total",
                                 "Connections the server ended on its own, by reason", {{"reason", kReasons[i]}});
    open_by_door[0] = &metrics.gauge("memberd_http_connections", "Open connections, by door", {{"door", "tcp"}});
    open_by_door[1] = &metrics.gauge("memberd_http_connections", "Open connections, by door", {{"door", "unix"}});
    in_flight = &metrics.gauge("memberd_http_requests_in_flight", "Requests queued for or running on a worker", {});
  }

  std::list<std::weak_ptr<Connection>>::iterator enlist(std::weak_ptr<Connection> c) {
    std::lock_guard lock(mutex);
    return live.insert(live.end(), std::move(c));
  }
  void leave(std::list<std::weak_ptr<Connection>>::iterator at) {
    {
      std::lock_guard lock(mutex);
      live.erase(at);
    }
    changed.notify_all();
  }
};

namespace {

// One connection, on any of the three streams (TCP, TLS over TCP, Unix).
template <class Stream>
class Session final : public ServerCore::Connection, public std::enable_shared_from_this<Session<Stream>> {
 public:
  // `holds`: what the stream needs alive as long as it lives (a TLS context
  // that a certificate reload replaced meanwhile).
  Session(ServerCore& core, Stream stream, Door door, bool tls, std::string peer_ip, bool peer_operator,
          bool over_capacity, std::shared_ptr<void> holds = nullptr)
      : holds_(std::move(holds)),
        core_(core),
        stream_(std::move(stream)),
        timer_(stream_.get_executor()),
        door_(door),
        tls_(tls),
        peer_ip_(std::move(peer_ip)),
        peer_operator_(peer_operator),
        over_capacity_(over_capacity),
        door_gauge_(core.open_by_door[door == Door::tcp ? 0 : 1]) {
    door_gauge_->add(1);
  }

  ~Session() override {
    door_gauge_->add(-1);
    core_.connections.fetch_sub(1);
    if (registered_) core_.leave(entry_);
  }

  void start() {
    entry_ = core_.enlist(this->weak_from_this());
    registered_ = true;
    if constexpr (requires { stream_.async_handshake(asio::ssl::stream_base::server, [](beast::error_code) {}); }) {
      arm(core_.settings.header_timeout, ServerCore::Cut::header_timeout);
      stream_.async_handshake(asio::ssl::stream_base::server, [self = this->shared_from_this()](beast::error_code ec) {
        self->disarm();
        if (ec) return self->close();
        self->read_header();
      });
    } else {
      read_header();
    }
  }

  void drain() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
      self->draining_ = true;
      if (self->between_requests_) self->close();
    });
  }

 private:
  // Cuts the connection when `limit` passes before the operation in flight
  // completes: the deadline covers the whole operation, not each byte, so a
  // client trickling a byte a second is cut all the same (slowloris).
  void arm(std::chrono::seconds limit, ServerCore::Cut reason) {
    arm_until(std::chrono::steady_clock::now() + limit, reason);
  }
  // The timer is moved only when a deadline comes before the one it already
  // waits for; a later one (each request's, on a busy connection) is only
  // written down, and a timer that fires early waits again for it. Moving it
  // on every read and write cost a cancelled wait, a handler run and a heap
  // update each (measured in the note of the commit that made it lazy).
  void arm_until(std::chrono::steady_clock::time_point deadline, ServerCore::Cut reason) {
    deadline_ = deadline;
    deadline_reason_ = reason;
    if (timer_waiting_ && timer_expiry_ <= deadline) return;
    timer_expiry_ = deadline;
    timer_waiting_ = true;
    timer_.expires_at(deadline);  // a wait in progress ends as cancelled
    timer_.async_wait([weak = this->weak_from_this()](beast::error_code ec) {
      if (ec) return;  // moved to an earlier deadline: another wait is on, or closed
      if (auto self = weak.lock()) self->deadline_passed();
    });
  }
  // The operation finished in time.
  void disarm() { deadline_.reset(); }
  void deadline_passed() {
    timer_waiting_ = false;
    if (closed_ || !deadline_) return;
    if (std::chrono::steady_clock::now() < *deadline_) return arm_until(*deadline_, deadline_reason_);
    if (deadline_reason_ != ServerCore::Cut::count) core_.cut(deadline_reason_);
    close();
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    timer_.cancel();
    beast::error_code ignored;
    auto& socket = stream_.lowest_layer();
    socket.shutdown(asio::socket_base::shutdown_both, ignored);
    socket.close(ignored);
  }

  // The end of a connection after its last response: TLS says close_notify
  // first (within a second; a peer that never answers is cut), so the
  // client can tell a complete response from a truncated one.
  void finish() {
    if constexpr (requires { stream_.async_shutdown([](beast::error_code) {}); }) {
      arm(std::chrono::seconds(1), ServerCore::Cut::count);  // not counted: the response is out
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) { self->close(); });
    } else {
      close();
    }
  }

  // The header block: read until its blank line, at most max_header_bytes.
  void read_header() {
    if (closed_) return;
    between_requests_ = buffer_.size() == 0;
    if (draining_ && between_requests_) return close();
    if (find_header_end()) return;
    if (buffer_.size() >= core_.settings.max_header_bytes)
      return refuse(431, "headers_too_large", "Request header fields too large",
                    "The request line and headers may take " + std::to_string(core_.settings.max_header_bytes) +
                        " bytes.");
    // A kept-alive connection's next request must begin within
    // keep_alive_timeout; once its first byte is in, the whole header block
    // must arrive within header_timeout of it — a deadline that does not
    // move with each byte, or a client trickling bytes would never be cut.
    if (between_requests_ && served_ > 0) {
      arm(core_.settings.keep_alive_timeout, ServerCore::Cut::idle_timeout);
    } else {
      if (between_requests_ || !header_deadline_) header_deadline_ = std::chrono::steady_clock::now() + core_.settings.header_timeout;
      arm_until(*header_deadline_, ServerCore::Cut::header_timeout);
    }
    // Small reads: an idle connection should cost a few KB, not tens.
    auto room = std::min<std::size_t>(core_.settings.max_header_bytes - buffer_.size(), 4096);
    stream_.async_read_some(buffer_.prepare(room), [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
      self->disarm();
      if (ec) return self->close();
      self->buffer_.commit(n);
      self->read_header();
    });
  }

  // Parses the header when the buffer holds all of it; false to read more.
  bool find_header_end() {
    std::string_view data(static_cast<const char*>(buffer_.data().data()), buffer_.size());
    auto end = data.find("\r\n\r\n");
    if (end == std::string_view::npos || end + 4 > core_.settings.max_header_bytes) return false;
    between_requests_ = false;
    header_deadline_.reset();
    std::size_t header_size = end + 4;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(core_.settings.max_header_bytes));
    // The body's limit depends on the route, known only once the header is
    // parsed: it is checked against Content-Length below and set before
    // any of the body is read.
    // (Not boost::none: Beast 1.74 compares Content-Length with the
    // optional itself, and every length is greater than none.)
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    parser_->eager(false);
    beast::error_code ec;
    parser_->put(asio::buffer(data.data(), header_size), ec);
    if (ec || !parser_->is_header_done()) {
      refuse(400, "bad_request", "Bad request", "The request could not be parsed.");
      return true;
    }
    RequestHead head;
    head.version = parser_->get().version();
    head.raw = data.substr(0, header_size);
    for (const auto& field : parser_->get())
      head.headers.emplace_back(field.name_string(), field.value());
    buffer_.consume(header_size);
    if (auto problem = framing_problem(head)) {
      if (problem->status == 501) refuse(501, "not_implemented", "Not implemented", problem->detail);
      else refuse(400, "bad_request", "Bad request", problem->detail);
      return true;
    }
    std::string_view target(parser_->get().target());
    if (auto problem = path_problem(target.substr(0, target.find('?')))) {
      refuse(400, "bad_request", "Bad request", *problem);
      return true;
    }
    // Refused from Content-Length, before a byte of the body is read.
    body_limit_ = core_.dispatcher.body_limit(std::string_view(parser_->get().method_string()),
                                              std::string_view(parser_->get().target()), core_.settings.max_body_bytes);
    if (auto length = parser_->content_length(); length && *length > body_limit_) {
      refuse_too_large();
      return true;
    }
    parser_->body_limit(body_limit_);
    if (over_capacity_) {
      refuse(503, "overloaded", "Too many connections", "Try again shortly.", true);
      return true;
    }
    if (parser_->is_done()) {
      dispatch();
      return true;
    }
    read_body();
    return true;
  }

  void read_body() {
    auto expect = parser_->get()[http::field::expect];
    if (!continued_ && expect.size() == 12 && strncasecmp(expect.data(), "100-continue", 12) == 0) {
      continued_ = true;
      static const char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
      arm(core_.settings.write_timeout, ServerCore::Cut::write_timeout);
      asio::async_write(stream_, asio::buffer(kContinue, sizeof kContinue - 1),
                        [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                          self->disarm();
                          if (ec) return self->close();
                          self->read_body();
                        });
      return;
    }
    arm(core_.settings.read_timeout, ServerCore::Cut::read_timeout);
    http::async_read(stream_, buffer_, *parser_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      self->disarm();
      if (ec == http::error::body_limit) return self->refuse_too_large();
      // The client hung up or went quiet: nobody to answer.
      if (ec == http::error::end_of_stream || ec == http::error::partial_message || ec == http::error::short_read)
        return self->close();
      // Anything else the parser refused in the body (a chunk size, an
      // extension, a trailer field) is the client's error, and it is told.
      if (ec && ec.category() == http::make_error_code(http::error::bad_chunk).category())
        return self->refuse(400, "bad_request", "Bad request", "The request body could not be parsed.");
      if (ec) return self->close();
      self->dispatch();
    });
  }

  std::shared_ptr<AsioRequest> take_request() {
    BeastRequest message = parser_ ? parser_->release() : BeastRequest{};
    version_ = message.version();
    keep_alive_ = message.keep_alive();
    answers_head_ = message.method() == http::verb::head;
    parser_.reset();
    return std::make_shared<AsioRequest>(std::move(message), door_, tls_, peer_ip_, peer_operator_);
  }

  // Hands the request to a worker; the response comes back to this strand.
  // A request that cannot block (the liveness probe) is answered here: the
  // round trip through the pool would cost more than the handler.
  void dispatch() {
    auto request = take_request();
    if (core_.dispatcher.never_blocks(*request)) return write(core_.dispatcher.handle(*request), false);
    auto self = this->shared_from_this();
    core_.in_flight->add(1);
    bool queued = core_.workers.try_post([self, request] {
      Response response = self->core_.dispatcher.handle(*request);
      self->core_.in_flight->add(-1);
      asio::post(self->stream_.get_executor(),
                 [self, response = std::move(response)]() mutable { self->write(std::move(response), false); });
    });
    if (!queued) {
      core_.in_flight->add(-1);
      core_.cut(ServerCore::Cut::workers_busy);
      write(core_.dispatcher.refuse(*request, 503, "overloaded", "Too busy", "Try again shortly.", true), true);
    }
  }

  // Answers on the I/O thread (refusals are cheap) and closes afterwards.
  void refuse(int status, const char* slug, const char* title, const std::string& detail, bool retry = false) {
    core_.cut(status == 431   ? ServerCore::Cut::headers_too_large
              : status == 413 ? ServerCore::Cut::body_too_large
              : status == 503 ? ServerCore::Cut::over_capacity
                              : ServerCore::Cut::bad_framing);
    auto request = take_request();
    keep_alive_ = false;
    write(core_.dispatcher.refuse(*request, status, slug, title, detail, retry), true);
  }

  void refuse_too_large() {
    refuse(413, "too_large", "Payload too large", "A request body here may take " + std::to_string(body_limit_) + " bytes.");
  }

  void write(Response response, bool close_after) {
    if (closed_) return;
    ++served_;
    bool keep = !close_after && keep_alive_ && !draining_ && !core_.stopping && !core_.lame_duck &&
                served_ < core_.settings.keep_alive_max_requests && !has_header(response, "Connection", "close");
    auto wire = to_wire(std::move(response), version_ == 10 ? 10 : 11, keep, answers_head_);
    if (wire.dropped_fields > 0)
      core_.log.write(LogLevel::error, "core", "response header fields with CR, LF, NUL or a bad name left out",
                      {{"fields", std::to_string(wire.dropped_fields)}});
    out_ = std::move(wire.bytes);
    arm(core_.settings.write_timeout, ServerCore::Cut::write_timeout);
    asio::async_write(stream_, asio::buffer(out_), [self = this->shared_from_this(), keep](beast::error_code ec, std::size_t) {
      self->disarm();
      if (ec) return self->close();
      if (!keep) return self->finish();
      self->read_header();
    });
  }

  std::shared_ptr<void> holds_;  // declared first: destroyed after the stream
  ServerCore& core_;
  Stream stream_;
  asio::steady_timer timer_;
  bool timer_waiting_ = false;                              // a wait is pending on timer_
  std::chrono::steady_clock::time_point timer_expiry_;      // ... until then
  std::optional<std::chrono::steady_clock::time_point> deadline_;  // what the operation in flight must meet
  beast::flat_buffer buffer_;
  std::string out_;  // the response being written
  std::optional<http::request_parser<http::string_body>> parser_;
  Door door_;
  bool tls_;
  std::string peer_ip_;
  bool peer_operator_;
  bool over_capacity_;
  bool closed_ = false, draining_ = false, between_requests_ = true, continued_ = false, keep_alive_ = false,
       answers_head_ = false;
  unsigned version_ = 11;
  std::size_t served_ = 0;
  std::size_t body_limit_ = 0;  // the current request's (its route's, or http.max_body_bytes)
  std::optional<std::chrono::steady_clock::time_point> header_deadline_;  // while a header is arriving
  Gauge* door_gauge_;
  ServerCore::Cut deadline_reason_ = ServerCore::Cut::header_timeout;  // what a passed deadline_ means
  std::list<std::weak_ptr<ServerCore::Connection>>::iterator entry_;
  bool registered_ = false;
};

// TLS 1.2 and later, the certificate chain and key from http.tls.
std::shared_ptr<asio::ssl::context> tls_context(const HttpSettings& s) {
  auto context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
  context->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                       asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1 |
                       asio::ssl::context::single_dh_use);
  beast::error_code ec;
  context->use_certificate_chain_file(s.tls_cert, ec);
  if (!ec) context->use_private_key_file(s.tls_key, asio::ssl::context::pem, ec);
  if (ec) throw std::runtime_error("cannot load the TLS certificate or key (http.tls): " + ec.message());
  return context;
}

}  // namespace

struct HttpServer::Impl {
  ServerCore core;
  // One event loop per I/O thread, connections dealt out in turn: a single
  // loop shared by several threads hands its ready sockets out unevenly
  // (a few connections of 1,000 waited over 2 s for their turn).
  std::vector<std::unique_ptr<asio::io_context>> loops;
  std::atomic<std::size_t> next_loop{0};
  std::mutex tls_mutex;
  std::shared_ptr<asio::ssl::context> tls;  // replaced whole by reload_tls()
  std::optional<tcp::acceptor> tcp_acceptor;
  std::optional<unix_socket::acceptor> unix_acceptor;
  std::vector<std::thread> threads;
  // Keeps the I/O threads running while no socket operation is pending (a
  // request at a worker, the acceptors closed during a drain): the worker
  // still posts its response back to them.
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> keep_running;
  bool started = false;

  Impl(const HttpSettings& s, Dispatcher& d, LogSink& l, MetricsRegistry& m)
      : core(s, d, l, m) {
    for (std::size_t i = 0; i < std::max<std::size_t>(1, s.io_threads); ++i)
      loops.push_back(std::make_unique<asio::io_context>(1));
  }

  asio::io_context& acceptor_loop() { return *loops.front(); }
  // The loop the next connection lives on.
  asio::io_context& next() { return *loops[next_loop.fetch_add(1) % loops.size()]; }

  // Connections are counted against two bounds that stay below the
  // descriptor limit (set in start()): up to `capacity` are served; past
  // it, up to `budget`, each is answered 503 and closed; past that, closed
  // at once without a word. With http.max_connections above what the limit
  // allows, accepting went on until accept() failed with EMFILE, and from
  // then on the loop spun on the still-readable listener (4.3 CPU-s per 5 s)
  // while no new client got in.
  std::size_t capacity = 0, budget = 0;
  enum class Admission { serve, refuse, shed };
  Admission admit() {
    auto open = core.connections.fetch_add(1) + 1;
    if (open <= capacity) return Admission::serve;
    if (open <= budget) return Admission::refuse;
    core.connections.fetch_sub(1);
    core.cut(ServerCore::Cut::over_capacity);
    return Admission::shed;
  }

  // When accept() fails for want of descriptors (or memory), the pending
  // connection stays in the backlog and the listener stays readable: retried
  // at once, the loop would spin. Instead the spare descriptor is given up
  // for a moment to accept the waiting connections and close them (their
  // clients learn at once instead of timing out), and accepting resumes
  // after a pause that doubles (to a second) while the shortage lasts.
  int spare_descriptor = -1;
  std::chrono::milliseconds accept_pause{0};
  std::optional<asio::steady_timer> tcp_pause_timer, unix_pause_timer;
  static constexpr std::chrono::milliseconds kFirstPause{50}, kLongestPause{1000};

  static bool out_of_resources(const beast::error_code& ec) {
    return ec == asio::error::no_descriptors || ec == asio::error::no_buffer_space || ec == asio::error::no_memory ||
           ec == beast::error_code(ENFILE, beast::system_category());
  }

  void reserve_spare() {
    if (spare_descriptor < 0) spare_descriptor = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  }

  // Closes the connections waiting on `listener` (at most kAcceptsPerWake).
  void shed_backlog(int listener) {
    if (spare_descriptor >= 0) {
      ::close(spare_descriptor);
      spare_descriptor = -1;
    }
    for (int i = 0; i < kAcceptsPerWake; ++i) {
      int fd = ::accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) break;
      ::close(fd);
      core.cut(ServerCore::Cut::over_capacity);
    }
    reserve_spare();
  }

  // After an accept error: on a shortage, shed and wait; anything else (a
  // client that reset before it was accepted) is retried at once.
  template <class Acceptor>
  void after_accept_error(const beast::error_code& ec, Acceptor& acceptor, std::optional<asio::steady_timer>& timer,
                          void (Impl::*resume)()) {
    if (!out_of_resources(ec)) {
      accept_pause = std::chrono::milliseconds(0);
      return (this->*resume)();
    }
    if (accept_pause.count() == 0)
      core.log.write(LogLevel::warn, "core", "out of file descriptors: new connections are closed until some free",
                     {{"error", ec.message()}, {"open_connections", std::to_string(core.connections.load())}});
    accept_pause = accept_pause.count() == 0 ? kFirstPause : std::min(accept_pause * 2, kLongestPause);
    shed_backlog(acceptor.native_handle());
    if (!timer) timer.emplace(acceptor_loop());
    timer->expires_after(accept_pause);
    timer->async_wait([this, resume](beast::error_code waited) {
      if (waited || core.stopping) return;
      (this->*resume)();
    });
  }

  // Connections already waiting in the backlog are taken at once, up to
  // this many per wake-up: one accept per pass of the loop let 1,000
  // connections opened together wait behind each other's requests, and
  // their first requests took up to 2 s (wrk timeouts in 6 s runs, gone in
  // 20 s ones). The bound keeps a connect flood from starving the
  // connections the loop already serves (nginx's multi_accept, bounded).
  static constexpr int kAcceptsPerWake = 64;

  void accept_tcp() {
    tcp_acceptor->async_accept(next(), [this](beast::error_code ec, tcp::socket socket) {
      if (core.stopping || ec == asio::error::operation_aborted) return;
      if (!ec) take_tcp(std::move(socket));
      for (int i = 1; !ec && i < kAcceptsPerWake; ++i) {
        tcp::socket more(next());
        tcp_acceptor->accept(more, ec);  // non-blocking: would_block once the backlog is empty
        if (!ec) take_tcp(std::move(more));
      }
      if (ec && ec != asio::error::would_block) return after_accept_error(ec, *tcp_acceptor, tcp_pause_timer, &Impl::accept_tcp);
      accept_pause = std::chrono::milliseconds(0);
      accept_tcp();
    });
  }

  void take_tcp(tcp::socket socket) {
    auto admission = admit();
    if (admission == Admission::shed) return;  // the socket closes as it goes
    bool over = admission == Admission::refuse;
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    auto remote = socket.remote_endpoint(ignored);
    // Unmapped here, once, so that every consumer (per-client limits,
    // trusted proxies, logs, sessions) sees an IPv4 client as IPv4.
    std::string peer = ignored ? std::string() : unmapped_ip(remote.address().to_string());
    std::shared_ptr<asio::ssl::context> context;
    {
      std::lock_guard lock(tls_mutex);
      context = tls;
    }
    if (context) {
      using TlsStream = asio::ssl::stream<tcp::socket>;
      std::make_shared<Session<TlsStream>>(core, TlsStream(std::move(socket), *context), Door::tcp, true, peer, false,
                                           over, context)
          ->start();
    } else {
      std::make_shared<Session<tcp::socket>>(core, std::move(socket), Door::tcp, false, peer, false, over)->start();
    }
  }

  void accept_unix() {
    unix_acceptor->async_accept(next(), [this](beast::error_code ec, unix_socket::socket socket) {
      if (core.stopping || ec == asio::error::operation_aborted) return;
      if (!ec) take_unix(std::move(socket));
      for (int i = 1; !ec && i < kAcceptsPerWake; ++i) {
        unix_socket::socket more(next());
        unix_acceptor->accept(more, ec);
        if (!ec) take_unix(std::move(more));
      }
      if (ec && ec != asio::error::would_block)
        return after_accept_error(ec, *unix_acceptor, unix_pause_timer, &Impl::accept_unix);
      accept_pause = std::chrono::milliseconds(0);
      accept_unix();
    });
  }

  void take_unix(unix_socket::socket socket) {
    auto admission = admit();
    if (admission == Admission::shed) return;
    bool over = admission == Admission::refuse;
    bool operator_peer = socket_peer_is_operator(socket.native_handle());
    std::make_shared<Session<unix_socket::socket>>(core, std::move(socket), Door::unix_socket, false, "unix",
                                                   operator_peer, over)
        ->start();
  }
};

HttpServer::HttpServer(const HttpSettings& settings, Dispatcher& dispatcher, LogSink& log, MetricsRegistry& metrics)
    : impl_(std::make_unique<Impl>(settings, dispatcher, log, metrics)) {}

HttpServer::~HttpServer() { stop(); }

void HttpServer::start() {
  auto& s = impl_->core.settings;
  // Each connection is a descriptor: take the hard limit (systemd's default
  // soft limit is 1024, far below max_connections).
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }
  // Connections may use the limit but for a reserve (a quarter, 64 to 1024)
  // that the rest of the daemon opens: database connections, log files,
  // plugins' files and workers, the spare descriptor.
  // Past http.max_connections, an eighth more (at least 64) are told 503.
  std::size_t capacity = s.max_connections, budget = capacity + std::max<std::size_t>(64, capacity / 8);
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY) {
    auto limit = static_cast<std::size_t>(files.rlim_cur);
    auto reserve = std::clamp<std::size_t>(limit / 4, 64, 1024);
    auto room = limit > reserve + 16 ? limit - reserve : 16;
    if (budget > room) {
      budget = room;
      capacity = std::min(capacity, room - room / 8);
    }
  }
  impl_->budget = budget;
  impl_->capacity = capacity;
  if (capacity < s.max_connections)
    impl_->core.log.write(LogLevel::warn, "core", "http.max_connections lowered to fit the open-files limit",
                          {{"max_connections", std::to_string(impl_->capacity)},
                           {"open_files_limit", std::to_string(files.rlim_cur)}});
  impl_->reserve_spare();
  if (!s.host.empty()) {
    if (!s.tls_cert.empty()) impl_->tls = tls_context(s);
    beast::error_code ec;
    auto address = asio::ip::make_address(s.host, ec);
    if (ec) throw std::runtime_error("cannot listen on " + s.host + " (not an IP address)");
    tcp::endpoint endpoint(address, static_cast<unsigned short>(s.port));
    auto& acceptor = impl_->tcp_acceptor.emplace(impl_->acceptor_loop());
    acceptor.open(endpoint.protocol(), ec);
    // SO_REUSEADDR, not SO_REUSEPORT: a second daemon on the same port must
    // fail to bind, not share the traffic.
    if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(SOMAXCONN, ec);
    if (!ec) acceptor.non_blocking(true, ec);  // for the accepts after a wake-up
    if (ec)
      throw std::runtime_error("cannot listen on " + s.host + ":" + std::to_string(s.port) +
                               " (in use, or not an address of this machine)");
    s.port = acceptor.local_endpoint().port();
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
    auto& acceptor = impl_->unix_acceptor.emplace(impl_->acceptor_loop());
    beast::error_code ec;
    acceptor.open(unix_socket(), ec);
    // Created with no permissions for others, then opened to the configured mode.
    mode_t old_mask = umask(0077);
    if (!ec) acceptor.bind(unix_socket::endpoint(s.socket_path), ec);
    umask(old_mask);
    if (!ec) acceptor.listen(SOMAXCONN, ec);
    if (!ec) acceptor.non_blocking(true, ec);  // for the accepts after a wake-up
    if (ec) throw std::runtime_error("cannot bind the Unix socket " + s.socket_path + ": " + ec.message());
    if (chmod(s.socket_path.c_str(), s.socket_mode) != 0)
      throw std::runtime_error("cannot set the mode of the Unix socket " + s.socket_path);
  }
  for (auto& loop : impl_->loops) impl_->keep_running.push_back(asio::make_work_guard(*loop));
  if (impl_->tcp_acceptor) impl_->accept_tcp();
  if (impl_->unix_acceptor) impl_->accept_unix();
  for (auto& loop : impl_->loops) impl_->threads.emplace_back([&loop] { loop->run(); });
  impl_->started = true;
}

int HttpServer::port() const { return impl_->core.settings.port; }

void HttpServer::close_connections_after_responses() {
  if (impl_) impl_->core.lame_duck = true;
}

void HttpServer::stop() {
  if (!impl_ || !impl_->started) return;
  impl_->started = false;
  auto& core = impl_->core;
  core.stopping = true;
  // Stop accepting (on each acceptor's strand), then close every idle
  // connection at once and the busy ones after their response.
  auto close_on_its_strand = [](auto& acceptor) {
    std::promise<void> closed;
    auto done = closed.get_future();
    asio::post(acceptor.get_executor(), [&acceptor, &closed] {
      beast::error_code ignored;
      acceptor.close(ignored);
      closed.set_value();
    });
    done.wait();
  };
  if (impl_->tcp_acceptor) close_on_its_strand(*impl_->tcp_acceptor);
  if (impl_->unix_acceptor) close_on_its_strand(*impl_->unix_acceptor);
  // A pause after a shortage ends as cancelled (on the acceptors' loop).
  asio::post(impl_->acceptor_loop(), [impl = impl_.get()] {
    if (impl->tcp_pause_timer) impl->tcp_pause_timer->cancel();
    if (impl->unix_pause_timer) impl->unix_pause_timer->cancel();
  });
  // Collected under the lock, drained outside it: a connection that dies
  // meanwhile takes the lock to leave the registry.
  std::vector<std::shared_ptr<ServerCore::Connection>> open;
  {
    std::lock_guard lock(core.mutex);
    for (auto& weak : core.live)
      if (auto connection = weak.lock()) open.push_back(std::move(connection));
  }
  for (auto& connection : open) connection->drain();
  open.clear();
  {
    std::unique_lock lock(core.mutex);
    core.changed.wait(lock, [&] { return core.live.empty(); });
  }
  impl_->keep_running.clear();
  for (auto& loop : impl_->loops) loop->stop();
  for (auto& t : impl_->threads)
    if (t.joinable()) t.join();
  impl_->threads.clear();
  core.workers.stop();
  if (impl_->spare_descriptor >= 0) {
    ::close(impl_->spare_descriptor);
    impl_->spare_descriptor = -1;
  }
  if (impl_->unix_acceptor) {
    std::error_code ignored;
    std::filesystem::remove(core.settings.socket_path, ignored);
  }
}

std::size_t HttpServer::active_connections() const { return impl_->core.connections.load(); }

std::size_t HttpServer::worker_queue_depth() const { return impl_->core.workers.queued(); }

std::size_t HttpServer::workers_running() const { return impl_->core.workers.running(); }

std::uint64_t HttpServer::worker_boosts_total() const { return impl_->core.workers.boosts_total(); }

void HttpServer::reload_tls() {
  if (impl_->core.settings.tls_cert.empty()) return;
  auto fresh = tls_context(impl_->core.settings);
  std::lock_guard lock(impl_->tls_mutex);
  impl_->tls = std::move(fresh);
}

}  // namespace memberd
