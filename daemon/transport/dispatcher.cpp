#include "transport/dispatcher.hpp"
#include "storage/error_text.hpp"

#include "auth/session_store.hpp"
#include "log/logger.hpp"
#include "metrics/registry.hpp"
#include "storage/database.hpp"
#include "util/crypto.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <mutex>

namespace memberd {

namespace {

const std::string kSessionCookie = "memberd_session";

class RequestContext final : public Request {
 public:
  RequestContext(const RawRequest& raw, std::string request_id, std::string client_ip, PathParams params)
      : raw_(raw), request_id_(std::move(request_id)), client_ip_(std::move(client_ip)), params_(std::move(params)) {}
  std::string_view method() const override { return raw_.method(); }
  std::string_view path() const override { return raw_.path(); }
  std::string path_param(std::string_view name) const override {
    for (const auto& [k, v] : params_)
      if (k == name) return v;
    return {};
  }
  std::optional<std::string> query(std::string_view name) const override { return raw_.query(name); }
  std::optional<std::string> header(std::string_view name) const override { return raw_.header(name); }
  const std::string& body() const override { return raw_.body(); }
  const nlohmann::json& json() const override { return json_; }
  const Caller& caller() const override { return caller_; }
  std::string_view client_ip() const override { return client_ip_; }
  std::string_view user_agent() const override {
    // Read on first use: most handlers never ask.
    if (!user_agent_) user_agent_ = raw_.header("User-Agent").value_or("");
    return *user_agent_;
  }
  std::string_view request_id() const override { return request_id_; }

  Caller caller_;
  nlohmann::json json_;

 private:
  const RawRequest& raw_;
  std::string request_id_, client_ip_;
  mutable std::optional<std::string> user_agent_;
  PathParams params_;
};

std::string milliseconds_text(double seconds) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3f", seconds * 1000.0);
  return buffer;
}

bool is_safe_method(std::string_view m) { return m == "GET" || m == "HEAD" || m == "OPTIONS"; }

// Request ids must be unique, not secret: a random prefix per thread and a
// counter, instead of a trip to the CSPRNG on every request.
std::string new_request_id() {
  thread_local const std::string prefix = random_token(6);
  thread_local std::uint64_t counter = 0;
  char suffix[20];
  std::snprintf(suffix, sizeof suffix, "%08llx", static_cast<unsigned long long>(++counter));
  return prefix + suffix;
}

std::string incoming_request_id(const RawRequest& raw) {
  if (auto given = raw.header("X-Request-Id"); given && !given->empty() && given->size() <= 64) {
    bool clean = true;
    for (unsigned char c : *given) clean = clean && (std::isalnum(c) || c == '-' || c == '_' || c == '.');
    if (clean) return *given;
  }
  return new_request_id();
}

std::optional<std::string> cookie_value(const std::string& header, const std::string& name) {
  std::size_t pos = 0;
  while (pos < header.size()) {
    while (pos < header.size() && (header[pos] == ' ' || header[pos] == ';')) ++pos;
    auto end = header.find(';', pos);
    if (end == std::string::npos) end = header.size();
    auto pair = std::string_view(header).substr(pos, end - pos);
    if (pair.size() > name.size() && pair.substr(0, name.size()) == name && pair[name.size()] == '=')
      return std::string(pair.substr(name.size() + 1));
    pos = end + 1;
  }
  return std::nullopt;
}

// nlohmann's parser recurses per nesting level: refuse deep documents before
// they can exhaust the stack.
bool nesting_within(const std::string& text, std::size_t limit) {
  std::size_t depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return false;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return true;
}

bool is_json_content_type(const std::string& value) {
  auto semicolon = value.find(';');
  std::string type = value.substr(0, semicolon);
  while (!type.empty() && type.back() == ' ') type.pop_back();
  for (auto& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return type == "application/json" || (type.rfind("application/", 0) == 0 && type.size() > 5 &&
                                        type.compare(type.size() - 5, 5, "+json") == 0);
}

Response with_allow(Response r, const std::string& allowed) {
  r.headers.emplace_back("Allow", allowed);
  return r;
}

}  // namespace

Dispatcher::Dispatcher(DispatcherSettings settings, const PublishedRoutes& routes, SessionStore& sessions,
                       MetricsRegistry& metrics, LogSink& log, const Clock& clock)
    : settings_(std::move(settings)), routes_(routes), sessions_(sessions), metrics_(metrics), log_(log), clock_(clock) {}

Response Dispatcher::refuse(const RawRequest& raw, int status, std::string_view slug, std::string_view title,
                            std::string_view detail, bool retry_later) {
  auto started = std::chrono::steady_clock::now();
  std::string request_id = incoming_request_id(raw);
  Response r = problem(status, slug, title, detail);
  if (retry_later) r.headers.emplace_back("Retry-After", "1");
  r.headers.emplace_back("Connection", "close");
  r.headers.emplace_back("X-Request-Id", request_id);
  account(raw, "refused", request_id, raw.peer_ip(), r,
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(), {});
  return r;
}

Response Dispatcher::handle(const RawRequest& raw) {
  auto started = std::chrono::steady_clock::now();
  std::string request_id = incoming_request_id(raw);
  std::string client_ip;
  if (raw.door() == Door::unix_socket) client_ip = "unix";
  else if (settings_.trusted_proxies.empty()) client_ip = raw.peer_ip();
  else client_ip = settings_.trusted_proxies.client_address(raw.peer_ip(), raw.header("X-Forwarded-For").value_or(""));

  // The snapshot keeps every route (and its plugin) alive until we return.
  auto table = routes_.snapshot();
  auto match = table->match(raw.method(), raw.path());
  std::string route_label = match.entry ? match.entry->route.pattern : "unmatched";

  auto finish = [&](Response r) {
    r.headers.emplace_back("X-Request-Id", request_id);
    account(raw, route_label, request_id, client_ip, r,
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(), match.params);
    return r;
  };

  if (match.outcome == RouteTable::Outcome::no_such_path)
    return finish(problem(404, "not_found", "Not found", "No resource lives at this path."));
  if (match.outcome == RouteTable::Outcome::method_not_allowed)
    return finish(with_allow(problem(405, "method_not_allowed", "Method not allowed",
                                     "Allowed: " + match.allowed + "."),
                             match.allowed));

  const RouteEntry& entry = *match.entry;
  const Route& route = entry.route;
  RequestContext context(raw, request_id, client_ip, match.params);

  try {
    // Authentication: the socket operator, else a bearer token, else the cookie.
    bool cookie_auth = false;
    std::string csrf_hash;
    bool bad_token = false;
    if (raw.door() == Door::unix_socket && raw.peer_is_operator()) {
      context.caller_.socket_operator = true;
      context.caller_.roles = {"admin"};
    } else {
      std::optional<std::string> token;
      if (auto auth = raw.header("Authorization"); auth && auth->size() > 7 &&
                                                    (auth->compare(0, 7, "Bearer ") == 0 || auth->compare(0, 7, "bearer ") == 0)) {
        token = auth->substr(7);
      } else if (auto cookies = raw.header("Cookie")) {
        token = cookie_value(*cookies, kSessionCookie);
        cookie_auth = token.has_value();
      }
      if (token) {
        if (auto session = sessions_.authenticate(*token)) {
          context.caller_ = std::move(session->caller);
          csrf_hash = std::move(session->csrf_hash);
        } else {
          bad_token = true;
          cookie_auth = false;
        }
      }
    }

    const Caller& caller = context.caller_;
    bool authenticated = caller.signed_in() || caller.socket_operator;
    if (route.access != Access::anyone && !authenticated)
      return finish(problem(401, "unauthenticated", "Not signed in",
                            bad_token ? "The session has expired or was revoked; sign in again."
                                      : "This needs a session: sign in first.")
                        .with_header("WWW-Authenticate", "Bearer"));
    if (route.access == Access::admin && !caller.has_role("admin"))
      return finish(problem(403, "forbidden", "Forbidden", "This needs the admin role."));
    if (route.access == Access::privileged && !caller.socket_operator && caller.privileged_until <= clock_.now())
      return finish(problem(403, "step_up_required", "Step-up needed",
                            "Confirm your password and security answer first (POST /api/v1/me/step-up)."));
    // Cookies ride along on cross-site requests; a write must also prove it
    // came from our own pages by echoing the CSRF token.
    if (cookie_auth && !is_safe_method(raw.method())) {
      auto sent = raw.header("X-CSRF-Token");
      if (!sent || !constant_time_equal(sha256_hex(*sent), csrf_hash))
        return finish(problem(403, "csrf", "CSRF token missing or wrong",
                              "Send the memberd_csrf cookie's value in the X-CSRF-Token header."));
    }

    if (route.body == Body::json) {
      if (!raw.body().empty() || !is_safe_method(raw.method())) {
        auto type = raw.header("Content-Type");
        if (!type || !is_json_content_type(*type))
          return finish(problem(415, "unsupported_media_type", "Unsupported media type",
                                "Send the body as application/json."));
        if (!nesting_within(raw.body(), settings_.max_json_depth))
          return finish(problem(400, "malformed_body", "Malformed JSON", "The document nests too deeply."));
        context.json_ = nlohmann::json::parse(raw.body(), nullptr, false);
        if (context.json_.is_discarded())
          return finish(problem(400, "malformed_body", "Malformed JSON", "The body is not valid JSON."));
        if (!context.json_.is_object())
          return finish(problem(400, "malformed_body", "Malformed JSON", "The body must be a JSON object."));
      }
    }

    return finish(route.handler(context));
  } catch (const HashingBusy&) {
    return finish(problem(503, "busy", "Busy", "Too many sign-ins at once; try again shortly.")
                      .with_header("Retry-After", "1"));
  } catch (const DatabaseBusy&) {
    return finish(problem(503, "busy", "Busy", "The database is saturated; try again shortly.")
                      .with_header("Retry-After", "1"));
  } catch (const std::exception& e) {
    log_.write(LogLevel::error, entry.component, "handler failed",
               {{"request_id", request_id}, {"route", route.method + " " + route.pattern}, {"error", describe_error(e)}});
    return finish(problem(500, "internal", "Internal error",
                          "Something went wrong on our side. Quote request id " + request_id + "."));
  } catch (...) {
    log_.write(LogLevel::error, entry.component, "handler threw a non-exception",
               {{"request_id", request_id}, {"route", route.method + " " + route.pattern}});
    return finish(problem(500, "internal", "Internal error",
                          "Something went wrong on our side. Quote request id " + request_id + "."));
  }
}

std::pair<Counter*, Histogram*> Dispatcher::series_for(std::string_view method, const std::string& route,
                                                       const std::string& status) {
  // The registry's lookups validate and sort labels; remembering the series
  // makes the hot path one hash lookup under a shared lock.
  std::string key = std::string(method) + ' ' + route + ' ' + status;
  {
    std::shared_lock lock(series_mutex_);
    if (auto it = series_.find(key); it != series_.end()) return it->second;
  }
  std::pair<Counter*, Histogram*> found{
      &metrics_.counter("memberd_http_requests_total", "HTTP requests by route and status",
                        {{"method", std::string(method)}, {"route", route}, {"status", status}}),
      &metrics_.histogram("memberd_http_request_duration_seconds", "HTTP request latency by route", {{"route", route}})};
  std::unique_lock lock(series_mutex_);
  series_.emplace(std::move(key), found);
  return found;
}

void Dispatcher::account(const RawRequest& raw, const std::string& route, const std::string& request_id,
                         std::string_view client_ip, const Response& response, double seconds,
                         const PathParams& params) {
  std::string status = std::to_string(response.status);
  auto [requests, latency] = series_for(raw.method(), route, status);
  requests->inc();
  latency->observe(seconds);

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
