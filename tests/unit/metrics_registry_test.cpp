#include "metrics/registry.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using memberd::MetricsRegistry;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

bool has_line(const std::string& text, const std::string& line) {
  const auto lines = lines_of(text);
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

std::size_t count_lines(const std::string& text, const std::string& prefix) {
  const auto lines = lines_of(text);
  return static_cast<std::size_t>(
      std::count_if(lines.begin(), lines.end(), [&](const std::string& l) { return l.rfind(prefix, 0) == 0; }));
}

}  // namespace

TEST_CASE("an empty registry renders nothing") {
  MetricsRegistry r;
  CHECK(r.render().empty());
}

TEST_CASE("counters render with HELP and TYPE once per family") {
  MetricsRegistry r;
  auto& ok = r.counter("memberd_requests_total", "HTTP requests.", {{"code", "200"}, {"method", "GET"}});
  auto& bad = r.counter("memberd_requests_total", "ignored: first help wins", {{"method", "POST"}, {"code", "500"}});
  ok.inc();
  ok.inc(2);
  bad.inc(0.5);
  bad.inc(-3);  // counters never go down

  const std::string text = r.render();
  const std::vector<std::string> expected = {
      "# HELP memberd_requests_total HTTP requests.",
      "# TYPE memberd_requests_total counter",
      R"(memberd_requests_total{code="200",method="GET"} 3)",
      R"(memberd_requests_total{code="500",method="POST"} 0.5)",
  };
  CHECK(lines_of(text) == expected);
}

TEST_CASE("the same name and labels give the same object, in any label order") {
  MetricsRegistry r;
  auto& a = r.counter("c_total", "h", {{"a", "1"}, {"b", "2"}});
  auto& b = r.counter("c_total", "h", {{"b", "2"}, {"a", "1"}});
  auto& other = r.counter("c_total", "h", {{"a", "1"}, {"b", "3"}});
  CHECK(&a == &b);
  CHECK(&a != &other);
  auto& g1 = r.gauge("g", "h");
  auto& g2 = r.gauge("g", "h", {});
  CHECK(&g1 == &g2);
  auto& h1 = r.histogram("h_seconds", "h", {{"x", "y"}});
  auto& h2 = r.histogram("h_seconds", "h", {{"x", "y"}});
  CHECK(&h1 == &h2);
}

TEST_CASE("gauges set and add, values use Prometheus number forms") {
  MetricsRegistry r;
  auto& g = r.gauge("pool_in_use", "Sessions leased.");
  g.set(5);
  g.add(-2);
  r.gauge("big", "b").set(1234567);
  r.gauge("small", "s").set(0.0005);
  r.gauge("neg_inf", "n").set(-std::numeric_limits<double>::infinity());
  r.gauge("not_a_number", "n").set(std::nan(""));
  const std::string text = r.render();
  CHECK(has_line(text, "pool_in_use 3"));
  CHECK(has_line(text, "# TYPE pool_in_use gauge"));
  CHECK(has_line(text, "big 1.234567e+06"));
  CHECK(has_line(text, "small 0.0005"));
  CHECK(has_line(text, "neg_inf -Inf"));
  CHECK(has_line(text, "not_a_number NaN"));
}

TEST_CASE("families are sorted by name, series by labels") {
  MetricsRegistry r;
  r.counter("zeta_total", "z").inc();
  r.gauge("alpha", "a", {{"k", "b"}}).set(2);
  r.gauge("alpha", "a", {{"k", "a"}}).set(1);
  const std::vector<std::string> expected = {
      "# HELP alpha a", "# TYPE alpha gauge", R"(alpha{k="a"} 1)",    R"(alpha{k="b"} 2)",
      "# HELP zeta_total z", "# TYPE zeta_total counter", "zeta_total 1",
  };
  CHECK(lines_of(r.render()) == expected);
}

TEST_CASE("label values and help text are escaped") {
  MetricsRegistry r;
  r.counter("esc_total", "line one\nback\\slash \"quotes\" stay", {{"path", "a\"b\\c\nd"}}).inc();
  const std::string text = r.render();
  CHECK(has_line(text, R"(# HELP esc_total line one\nback\\slash "quotes" stay)"));
  CHECK(has_line(text, R"(esc_total{path="a\"b\\c\nd"} 1)"));
  CHECK(count_lines(text, "esc_total") == 1);  // no raw newline split the sample
}

TEST_CASE("histograms render cumulative buckets, +Inf, _sum and _count") {
  MetricsRegistry r;
  auto& h = r.histogram("req_seconds", "Latency.", {{"route", "/x"}}, {0.1, 0.5, 1});
  h.observe(0.05);
  h.observe(0.1);  // on the bound: "less than or equal"
  h.observe(0.3);
  h.observe(2);
  h.observe(std::nan(""));  // ignored
  const std::vector<std::string> expected = {
      "# HELP req_seconds Latency.",
      "# TYPE req_seconds histogram",
      R"(req_seconds_bucket{route="/x",le="0.1"} 2)",
      R"(req_seconds_bucket{route="/x",le="0.5"} 3)",
      R"(req_seconds_bucket{route="/x",le="1"} 3)",
      R"(req_seconds_bucket{route="/x",le="+Inf"} 4)",
      R"(req_seconds_sum{route="/x"} 2.45)",
      R"(req_seconds_count{route="/x"} 4)",
  };
  CHECK(lines_of(r.render()) == expected);
}

TEST_CASE("histogram without labels and with default buckets") {
  MetricsRegistry r;
  auto& h = r.histogram("lat_seconds", "l");
  h.observe(0.0005);
  h.observe(20);
  const std::string text = r.render();
  CHECK(has_line(text, R"(lat_seconds_bucket{le="0.0005"} 1)"));
  CHECK(has_line(text, R"(lat_seconds_bucket{le="0.001"} 1)"));
  CHECK(has_line(text, R"(lat_seconds_bucket{le="2.5"} 1)"));
  CHECK(has_line(text, R"(lat_seconds_bucket{le="10"} 1)"));
  CHECK(has_line(text, R"(lat_seconds_bucket{le="+Inf"} 2)"));
  CHECK(has_line(text, "lat_seconds_sum 20.0005"));
  CHECK(has_line(text, "lat_seconds_count 2"));
  CHECK(count_lines(text, "lat_seconds_bucket") == memberd::default_latency_buckets().size() + 1);
  CHECK(memberd::default_latency_buckets().front() == 0.0005);
  CHECK(memberd::default_latency_buckets().back() == 10);
}

TEST_CASE("bad names, labels, types and buckets are refused") {
  MetricsRegistry r;
  for (const char* bad : {"", "1abc", "a-b", "a b", "é", "a.b"}) {
    INFO(bad);
    CHECK_THROWS_AS(r.counter(bad, "h"), std::invalid_argument);
  }
  CHECK_NOTHROW(r.counter("ok:name_1", "h"));
  CHECK_NOTHROW(r.counter("_x", "h"));
  CHECK_NOTHROW(r.counter(":x", "h"));

  CHECK_THROWS_AS(r.counter("l_total", "h", {{"1bad", "v"}}), std::invalid_argument);
  CHECK_THROWS_AS(r.counter("l_total", "h", {{"a:b", "v"}}), std::invalid_argument);
  CHECK_THROWS_AS(r.counter("l_total", "h", {{"__name__", "v"}}), std::invalid_argument);
  CHECK_THROWS_AS(r.counter("l_total", "h", {{"a", "1"}, {"a", "2"}}), std::invalid_argument);
  CHECK_THROWS_AS(r.histogram("l_seconds", "h", {{"le", "1"}}), std::invalid_argument);

  r.counter("typed", "h");
  CHECK_THROWS_AS(r.gauge("typed", "h"), std::invalid_argument);
  CHECK_THROWS_AS(r.histogram("typed", "h"), std::invalid_argument);

  CHECK_THROWS_AS(r.histogram("b1", "h", {}, {1, 0.5}), std::invalid_argument);
  CHECK_THROWS_AS(r.histogram("b2", "h", {}, {1, 1}), std::invalid_argument);
  CHECK_THROWS_AS(r.histogram("b3", "h", {}, {std::nan("")}), std::invalid_argument);
  CHECK_NOTHROW(r.histogram("b4", "h", {}, {1, std::numeric_limits<double>::infinity()}));
  r.histogram("b5", "h", {{"a", "1"}}, {1, 2});
  CHECK_THROWS_AS(r.histogram("b5", "h", {{"a", "2"}}, {1, 3}), std::invalid_argument);

  r.histogram("hist", "h");
  CHECK_THROWS_AS(r.counter("hist_count", "h"), std::invalid_argument);
  CHECK_THROWS_AS(r.gauge("hist_bucket", "h"), std::invalid_argument);
  r.gauge("other_sum", "h");
  CHECK_THROWS_AS(r.histogram("other", "h"), std::invalid_argument);
}

TEST_CASE("concurrent updates, lookups and scrapes add up") {
  MetricsRegistry r;
  constexpr int threads = 4, per_thread = 20000;
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      auto& c = r.counter("hits_total", "h", {{"shared", "yes"}});
      auto& h = r.histogram("obs_seconds", "o", {}, {0.5});
      for (int i = 0; i < per_thread; ++i) {
        c.inc();
        h.observe(i % 2 ? 1.0 : 0.25);
        if (i % 1000 == 0) {
          r.gauge("per_thread", "p", {{"t", std::to_string(t)}}).set(i);
          (void)r.render();
        }
      }
    });
  }
  for (auto& t : pool) t.join();
  const std::string text = r.render();
  CHECK(has_line(text, R"(hits_total{shared="yes"} 80000)"));
  CHECK(has_line(text, R"(obs_seconds_bucket{le="0.5"} 40000)"));
  CHECK(has_line(text, R"(obs_seconds_bucket{le="+Inf"} 80000)"));
  CHECK(has_line(text, "obs_seconds_count 80000"));
  CHECK(has_line(text, "obs_seconds_sum 50000"));
  CHECK(count_lines(text, "per_thread{") == threads);
}
