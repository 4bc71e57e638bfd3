#pragma once
// The daemon's Prometheus metrics: counters, gauges, histograms, and gauges
// read at scrape time, rendered as the text exposition format 0.0.4.
//
// Hot path: look a series up once (counter(), gauge(), histogram() take a
// lock and may allocate), keep the returned reference — it stays valid for
// the registry's lifetime — and update it with lock-free atomics.

#include <memberd/host.hpp>  // Labels

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace memberd {

class Counter {
 public:
  // Counters only go up: a negative or NaN `by` is ignored rather than
  // thrown, so a bug in a caller cannot fail a request.
  void inc(double by = 1) {
    if (by > 0) value_.fetch_add(by, std::memory_order_relaxed);
  }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Gauge {
 public:
  void set(double v) { value_.store(v, std::memory_order_relaxed); }
  void add(double by) { value_.fetch_add(by, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Histogram {
 public:
  // `upper_bounds` must be finite and strictly increasing (checked by the
  // registry); the +Inf bucket is implicit.
  explicit Histogram(std::vector<double> upper_bounds);
  // NaN is ignored (it would poison _sum forever).
  void observe(double v);

  struct Snapshot {
    std::vector<double> upper_bounds;
    std::vector<std::uint64_t> cumulative;  // one per bound, then +Inf
    double sum = 0;
  };
  Snapshot snapshot() const;

 private:
  const std::vector<double> upper_bounds_;
  // Per-bucket (not cumulative) counts, the last for +Inf: one atomic
  // increment per observation. _count is derived from them at scrape time,
  // so the +Inf bucket and _count always agree.
  const std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;
  std::atomic<double> sum_{0};
};

// Prometheus' usual latency buckets, in seconds: 0.5 ms .. 10 s.
const std::vector<double>& default_latency_buckets();

class MetricsRegistry {
 public:
  MetricsRegistry();
  ~MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // Each returns the one series for `name` + `labels` (label order does not
  // matter), creating it on first use; `help` is taken from the first call.
  // Throw std::invalid_argument for a name not matching
  // [a-zA-Z_:][a-zA-Z0-9_:]*, a bad or duplicate label name, a name already
  // used with another type (or clashing with a histogram's _bucket/_sum/_count),
  // and, for histograms, an "le" label or buckets that are not finite and
  // strictly increasing or differ from those the family was created with.
  Counter& counter(std::string name, std::string help, Labels labels = {});
  Gauge& gauge(std::string name, std::string help, Labels labels = {});
  Histogram& histogram(std::string name, std::string help, Labels labels = {},
                       std::vector<double> buckets = default_latency_buckets());

  // The text exposition format 0.0.4 (Content-Type
  // "text/plain; version=0.0.4; charset=utf-8"): families sorted by name,
  // "# HELP" and "# TYPE" once per family, series sorted by labels.
  std::string render() const;

 private:
  enum class Type { counter, gauge, histogram };
  struct Series;
  struct Family;

  // Finds or creates the series; returns it with the registry lock released.
  Series& series(Type type, std::string&& name, std::string&& help, Labels&& labels,
                 const std::vector<double>* buckets);
  // Checks name/type/suffix clashes and creates the family if new.
  // Caller holds mutex_ exclusively.
  Family& family_for(Type type, const std::string& name, std::string&& help);

  mutable std::shared_mutex mutex_;
  std::map<std::string, std::unique_ptr<Family>, std::less<>> families_;
};

}  // namespace memberd
