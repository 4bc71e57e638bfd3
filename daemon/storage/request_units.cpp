#include "storage/request_units.hpp"

#include "storage/database_fault.hpp"
#include "storage/error_text.hpp"
#include "storage/pooled_unit.hpp"

namespace memberd {

namespace {

std::optional<Failure> as_failure(DatabaseFault fault) {
  if (fault == DatabaseFault::none) return std::nullopt;
  return outage_failure(fault);
}

class PooledRequestUnit final : public RequestUnit {
 public:
  PooledRequestUnit(ConnectionPool& pool, std::string_view owner) : unit_(pool, std::string(owner)) {}
  UnitOfWork& work() override { return unit_; }
  bool finish() override { return unit_.finish(); }
  int leases() const override { return unit_.leases(); }
  std::optional<Failure> outage_in(const std::exception& error) override {
    return as_failure(unit_.note_failure(error));
  }
  std::optional<Failure> outage_seen() override { return as_failure(unit_.outage_seen()); }

 private:
  PooledUnit unit_;
};

}  // namespace

std::unique_ptr<RequestUnit> PooledRequestUnits::open(std::string_view owner) {
  return std::make_unique<PooledRequestUnit>(pool_, owner);
}

std::string PooledRequestUnits::describe(const std::exception& error) const { return describe_error(error); }

}  // namespace memberd
