#pragma once
// Failures as values: what a host call returns when it can fail in a way a
// handler is expected to handle.
//
//   auto member = host.accounts().find_by_email(request.work(), email);
//   if (!member) return refusal_problem(member.failure());   // problem.hpp
//   use(member->member_id);
//
// A `Result<T>` holds either a T or a `Failure`. The ways a host call can
// fail are listed in its "Fails:" line (host.hpp); anything not listed there
// is a bug, which the host reports as a 500 with the request id.
//
// (2.8) Any call that touches the database may also fail `unavailable`: the
// database is down, unreachable, out of disk or read-only. It is not listed
// in each Fails: line. Answer it with refusal_problem() like the others; a
// SOCI statement of your own that throws for the same reason is answered 503
// `unavailable` by the host, as is a 500 of yours on a unit that met one.
// Results are [[nodiscard]]: ignoring one ignores a failure.
//
// Frozen within SDK 2.x: `Refusal` only grows at its end and `Failure` keeps
// its members (see version.hpp).

#include <chrono>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace memberd {

enum class Refusal {
  busy,          // a bounded resource is saturated (hashing pool, database pool): 503 + Retry-After
  taken,         // a unique value is held by someone else (an email address): 409
  not_found,     // no such thing (member, session, token): 404
  locked,        // an account or key is locked after failed attempts: 429 + Retry-After
  rate_limited,  // too many requests for a key in a window: 429 + Retry-After
  gone,          // it existed but is used up or expired (a link): 410
  conflict,      // the state changed under the caller (a concurrent change): 409
  internal,      // the host failed (a bug); it logged the detail: 500
  // --- SDK 2.8 ---
  unavailable,   // the database is down, unreachable, out of disk or read-only: 503 + Retry-After
  // --- SDK 2.16 ---
  disabled,      // an admin disabled the member's account: no session opens for it: 403
};

struct Failure {
  Refusal refusal;
  // For busy, locked, rate_limited and unavailable: when a retry may succeed
  // (at least 1 s).
  std::chrono::seconds retry_after{0};
  // For the member or operator, in plain words; never SQL, paths or secrets.
  // Empty: refusal_problem() picks a generic sentence.
  std::string detail;
  // For locked: how many more attempts the key has before it locks (0 when
  // locked). Otherwise -1.
  int attempts_left = -1;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  Result(Failure failure) : state_(std::in_place_index<1>, std::move(failure)) {}

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // Reading the value of a failed result (or the failure of a good one) is a
  // bug: it throws std::logic_error, which the host turns into a 500.
  T& value() & { return std::get<0>(checked(true)); }
  const T& value() const& { return std::get<0>(checked(true)); }
  T&& value() && { return std::get<0>(std::move(checked(true))); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Failure& failure() const { return std::get<1>(checked(false)); }

 private:
  std::variant<T, Failure>& checked(bool want_value) {
    if (ok() != want_value) throw std::logic_error(want_value ? "value() of a failed Result" : "failure() of a good Result");
    return state_;
  }
  const std::variant<T, Failure>& checked(bool want_value) const {
    if (ok() != want_value) throw std::logic_error(want_value ? "value() of a failed Result" : "failure() of a good Result");
    return state_;
  }
  std::variant<T, Failure> state_;
};

// A result with nothing to return but success: `return {};` or a Failure.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Failure failure) : failure_(std::move(failure)), ok_(false) {}
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Failure& failure() const {
    if (ok_) throw std::logic_error("failure() of a good Result");
    return failure_;
  }

 private:
  Failure failure_{Refusal::internal, std::chrono::seconds{0}, {}, -1};
  bool ok_ = true;
};

inline Failure busy(std::chrono::seconds retry_after = std::chrono::seconds{1}, std::string detail = {}) {
  return Failure{Refusal::busy, retry_after, std::move(detail)};
}

// (2.8) A dependency is down; the host logged what (once per outage).
inline Failure unavailable(std::chrono::seconds retry_after = std::chrono::seconds{5}, std::string detail = {}) {
  return Failure{Refusal::unavailable, retry_after, std::move(detail)};
}

}  // namespace memberd
