#pragma once
// Where a core service (accounts, sign-in limits, rate limits, mail, the
// review queue, events) meets its caller: a plugin's handler, its event
// handler or its own unit, or the core's routes. Each call the SDK
// documents runs its body through service_call(), so nothing unexpected
// escapes into the caller as an exception:
//   - a database outage (down, out of disk, read-only) is `unavailable`,
//     counted by the pool's outage tracker, which logs it once;
//   - any other failure is `internal`, logged as "host call failed" under
//     the unit's caller (PooledUnit::caller(): the plugin whose route, event
//     or unit it is), with the call's name and the error's own message,
//     never the arguments (they may hold passwords);
//   - a std::logic_error (a misuse: hashing inside a transaction, another
//     plugin's review kind) still throws: it is a bug for the caller's
//     tests to find, and the host answers it with a 500 like a stray throw.
#include <memberd/result.hpp>
#include <memberd/unit_of_work.hpp>

#include <exception>
#include <stdexcept>

namespace memberd {

class LogSink;

// The Failure for `error`, which `call` let out while working on `work`;
// logs it unless it is an outage. Fails: never.
Failure service_failure(LogSink& log, const char* call, UnitOfWork& work, const std::exception& error);

// Runs `body` (returning a Result) as the service call `call`, e.g.
// "Accounts::find_by_id".
template <typename Body>
auto service_call(LogSink& log, const char* call, UnitOfWork& work, Body&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const std::logic_error&) {
    throw;
  } catch (const std::exception& e) {
    return service_failure(log, call, work, e);
  }
}

}  // namespace memberd
