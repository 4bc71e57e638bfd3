#include "storage/outage_tracker.hpp"

#include "log/logger.hpp"
#include "metrics/registry.hpp"

#include <cmath>
#include <string>

namespace memberd {

OutageTracker::OutageTracker(Now now) : now_(now ? std::move(now) : Now([] { return std::chrono::steady_clock::now(); })) {}

void OutageTracker::report_to(LogSink& log, MetricsRegistry& metrics) {
  std::lock_guard lock(mutex_);
  log_ = &log;
  metrics_ = &metrics;
  outage_gauge_ = &metrics.gauge("memberd_db_outage", "1 while the database is unavailable (down, out of disk, read-only)");
  outage_gauge_->set(down_.load() ? 1 : 0);
}

void OutageTracker::failed(DatabaseFault fault, TimePoint began_at) {
  if (fault == DatabaseFault::none) return;
  std::lock_guard lock(mutex_);
  if (metrics_) {
    auto& counter = counters_[static_cast<std::size_t>(fault)];
    if (!counter)
      counter = &metrics_->counter("memberd_db_unavailable_total",
                                   "Database operations that failed because the database was unavailable, by cause",
                                   {{"cause", std::string(fault_label(fault))}});
    counter->inc();
  }
  if (down_.load(std::memory_order_relaxed)) {
    ++failures_;
    return;
  }
  if (outages_ > 0 && began_at < back_at_) return;  // the last outage's, reported late
  fault_ = fault;
  since_ = now_();
  failures_ = 1;
  ++outages_;
  down_.store(true, std::memory_order_relaxed);
  if (outage_gauge_) outage_gauge_->set(1);
  if (log_)
    log_->write(LogLevel::error, "storage", "database unavailable: answering 503 until it is back",
                {{"cause", std::string(fault_label(fault))}, {"reason", std::string(fault_description(fault))}});
}

void OutageTracker::recovered(TimePoint opened_at, bool by_write) {
  std::lock_guard lock(mutex_);
  if (!down_.load(std::memory_order_relaxed)) return;  // another thread saw it first
  if (fault_ == DatabaseFault::unreachable || fault_ == DatabaseFault::shutting_down) {
    if (opened_at < since_) return;  // a connection from before the outage proves nothing
  } else if (!by_write) {
    return;  // reads worked all along
  }
  down_.store(false, std::memory_order_relaxed);
  back_at_ = now_();
  if (outage_gauge_) outage_gauge_->set(0);
  double seconds = std::chrono::duration<double>(now_() - since_).count();
  if (log_)
    log_->write(LogLevel::info, "storage",
                "database back after " + std::to_string(static_cast<long long>(std::lround(seconds))) + " s",
                {{"cause", std::string(fault_label(fault_))}, {"failures", std::to_string(failures_)}});
  fault_ = DatabaseFault::none;
}

std::uint64_t OutageTracker::outages() const {
  std::lock_guard lock(mutex_);
  return outages_;
}

}  // namespace memberd
