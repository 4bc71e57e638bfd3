#pragma once
// The request pipeline shared by both doors (TCP and the Unix socket), as
// named phases: request id -> client address -> route match (404/405) ->
// identify and authorize (auth/request_auth.hpp) -> body (json_body.hpp) ->
// the handler, with the request's unit of work, guarded -> metrics and the
// access log.
#include <memberd/http.hpp>

#include "audit/admin_audit_log.hpp"
#include "transport/client_address.hpp"
#include "transport/raw_request.hpp"
#include "transport/router.hpp"

#include <functional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <utility>

namespace memberd {

class SessionStore;
class RequestUnits;
class MetricsRegistry;
class Counter;
class Histogram;
class LogSink;
class Clock;

struct DispatcherSettings {
  TrustedProxies trusted_proxies;
  bool secure_cookies_on_https = false;  // sessions.cookie_secure: auto
  std::size_t max_json_depth = 64;
  // sessions.cookie_secure: auto or always: memberd's cookies travel as
  // __Host-/__Secure- over HTTPS (cookie_prefixes.hpp).
  bool prefixed_cookies_on_https = true;
};

class Dispatcher {
 public:
  // `audit`: every admin request that may change something is one record
  // of it (audit/admin_audit_log.hpp), whatever it answers.
  Dispatcher(DispatcherSettings settings, const Router& routes, RequestUnits& units,
             SessionStore& sessions, MetricsRegistry& metrics, LogSink& log, const Clock& clock,
             AdminAuditLog& audit);

  Response handle(const RawRequest& raw);
  // Whether handle(raw) can never block (no database, no hashing, no lock
  // held by others): the transport then runs it on its I/O thread instead
  // of handing it to a worker and back. Only the core's liveness probe,
  // and only without credentials (identifying a caller may read the
  // database). Cheap: no routing.
  bool never_blocks(const RawRequest& raw) const;
  // How long a body the route at `method` and the undecoded request
  // `target` takes: its own limit (Host::add_route_with_body_limit), else
  // `fallback` (http.max_body_bytes). Asked by the transport once a header
  // is in, before it reads a byte of the body. Cheap: one route match.
  std::size_t body_limit(std::string_view method, std::string_view target, std::size_t fallback) const;
  // The answer for requests refused before routing: overload (with
  // Retry-After, closing the connection) or headers over the limit.
  Response refuse(const RawRequest& raw, int status, std::string_view slug, std::string_view title,
                  std::string_view detail, bool retry_later);

 private:
  struct Series {
    Counter* requests;
    Histogram* latency;
    Counter* leases;
  };
  std::string client_address(const RawRequest& raw) const;
  // Over TLS here, or forwarded as https (X-Forwarded-Proto) by a trusted proxy.
  bool over_https(const RawRequest& raw) const;
  void account(const RawRequest& raw, const std::string& route, const std::string& request_id,
               std::string_view client_ip, const Response& response, double seconds, const PathParams& params,
               int leases);
  Series series_for(std::string_view method, const std::string& route, const std::string& status);

  DispatcherSettings settings_;
  const Router& routes_;
  RequestUnits& units_;  // storage's, wired in daemon.cpp: the transport names no database
  AdminAuditLog& audit_;
  SessionStore& sessions_;
  MetricsRegistry& metrics_;
  LogSink& log_;
  const Clock& clock_;
  std::shared_mutex series_mutex_;
  std::unordered_map<std::string, Series> series_;  // by "METHOD route status"
};

}  // namespace memberd
