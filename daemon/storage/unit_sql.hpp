#pragma once
// How the host's services use a unit of work: its connection as a Result,
// writes that must be atomic in the unit's open transaction or in one of
// their own, and the rule that some calls never run inside a transaction.
#include <memberd/result.hpp>
#include <memberd/unit_of_work.hpp>

#include <stdexcept>
#include <string>
#include <type_traits>

namespace soci {
class session;
}

namespace memberd {

// Runs `body(sql)` (which returns a Result) in the unit's open write
// transaction, or else in one of its own that commits when `body` succeeds
// and rolls back when it fails or throws.
template <typename Body>
auto atomically(UnitOfWork& work, Body&& body) -> decltype(body(std::declval<soci::session&>())) {
  using R = decltype(body(std::declval<soci::session&>()));
  auto sql = work.connection();
  if (!sql) return R(sql.failure());
  if (work.in_transaction()) return body(**sql);
  if (auto begun = work.begin(); !begun) return R(begun.failure());
  try {
    R result = body(**sql);
    if (!result) {
      work.rollback();
      return result;
    }
    if (auto done = work.commit(); !done) return R(done.failure());
    return result;
  } catch (...) {
    work.rollback();
    throw;
  }
}

// For calls that must not run inside a write transaction (hashing, counted
// attempts): a misuse is a bug in the caller.
inline void require_no_transaction(const UnitOfWork& work, const char* call) {
  if (work.in_transaction())
    throw std::logic_error(std::string(call) + " may not run inside a write transaction (call it before opening one)");
}

}  // namespace memberd
