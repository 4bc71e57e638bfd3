#include "transport/dispatcher.hpp"

#include <memberd/problem.hpp>
#include <memberd/text.hpp>

#include <strings.h>

#include "auth/request_auth.hpp"
#include "log/logger.hpp"
#include "metrics/registry.hpp"
#include "transport/cookie_prefixes.hpp"
#include "transport/json_body.hpp"
#include "transport/response_headers.hpp"
#include "transport/url_decode.hpp"
#include "util/crypto.hpp"
#include "work/request_unit.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <mutex>

namespace memberd {

namespace {

// What a User-Agent may keep: real ones are under 300 bytes.
constexpr std::size_t kMaxUserAgentBytes = 512;

class RequestContext final : public Request {
 public:
  // `cookies`: the Cookie header as handlers see it (cookie_prefixes.hpp).
  RequestContext(const RawRequest& raw, std::string request_id, std::string client_ip, PathParams params,
                 UnitOfWork& work, std::optional<std::string> cookies)
      : raw_(raw),
        request_id_(std::move(request_id)),
        client_ip_(std::move(client_ip)),
        cookies_(std::move(cookies)),
        params_(std::move(params)),
        work_(work) {}
  std::string_view method() const override { return raw_.method(); }
  std::string_view path() const override { return raw_.path(); }
  std::string path_param(std::string_view name) const override {
    for (const auto& [k, v] : params_)
      if (k == name) return v;
    return {};
  }
  std::optional<std::string> query(std::string_view name) const override { return raw_.query(name); }
  std::optional<std::string> header(std::string_view name) const override {
    if (name.size() == 6 && strncasecmp(name.data(), "Cookie", 6) == 0) return cookies_;
    return raw_.header(name);
  }
  const std::string& body() const override { return raw_.body(); }
  const nlohmann::json& json() const override { return json_; }
  const Caller& caller() const override { return caller_; }
  std::string_view client_ip() const override { return client_ip_; }
  std::string_view user_agent() const override {
    // Read on first use: most handlers never ask. Bounded and valid UTF-8
    // here, once, because it goes to storage (sessions, audit events): a
    // client's 8 KB header must not become 8 KB a row.
    if (!user_agent_) user_agent_ = valid_utf8(raw_.header("User-Agent").value_or(""), kMaxUserAgentBytes);
    return *user_agent_;
  }
  std::string_view request_id() const override { return request_id_; }
  UnitOfWork& work() const override { return work_; }
  SignInMethod sign_in_method() const override { return sign_in_method_; }

  Caller caller_;
  SignInMethod sign_in_method_ = SignInMethod::none;
  nlohmann::json json_;

 private:
  const RawRequest& raw_;
  std::string request_id_, client_ip_;
  std::optional<std::string> cookies_;
  mutable std::optional<std::string> user_agent_;
  PathParams params_;
  UnitOfWork& work_;
};

std::string milliseconds_text(double seconds) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3f", seconds * 1000.0);
  return buffer;
}

// Request ids must be unique, not secret: a random prefix per thread and a
// counter, instead of a trip to the CSPRNG on every request.
std::string new_request_id() {
  // A per-thread random prefix and a counter: unique without a syscall or
  // a lock per request (and no snprintf on the hot path).
  thread_local const std::string prefix = random_token(6);
  thread_local std::uint64_t counter = 0;
  static constexpr char kHex[] = "0123456789abcdef";
  std::uint64_t n = ++counter;
  int digits = 8;
  while (digits < 16 && (n >> (4 * digits)) != 0) ++digits;  // at least 8, like %08llx
  std::string id = prefix;
  id.resize(prefix.size() + static_cast<std::size_t>(digits));
  for (int i = digits - 1; i >= 0; --i, n >>= 4) id[prefix.size() + static_cast<std::size_t>(i)] = kHex[n & 15];
  return id;
}

std::string incoming_request_id(const RawRequest& raw) {
  if (auto given = raw.header("X-Request-Id"); given && !given->empty() && given->size() <= 64) {
    bool clean = true;
    for (unsigned char c : *given) clean = clean && (std::isalnum(c) || c == '-' || c == '_' || c == '.');
    if (clean) return *given;
  }
  return new_request_id();
}

Response with_allow(Response r, const std::string& allowed) {
  r.headers.emplace_back("Allow", allowed);
  return r;
}

// "not_found" from an answer's problem+json type, or "".
std::string problem_type_of(const Response& r) {
  if (r.content_type.rfind("application/problem+json", 0) != 0) return {};
  auto body = nlohmann::json::parse(r.body, nullptr, false);
  if (!body.is_object() || !body.contains("type") || !body["type"].is_string()) return {};
  std::string type = body["type"].get<std::string>();
  constexpr std::string_view prefix = "urn:memberd:problem:";
  return type.rfind(prefix, 0) == 0 ? type.substr(prefix.size()) : type;
}

}  // namespace

Dispatcher::Dispatcher(DispatcherSettings settings, const Router& routes, RequestUnits& units,
                       SessionStore& sessions, MetricsRegistry& metrics, LogSink& log, const Clock& clock,
                       AdminAuditLog& audit)
    : settings_(std::move(settings)),
      routes_(routes),
      units_(units),
      audit_(audit),
      sessions_(sessions),
      metrics_(metrics),
      log_(log),
      clock_(clock) {}

Response Dispatcher::refuse(const RawRequest& raw, int status, std::string_view slug, std::string_view title,
                            std::string_view detail, bool retry_later) {
  auto started = std::chrono::steady_clock::now();
  std::string request_id = incoming_request_id(raw);
  Response r = problem(status, slug, title, detail);
  if (retry_later) r.headers.emplace_back("Retry-After", "1");
  r.headers.emplace_back("Connection", "close");
  r.headers.emplace_back("X-Request-Id", request_id);
  add_response_headers(r, {raw.path(), over_https(raw), settings_.secure_cookies_on_https,
                           settings_.prefixed_cookies_on_https});
  account(raw, "refused", request_id, raw.peer_ip(), r,
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(), {}, 0);
  return r;
}

std::string Dispatcher::client_address(const RawRequest& raw) const {
  if (raw.door() == Door::unix_socket) return "unix";
  if (settings_.trusted_proxies.empty()) return std::string(raw.peer_ip());
  return settings_.trusted_proxies.client_address(raw.peer_ip(), raw.header("X-Forwarded-For").value_or(""));
}

bool Dispatcher::never_blocks(const RawRequest& raw) const {
  // GET /healthz is the core's and answers from a constant; no plugin can
  // claim it (the route table refuses a second owner).
  return raw.method() == "GET" && raw.path() == "/healthz" && !raw.header("Authorization") && !raw.header("Cookie");
}

std::size_t Dispatcher::body_limit(std::string_view method, std::string_view target, std::size_t fallback) const {
  auto table = routes_.snapshot();
  auto match = table->match(method, percent_decode(target.substr(0, target.find('?')), false));
  return match.entry && match.entry->max_body_bytes ? *match.entry->max_body_bytes : fallback;
}

bool Dispatcher::over_https(const RawRequest& raw) const {
  if (raw.secure()) return true;
  if (raw.door() == Door::unix_socket || !settings_.trusted_proxies.contains(raw.peer_ip())) return false;
  // The nearest proxy's word (the last entry when proxies append): only it
  // is trusted here, and a client's own X-Forwarded-Proto comes first.
  auto header = raw.header("X-Forwarded-Proto").value_or("");
  auto last = header.rfind(',');
  std::string_view proto = std::string_view(header).substr(last == std::string::npos ? 0 : last + 1);
  while (!proto.empty() && proto.front() == ' ') proto.remove_prefix(1);
  while (!proto.empty() && proto.back() == ' ') proto.remove_suffix(1);
  return proto.size() == 5 && strncasecmp(proto.data(), "https", 5) == 0;
}

// The request's way: request id -> client address -> route -> identify ->
// authorize (access, step-up, CSRF) -> parse body -> handler -> response
// headers -> account.
// Every phase answers "go on" or the problem to send; the request's unit of
// work is finished (an open transaction rolled back, the connection given
// back) before the response leaves.
Response Dispatcher::handle(const RawRequest& raw) {
  auto started = std::chrono::steady_clock::now();
  std::string request_id = incoming_request_id(raw);
  std::string client_ip = client_address(raw);
  const bool https = over_https(raw);
  std::optional<std::string> cookies = raw.header("Cookie");
  if (cookies && https && settings_.prefixed_cookies_on_https) cookies = cookies_without_prefixes(*cookies);
  // The snapshot keeps every route (and its plugin) alive until we return.
  auto table = routes_.snapshot();
  auto match = table->match(raw.method(), raw.path());
  std::string route_label = match.entry ? match.entry->route.pattern : "unmatched";
  auto unit = units_.open(match.entry ? std::string_view(match.entry->component) : std::string_view("core"));

  auto finish = [&](Response r) {
    if (unit->finish())
      log_.write(LogLevel::warn, match.entry ? match.entry->component : "core",
                 "handler returned with its write transaction open: rolled back",
                 {{"request_id", request_id}, {"route", route_label}});
    r.headers.emplace_back("X-Request-Id", request_id);
    add_response_headers(r, {raw.path(), https, settings_.secure_cookies_on_https, settings_.prefixed_cookies_on_https});
    account(raw, route_label, request_id, client_ip, r,
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(), match.params,
            unit->leases());
    return r;
  };

  if (match.outcome == RouteTable::Outcome::no_such_path)
    return finish(problem(404, "not_found", "Not found",
                          "Nothing is here: the address may be mistyped, or what serves it is out of service now."));
  if (match.outcome == RouteTable::Outcome::method_not_allowed)
    return finish(with_allow(problem(405, "method_not_allowed", "Method not allowed",
                                     "Allowed: " + match.allowed + "."),
                             match.allowed));

  const RouteEntry& entry = *match.entry;
  const Route& route = entry.route;
  RequestContext context(raw, request_id, client_ip, match.params, unit->work(), cookies);
  // An admin's request that may change something is one record of the
  // audit log, begun once the caller is known to be an admin and ended with
  // whatever it answered (a refused body, a handler's problem, a throw).
  const bool admin_write = route.access == Access::admin && raw.method() != "GET" && raw.method() != "HEAD";
  bool audit_open = false;
  auto audited = [&](Response r) {
    if (!audit_open) return r;
    audit_open = false;
    // The handler's transaction is over before the record's own begins.
    if (unit->finish())
      log_.write(LogLevel::warn, entry.component, "handler returned with its write transaction open: rolled back",
                 {{"request_id", request_id}, {"route", route_label}});
    audit_.end(unit->work(), context, r.status, problem_type_of(r));
    return r;
  };
  try {
    CallerCredentials credentials{raw.door() == Door::unix_socket && raw.peer_is_operator(),
                                  raw.header("Authorization"), cookies};
    auto identity = identify(credentials, sessions_, unit->work());
    if (!identity) return finish(refusal_problem(identity.failure()));
    auto refusal = authorize(route, *identity, raw.method(), raw.header("X-CSRF-Token"), clock_);
    // An admin refused at the door (a cookie without its CSRF token) is an
    // admin action refused: recorded. Anyone else is no admin at all.
    const bool by_admin = admin_write && identity->caller.has_role("admin");
    context.caller_ = std::move(identity->caller);
    context.sign_in_method_ = identity->method;
    if (refusal && !by_admin) return finish(std::move(*refusal));
    std::optional<Response> body_refused;
    if (!refusal && route.body == Body::json)
      body_refused = parse_json_body(raw.method(), raw.header("Content-Type"), raw.body(), settings_.max_json_depth,
                                     context.json_);
    if (by_admin) {
      // A route that takes no body may still be given the admin's reason
      // ({"reason": "..."}): read with the same limits, for the record only.
      nlohmann::json reason_body;
      const nlohmann::json* body = &context.json_;
      if (route.body == Body::none && !raw.body().empty() &&
          !parse_json_body(raw.method(), raw.header("Content-Type"), raw.body(), settings_.max_json_depth, reason_body))
        body = &reason_body;
      audit_.begin(unit->work(), context, raw.method(), route.pattern, match.params, *body);
      audit_open = true;
    }
    if (refusal) return finish(audited(std::move(*refusal)));
    if (body_refused) return finish(audited(std::move(*body_refused)));
    Response response = route.handler(context);
    // A 500 from a unit that met an outage is the outage: a plugin built
    // before SDK 2.8 answers `unavailable` as 500, another caught the
    // database's exception itself.
    if (response.status == 500)
      if (auto outage = unit->outage_seen()) response = refusal_problem(*outage);
    return finish(audited(std::move(response)));
  } catch (const std::exception& e) {
    // A statement that failed because the database is down, out of disk or
    // read-only: 503 + Retry-After, and the pool's tracker logs the outage
    // once rather than a line per request.
    if (auto outage = unit->outage_in(e)) return finish(audited(refusal_problem(*outage)));
    log_.write(LogLevel::error, entry.component, "handler failed",
               {{"request_id", request_id}, {"route", route.method + " " + route.pattern}, {"error", units_.describe(e)}});
  } catch (...) {
    log_.write(LogLevel::error, entry.component, "handler threw a non-exception",
               {{"request_id", request_id}, {"route", route.method + " " + route.pattern}});
  }
  return finish(audited(problem(500, "internal", "Internal error",
                                "Something went wrong on our side. Quote request id " + request_id + ".")));
}

Dispatcher::Series Dispatcher::series_for(std::string_view method, const std::string& route,
                                          const std::string& status) {
  // The registry's lookups validate and sort labels; remembering the series
  // makes the hot path one hash lookup under a shared lock.
  std::string key = std::string(method) + ' ' + route + ' ' + status;
  {
    std::shared_lock lock(series_mutex_);
    if (auto it = series_.find(key); it != series_.end()) return it->second;
  }
  Series found{
      &metrics_.counter("memberd_http_requests_total", "HTTP requests by route and status",
                        {{"method", std::string(method)}, {"route", route}, {"status", status}}),
      &metrics_.histogram("memberd_http_request_duration_seconds", "HTTP request latency by route", {{"route", route}}),
      &metrics_.counter("memberd_db_leases_total", "Database connections leased by requests, by route",
                        {{"method", std::string(method)}, {"route", route}})};
  std::unique_lock lock(series_mutex_);
  series_.emplace(std::move(key), found);
  return found;
}

void Dispatcher::account(const RawRequest& raw, const std::string& route, const std::string& request_id,
                         std::string_view client_ip, const Response& response, double seconds,
                         const PathParams& params, int leases) {
  std::string status = std::to_string(response.status);
  auto series = series_for(raw.method(), route, status);
  series.requests->inc();
  series.latency->observe(seconds);
  if (leases > 0) series.leases->inc(leases);

  if (!log_.enabled(LogLevel::info)) return;
  // Tokens travel in some paths (/password-resets/{token}); the log shows the
  // path with parameter values named like secrets replaced.
  std::string path(raw.path());
  for (const auto& [name, value] : params)
    if (name.find("token") != std::string::npos)
      if (auto at = path.find(value); at != std::string::npos) path.replace(at, value.size(), "[redacted]");
  log_.write(LogLevel::info, "access", "request",
             {{"request_id", request_id},
              {"method", std::string(raw.method())},
              {"path", path},
              {"status", status},
              {"ms", milliseconds_text(seconds)},
              {"client", std::string(client_ip)},
              {"door", raw.door() == Door::tcp ? "tcp" : "unix"},
              {"bytes", std::to_string(response.body.size())}});
}

}  // namespace memberd
