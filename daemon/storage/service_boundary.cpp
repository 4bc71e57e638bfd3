#include "storage/service_boundary.hpp"

#include "log/logger.hpp"
#include "storage/database_fault.hpp"
#include "storage/error_text.hpp"
#include "storage/pooled_unit.hpp"

namespace memberd {

Failure service_failure(LogSink& log, const char* call, UnitOfWork& work, const std::exception& error) {
  auto* pooled = as_pooled(work);
  // The unit also sees whether its connection died (an error without a code).
  auto fault = pooled ? pooled->note_failure(error) : classify_database_error(error);
  if (fault != DatabaseFault::none) return outage_failure(fault);
  log.write(LogLevel::error, pooled ? pooled->caller() : std::string("core"), "host call failed",
            {{"call", call}, {"error", describe_error(error)}});
  return Failure{Refusal::internal};
}

}  // namespace memberd
