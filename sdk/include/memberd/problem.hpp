#pragma once
// Problem documents (RFC 9457): every expected failure a client sees.
//
//   return Problem(422, "validation", "Some fields need attention")
//       .field("email", "Enter a valid email address.")
//       .response();
//   return Problem(403, "wrong_password", "The current password is wrong")
//       .detail("Check it and try again.").extension("attempts_left", 3).response();
//   return refusal_problem(result.failure());   // a host call's Failure
//
// `slug` names the kind of problem and becomes `type` =
// "urn:memberd:problem:<slug>". `errors` (from field()) holds one message per
// offending field, in words a member understands. Never put SQL, paths or
// stack traces in a problem: it goes to the client.
// Header-only; building a problem touches nothing and never fails.

#include <memberd/response.hpp>
#include <memberd/result.hpp>
#include <memberd/text.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace memberd {

class Problem {
 public:
  Problem(int status, std::string_view slug, std::string_view title)
      : status_(status), slug_(slug), title_(title) {}

  Problem& detail(std::string_view text) {
    detail_ = std::string(text);
    return *this;
  }
  // One message for one field of the request body (`errors.<name>`).
  Problem& field(std::string_view name, std::string_view message) {
    fields_.emplace_back(std::string(name), std::string(message));
    return *this;
  }
  // An extension member (RFC 9457 §3.2), e.g. `attempts_left`. The names
  // type, title, status, detail and errors are the problem's own: using one
  // here is a bug and throws std::logic_error.
  Problem& extension(std::string_view name, std::string_view text) { return add(name, json_quote(text)); }
  Problem& extension(std::string_view name, const char* text) { return add(name, json_quote(text)); }
  Problem& extension(std::string_view name, std::int64_t number) { return add(name, std::to_string(number)); }
  Problem& extension(std::string_view name, int number) { return add(name, std::to_string(number)); }
  Problem& extension(std::string_view name, bool flag) { return add(name, flag ? "true" : "false"); }
  // A header for the response (Retry-After, WWW-Authenticate).
  Problem& header(std::string name, std::string value) {
    headers_.emplace_back(std::move(name), std::move(value));
    return *this;
  }

  int status() const { return status_; }
  // The JSON document.
  std::string body() const {
    std::string out = "{\"type\":\"urn:memberd:problem:";
    append_json_escaped(out, slug_);
    out += "\",\"title\":" + json_quote(title_) + ",\"status\":" + std::to_string(status_);
    if (!detail_.empty()) out += ",\"detail\":" + json_quote(detail_);
    if (!fields_.empty()) {
      out += ",\"errors\":{";
      for (std::size_t i = 0; i < fields_.size(); ++i) {
        if (i) out += ',';
        out += json_quote(fields_[i].first) + ':' + json_quote(fields_[i].second);
      }
      out += '}';
    }
    for (const auto& [name, json] : extensions_) out += ',' + json_quote(name) + ':' + json;
    out += '}';
    return out;
  }
  // As a Response with content type application/problem+json.
  Response response() const { return Response{status_, "application/problem+json", body(), headers_}; }
  operator Response() const { return response(); }

 private:
  Problem& add(std::string_view name, std::string json) {
    for (std::string_view own : {"type", "title", "status", "detail", "errors"})
      if (name == own) throw std::logic_error("a problem extension may not be named " + std::string(own));
    extensions_.emplace_back(std::string(name), std::move(json));
    return *this;
  }

  int status_;
  std::string slug_, title_, detail_;
  std::vector<std::pair<std::string, std::string>> fields_, extensions_, headers_;
};

// The one answer for each kind of refusal a host call returns (result.hpp):
//   busy 503 + Retry-After, taken 409, not_found 404, locked 429 +
//   Retry-After (+ attempts_left 0), rate_limited 429 + Retry-After, gone 410,
//   conflict 409, internal 500, (2.8) unavailable 503 + Retry-After,
//   (2.16) disabled 403 `account_disabled`.
// A plugin built against an older SDK answers a refusal it does not know as
// 500; the host then answers 503 `unavailable` itself when the request's
// unit met an outage (docs/architecture.md, "When the database fails").
// The failure's `detail` is used when set; otherwise a generic sentence.
inline Response refusal_problem(const Failure& failure) {
  auto retry = std::to_string(failure.retry_after.count() > 0 ? failure.retry_after.count() : 1);
  auto with_detail = [&](Problem p, std::string_view fallback) -> Problem {
    p.detail(failure.detail.empty() ? fallback : std::string_view(failure.detail));
    return p;
  };
  switch (failure.refusal) {
    case Refusal::busy:
      return with_detail(Problem(503, "busy", "Busy"), "Too many requests at once; try again shortly.")
          .header("Retry-After", retry);
    case Refusal::taken:
      return with_detail(Problem(409, "taken", "Already in use"), "Someone else holds this value.");
    case Refusal::not_found:
      return with_detail(Problem(404, "not_found", "Not found"), "There is no such thing here.");
    case Refusal::locked:
      return with_detail(Problem(429, "locked", "Too many failed attempts"),
                         "This account is locked for a while; try again later.")
          .extension("attempts_left", 0)
          .header("Retry-After", retry);
    case Refusal::rate_limited:
      return with_detail(Problem(429, "rate_limited", "Too many attempts"), "Too many attempts; wait a moment.")
          .header("Retry-After", retry);
    case Refusal::gone:
      return with_detail(Problem(410, "gone", "Used or expired"), "This was used already or has expired.");
    case Refusal::conflict:
      return with_detail(Problem(409, "conflict", "Changed meanwhile"),
                         "Something changed at the same time; reload and try again.");
    case Refusal::unavailable:
      return with_detail(Problem(503, "unavailable", "Service unavailable"),
                         "A service this needs is not available right now; try again shortly.")
          .header("Retry-After", retry);
    case Refusal::disabled:
      return with_detail(Problem(403, "account_disabled", "This account is disabled"),
                         "An administrator has disabled this account. Contact support to have it enabled again.");
    case Refusal::internal:
      break;
  }
  return Problem(500, "internal", "Internal error")
      .detail("Something went wrong on our side. Quote the X-Request-Id of this response.")
      .response();
}

}  // namespace memberd

// In a handler: returns refusal_problem() of the failure when `expr` (a
// Result) failed, and goes on otherwise.
//   MEMBERD_TRY(host.events().publish(work, "thing.changed", payload));
#define MEMBERD_TRY(expr)                                                       \
  do {                                                                          \
    if (auto memberd_try_result_ = (expr); !memberd_try_result_)                \
      return ::memberd::refusal_problem(memberd_try_result_.failure());         \
  } while (false)
