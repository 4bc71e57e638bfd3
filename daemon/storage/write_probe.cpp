#include "storage/write_probe.hpp"

#include "storage/database.hpp"
#include "storage/pooled_unit.hpp"

#include <soci/soci.h>

namespace memberd {

WriteProbe::WriteProbe(ConnectionPool& pool, std::chrono::milliseconds reuse_for)
    : pool_(pool), reuse_for_(reuse_for) {}

bool WriteProbe::writes_work() {
  using clock = std::chrono::steady_clock;
  auto fresh = [&] {
    auto at = last_at_.load(std::memory_order_acquire);
    return at != 0 && clock::now() - clock::time_point(clock::duration(at)) < reuse_for_;
  };
  if (fresh()) return last_ok_.load(std::memory_order_acquire);
  std::unique_lock lock(running_, std::try_to_lock);
  // Another caller is probing: its answer will be the news; until then the last one.
  if (!lock.owns_lock() && last_at_.load(std::memory_order_acquire) != 0) return last_ok_.load(std::memory_order_acquire);
  if (!lock.owns_lock()) lock.lock();  // the very first probe: wait for it
  if (fresh()) return last_ok_.load(std::memory_order_acquire);
  bool ok = probe();
  last_ok_.store(ok, std::memory_order_release);
  last_at_.store(clock::now().time_since_epoch().count(), std::memory_order_release);
  return ok;
}

bool WriteProbe::probe() {
  PooledUnit unit(pool_);  // its outages reach the pool's tracker: a probe that commits ends a write fault
  auto begun = unit.begin();
  // Busy: other writers held the lock all along, so writes do work.
  if (!begun) return begun.failure().refusal == Refusal::busy;
  try {
    auto& sql = **unit.connection();
    if (unit.backend() == Backend::postgresql) sql << "SET LOCAL statement_timeout = 2000";
    long long now = std::chrono::duration_cast<std::chrono::seconds>(
                        std::chrono::system_clock::now().time_since_epoch()).count();
    sql << "UPDATE health_probe SET probed_at = :n WHERE id = 1", soci::use(now);
  } catch (const std::exception& e) {
    (void)unit.note_failure(e);  // an outage is counted and logged once by the tracker
    return false;
  }
  auto committed = unit.commit();
  return committed || committed.failure().refusal == Refusal::busy;
}

}  // namespace memberd
