#pragma once
// A request's unit of work as the transport sees it: the UnitOfWork the
// request's phases and its handler get, and what the dispatcher asks once
// the handler has returned. The storage room makes them
// (storage/request_units.hpp); daemon.cpp hands the maker to the
// dispatcher, so the transport never names a database (rooms.txt).
#include <memberd/result.hpp>
#include <memberd/unit_of_work.hpp>

#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace memberd {

class RequestUnit {
 public:
  virtual ~RequestUnit() = default;
  // What the request's phases and its handler work on. It leases a
  // connection on first use, not before.
  virtual UnitOfWork& work() = 0;
  // Ends the work once the handler has returned: true when a transaction
  // was still open (it is rolled back). The connection goes back.
  virtual bool finish() = 0;
  // Connections leased for the request (the metrics count them).
  virtual int leases() const = 0;
  // For an exception a handler let out: the failure to answer (503
  // `unavailable`) when it shows the database down, out of disk or
  // read-only; nullopt for anything else (a bug: 500).
  virtual std::optional<Failure> outage_in(const std::exception& error) = 0;
  // The outage the unit met, if any: how a handler's 500 that hides one (a
  // plugin built before SDK 2.8, or one that caught the error) is told
  // from a bug.
  virtual std::optional<Failure> outage_seen() = 0;
};

class RequestUnits {
 public:
  virtual ~RequestUnits() = default;
  // A unit for one request to a route of `owner` (a plugin, or "core"):
  // an unexpected failure inside a core service is logged under it. Fails:
  // never (a lease is taken, and may fail, on first use).
  virtual std::unique_ptr<RequestUnit> open(std::string_view owner) = 0;
  // What an exception may say in a log line: a database error's own
  // message, without the statement and the values bound to it (password
  // and token hashes). Fails: never.
  virtual std::string describe(const std::exception& error) const = 0;
};

}  // namespace memberd
