#include "metrics/registry.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <utility>

namespace memberd {

struct MetricsRegistry::Series {
  std::string key;  // `a="x",b="y"`: sorted, escaped; also the identity
  std::unique_ptr<Counter> counter;
  std::unique_ptr<Gauge> gauge;
  std::unique_ptr<Histogram> histogram;
};

struct MetricsRegistry::Family {
  Type type;
  std::string help;
  std::vector<double> buckets;  // histograms only
  std::map<std::string, std::unique_ptr<Series>, std::less<>> series;
};

namespace {

bool valid_metric_name(std::string_view s) {
  if (s.empty()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

bool valid_label_name(std::string_view s) {
  // Like metric names without ':'; names starting "__" are Prometheus' own.
  if (s.empty() || s.substr(0, 2) == "__") return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

void append_label_value(std::string& out, std::string_view v) {
  for (char c : v) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      default: out += c;
    }
  }
}

void append_help(std::string& out, std::string_view v) {
  for (char c : v) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      default: out += c;
    }
  }
}

// Shortest round-trip form in %g style ("0.0005", "1e+06"): what Prometheus'
// own Go clients print, so `le` label values look the same as everywhere.
std::string format_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general);
  return std::string(buf, res.ptr);
}

// Sorts and checks the labels and renders them as the series' identity.
std::string label_key(Labels& labels, bool histogram) {
  std::sort(labels.begin(), labels.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string key;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const auto& [name, value] = labels[i];
    if (!valid_label_name(name)) throw std::invalid_argument("invalid metric label name: '" + name + "'");
    if (i > 0 && labels[i - 1].first == name) throw std::invalid_argument("duplicate metric label: " + name);
    if (histogram && name == "le") throw std::invalid_argument("a histogram may not have an 'le' label");
    if (i > 0) key += ',';
    key += name;
    key += "=\"";
    append_label_value(key, value);
    key += '"';
  }
  return key;
}

std::vector<double> checked_buckets(std::vector<double> buckets) {
  // +Inf is always there; accept it spelled out and drop it.
  if (!buckets.empty() && std::isinf(buckets.back()) && buckets.back() > 0) buckets.pop_back();
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    if (!std::isfinite(buckets[i])) throw std::invalid_argument("histogram buckets must be finite");
    if (i > 0 && !(buckets[i - 1] < buckets[i])) {
      throw std::invalid_argument("histogram buckets must be strictly increasing");
    }
  }
  return buckets;
}

void append_sample(std::string& out, std::string_view name, std::string_view suffix, std::string_view key,
                   std::string_view extra_label, const std::string& value) {
  out += name;
  out += suffix;
  if (!key.empty() || !extra_label.empty()) {
    out += '{';
    out += key;
    if (!key.empty() && !extra_label.empty()) out += ',';
    out += extra_label;
    out += '}';
  }
  out += ' ';
  out += value;
  out += '\n';
}

const char* type_name(int type) {
  static const char* names[] = {"counter", "gauge", "histogram"};
  return names[type];
}

}  // namespace

// ---------------------------------------------------------------------------
Histogram::Histogram(std::vector<double> upper_bounds)
    : upper_bounds_(std::move(upper_bounds)),
      counts_(std::make_unique<std::atomic<std::uint64_t>[]>(upper_bounds_.size() + 1)) {}

void Histogram::observe(double v) {
  if (std::isnan(v)) return;
  // First bound >= v: Prometheus buckets are "less than or equal".
  const auto i = static_cast<std::size_t>(std::lower_bound(upper_bounds_.begin(), upper_bounds_.end(), v) -
                                          upper_bounds_.begin());
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  s.upper_bounds = upper_bounds_;
  s.cumulative.resize(upper_bounds_.size() + 1);
  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= upper_bounds_.size(); ++i) {
    running += counts_[i].load(std::memory_order_relaxed);
    s.cumulative[i] = running;
  }
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

const std::vector<double>& default_latency_buckets() {
  static const std::vector<double> buckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                           0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  return buckets;
}

// ---------------------------------------------------------------------------
MetricsRegistry::MetricsRegistry() = default;
MetricsRegistry::~MetricsRegistry() = default;

MetricsRegistry::Family& MetricsRegistry::family_for(Type type, const std::string& name, std::string&& help) {
  if (auto it = families_.find(name); it != families_.end()) {
    if (it->second->type != type) {
      throw std::invalid_argument("metric '" + name + "' is already a " + type_name(int(it->second->type)) +
                                  ", not a " + type_name(int(type)));
    }
    return *it->second;
  }
  // A histogram "x" owns the sample names x_bucket, x_sum and x_count.
  for (std::string_view suffix : {"_bucket", "_sum", "_count"}) {
    const std::string_view n = name;
    if (n.size() > suffix.size() && n.substr(n.size() - suffix.size()) == suffix) {
      auto base = families_.find(n.substr(0, n.size() - suffix.size()));
      if (base != families_.end() && base->second->type == Type::histogram) {
        throw std::invalid_argument("metric '" + name + "' clashes with histogram '" + base->first + "'");
      }
    }
    if (type == Type::histogram && families_.count(name + std::string(suffix))) {
      throw std::invalid_argument("histogram '" + name + "' clashes with metric '" + name + std::string(suffix) + "'");
    }
  }
  auto family = std::make_unique<Family>();
  family->type = type;
  family->help = std::move(help);
  return *families_.emplace(name, std::move(family)).first->second;
}

MetricsRegistry::Series& MetricsRegistry::series(Type type, std::string&& name, std::string&& help, Labels&& labels,
                                                 const std::vector<double>* buckets) {
  if (!valid_metric_name(name)) throw std::invalid_argument("invalid metric name: '" + name + "'");
  const std::string key = label_key(labels, type == Type::histogram);
  std::vector<double> bounds;
  if (buckets) bounds = checked_buckets(*buckets);

  auto existing = [&](const Family& f) -> Series* {
    if (f.type != type) {
      throw std::invalid_argument("metric '" + name + "' is already a " + type_name(int(f.type)) + ", not a " +
                                  type_name(int(type)));
    }
    if (type == Type::histogram && f.buckets != bounds) {
      throw std::invalid_argument("histogram '" + name + "' already exists with other buckets");
    }
    auto it = f.series.find(key);
    return it == f.series.end() ? nullptr : it->second.get();
  };

  {  // The common case: it exists already. Readers don't block each other.
    std::shared_lock lock(mutex_);
    if (auto it = families_.find(name); it != families_.end()) {
      if (Series* s = existing(*it->second)) return *s;
    }
  }

  std::unique_lock lock(mutex_);
  const bool is_new_family = !families_.count(name);
  Family& family = family_for(type, name, std::move(help));
  if (is_new_family && type == Type::histogram) family.buckets = bounds;
  if (Series* s = existing(family)) return *s;  // someone else won the race

  auto s = std::make_unique<Series>();
  s->key = key;
  switch (type) {
    case Type::counter: s->counter = std::make_unique<Counter>(); break;
    case Type::gauge: s->gauge = std::make_unique<Gauge>(); break;
    case Type::histogram: s->histogram = std::make_unique<Histogram>(family.buckets); break;
  }
  return *family.series.emplace(key, std::move(s)).first->second;
}

Counter& MetricsRegistry::counter(std::string name, std::string help, Labels labels) {
  return *series(Type::counter, std::move(name), std::move(help), std::move(labels), nullptr).counter;
}

Gauge& MetricsRegistry::gauge(std::string name, std::string help, Labels labels) {
  return *series(Type::gauge, std::move(name), std::move(help), std::move(labels), nullptr).gauge;
}

Histogram& MetricsRegistry::histogram(std::string name, std::string help, Labels labels,
                                      std::vector<double> buckets) {
  return *series(Type::histogram, std::move(name), std::move(help), std::move(labels), &buckets).histogram;
}

std::string MetricsRegistry::render() const {
  std::string out;
  std::shared_lock lock(mutex_);
  for (const auto& [name, family] : families_) {
    if (family->series.empty()) continue;

    out += "# HELP ";
    out += name;
    out += ' ';
    append_help(out, family->help);
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    out += type_name(int(family->type));
    out += '\n';

    switch (family->type) {
      case Type::counter:
        for (const auto& [key, s] : family->series) append_sample(out, name, "", key, "", format_value(s->counter->value()));
        break;
      case Type::gauge:
        for (const auto& [key, s] : family->series) append_sample(out, name, "", key, "", format_value(s->gauge->value()));
        break;
      case Type::histogram:
        for (const auto& [key, s] : family->series) {
          const Histogram::Snapshot snap = s->histogram->snapshot();
          for (std::size_t i = 0; i < snap.upper_bounds.size(); ++i) {
            append_sample(out, name, "_bucket", key, "le=\"" + format_value(snap.upper_bounds[i]) + '"',
                          std::to_string(snap.cumulative[i]));
          }
          append_sample(out, name, "_bucket", key, "le=\"+Inf\"", std::to_string(snap.cumulative.back()));
          append_sample(out, name, "_sum", key, "", format_value(snap.sum));
          append_sample(out, name, "_count", key, "", std::to_string(snap.cumulative.back()));
        }
        break;
    }
  }
  return out;
}

}  // namespace memberd
