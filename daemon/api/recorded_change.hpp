#pragma once
// An admin route's change and its audit record in one transaction: both
// commit or neither (audit/admin_audit_log.hpp). For the core's services
// that join an open transaction (atomically(), storage/unit_sql.hpp).
#include "audit/admin_audit_log.hpp"

#include <memberd/unit_of_work.hpp>

#include <nlohmann/json.hpp>

namespace memberd {

// Runs `change` (returning a Result) in a write transaction of its own on
// `work`, then writes the request's audit record with `detail`, then
// commits. A failed change rolls back and returns its failure; the
// dispatcher then records the answer. Fails: as `change`; busy, unavailable.
template <typename Change>
auto recorded_change(AdminAuditLog& audit, UnitOfWork& work, Change&& change,
                     const nlohmann::json& detail = nlohmann::json::object()) -> decltype(change()) {
  using R = decltype(change());
  auto tx = WriteTransaction::open(work);
  if (!tx) return R(tx.failure());
  R done = change();
  if (!done) return done;
  if (auto written = audit.record(work, detail.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
      !written)
    return R(written.failure());
  if (auto committed = tx->commit(); !committed) return R(committed.failure());
  return done;
}

}  // namespace memberd
