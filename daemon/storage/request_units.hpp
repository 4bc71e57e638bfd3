#pragma once
// The transport's RequestUnits (work/request_unit.hpp) on the connection
// pool: each request's unit is a PooledUnit.
#include "work/request_unit.hpp"

namespace memberd {

class ConnectionPool;

class PooledRequestUnits final : public RequestUnits {
 public:
  explicit PooledRequestUnits(ConnectionPool& pool) : pool_(pool) {}
  std::unique_ptr<RequestUnit> open(std::string_view owner) override;
  std::string describe(const std::exception& error) const override;

 private:
  ConnectionPool& pool_;
};

}  // namespace memberd
