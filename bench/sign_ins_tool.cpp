// What bench/sign_ins.sh needs that wrk cannot do:
//
//   memberd-bench-sign-ins fill URL ROWS MEMBERS   ROWS sign-in records for MEMBERS members, spread over 180 days
//   memberd-bench-sign-ins explain URL MEMBER_ID   the query plans of the admin listing's filters
//   memberd-bench-sign-ins geo CITY_DB ANON_DB N   N lookups through the host's Geo service: lookups/s
//
// URL is a database URL as the daemon takes it. `fill` writes the
// security_level plugin's table directly, in one statement, after the daemon
// created it; the rows look like real ones (addresses, countries, anonymous
// proxies, failures).
#include "geo/geo_databases.hpp"
#include "log/logger.hpp"
#include "metrics/registry.hpp"
#include "storage/database.hpp"

#include <soci/soci.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>

using namespace memberd;

namespace {

int usage() {
  std::cerr << "usage: memberd-bench-sign-ins fill URL ROWS MEMBERS | explain URL MEMBER_ID | geo CITY_DB ANON_DB N\n";
  return 64;
}

std::unique_ptr<ConnectionPool> open(const std::string& url) {
  return std::make_unique<ConnectionPool>(DatabaseSettings{url, 1, std::chrono::milliseconds(5000),
                                                           std::chrono::milliseconds(5000)});
}

int fill(const std::string& url, long long rows, long long members) {
  auto pool = open(url);
  auto lease = pool->lease();
  soci::session& sql = lease->sql();
  bool pg = pool->backend() == Backend::postgresql;
  long long now = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::system_clock::now().time_since_epoch()).count();
  // i -> member i % members, a time in the last 180 days, one of 200
  // networks in 8 countries, 1 in 25 through an anonymous proxy, 1 in 7 failed.
  std::string numbers = pg ? "generate_series(1::bigint, " + std::to_string(rows) + ") AS n(i)"
                           : "n";
  std::string with = pg ? "" : "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " +
                                   std::to_string(rows) + ") ";
  const std::string mod = "%", concat = "||";
  std::string select =
      "SELECT 1000000000 + i, 'bench-member-' " + concat + " (i " + mod + " " + std::to_string(members) + "), '', " +
      std::to_string(now) + " - (i * 15552000 / " + std::to_string(rows) + "), "
      "'10.' " + concat + " (i % 200) " + concat + " '.0.7', "
      "'00000000000000000000ffff0a' " + concat + " substr('0123456789abcdef', CAST((i % 200) / 16 + 1 AS INTEGER), 1) " +
      concat + " substr('0123456789abcdef', CAST((i % 200) % 16 + 1 AS INTEGER), 1) " + concat + " '0007', "
      "CASE WHEN i % 7 = 0 THEN 'failure' ELSE 'success' END, "
      "substr('GBJPDECNUSFRBRIN', CAST((i % 8) * 2 + 1 AS INTEGER), 2), 'Country', 'City', 'Etc/UTC', "
      "CASE WHEN i % 25 = 0 THEN 'Anonymous Proxy' ELSE 'City, Country' END, "
      "CASE WHEN i % 25 = 0 THEN 1 ELSE 0 END, 0, 0, 0, 0, 0, 'bench-browser/1.0', 0";
  auto started = std::chrono::steady_clock::now();
  sql << with + "INSERT INTO security_level_sign_ins (event_id, member_id, session_id, at, ip, ip_key, outcome,"
                " country_code, country, city, time_zone, label, anonymous, vpn, tor, public_proxy, hosting,"
                " residential_proxy, user_agent, new_location) " + select + " FROM " + numbers;
  if (pg) sql << "ANALYZE security_level_sign_ins";
  else sql << "ANALYZE";
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("filled %lld records for %lld members in %.1f s\n", rows, members, seconds);
  return 0;
}

int explain(const std::string& url, const std::string& member) {
  auto pool = open(url);
  auto lease = pool->lease();
  soci::session& sql = lease->sql();
  bool pg = pool->backend() == Backend::postgresql;
  // The shape records.cpp uses: the page's ids from the indexes, then the rows.
  const std::string columns = "SELECT * FROM security_level_sign_ins WHERE id IN (SELECT id FROM security_level_sign_ins";
  const std::string order = " ORDER BY at DESC, id DESC LIMIT 50) ORDER BY at DESC, id DESC";
  const std::pair<const char*, std::string> queries[] = {
      {"newest", columns + order},
      {"member", columns + " WHERE member_id = '" + member + "'" + order},
      {"address", columns + " WHERE ip_key = '00000000000000000000ffff0a070007'" + order},
      {"network", columns + " WHERE ip_key >= '00000000000000000000ffff0a070000' AND ip_key <= "
                            "'00000000000000000000ffff0a07ffff'" + order},
      {"country", columns + " WHERE country_code = 'JP'" + order},
      {"anonymous", columns + " WHERE anonymous = 1" + order},
      {"member failures since", columns + " WHERE member_id = '" + member + "' AND outcome = 'failure' AND at >= 0" +
                                    order},
  };
  for (const auto& [name, query] : queries) {
    std::printf("-- %s\n", name);
    soci::rowset<soci::row> plan = sql.prepare << (pg ? "EXPLAIN " : "EXPLAIN QUERY PLAN ") + query;
    for (const auto& row : plan) std::printf("   %s\n", row.get<std::string>(pg ? 0 : 3).c_str());
  }
  return 0;
}

int geo(const std::string& city, const std::string& anonymous, long long n) {
  LogSink log(LogLevel::error);
  MetricsRegistry metrics;
  GeoDatabases databases({city, anonymous}, log, metrics);
  const char* addresses[] = {"81.2.69.142", "1.124.213.1", "2001:218::1", "2.125.160.216", "10.0.0.1", "8.8.8.8"};
  std::size_t labels = 0;
  auto started = std::chrono::steady_clock::now();
  for (long long i = 0; i < n; ++i) labels += databases.locate(addresses[i % 6]).label.size();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("%lld lookups (city + anonymous databases) in %.3f s: %.0f lookups/s, %.2f us each (%zu)\n", n, seconds,
              n / seconds, seconds * 1e6 / n, labels % 10);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    std::string command = argc > 1 ? argv[1] : "";
    if (command == "fill" && argc == 5) return fill(argv[2], std::stoll(argv[3]), std::stoll(argv[4]));
    if (command == "explain" && argc == 4) return explain(argv[2], argv[3]);
    if (command == "geo" && argc == 5) return geo(argv[2], argv[3], std::stoll(argv[4]));
    return usage();
  } catch (const std::exception& e) {
    std::cerr << "memberd-bench-sign-ins: " << e.what() << "\n";
    return 1;
  }
}
