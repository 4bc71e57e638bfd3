// What bench/reviews.sh needs that wrk cannot do:
//
//   memberd-bench-reviews fill URL N   N members, each with one pending profile revision, submitted over the last 48 h
//
// URL is a database URL as the daemon takes it. `fill` writes the core's
// members and review_items tables directly (two statements) after the
// daemon created them; half the revisions are past a 24 h window.
#include "storage/database.hpp"

#include <soci/soci.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>

using namespace memberd;

namespace {

int fill(const std::string& url, long long n) {
  ConnectionPool pool(DatabaseSettings{url, 1, std::chrono::milliseconds(5000), std::chrono::milliseconds(5000)});
  auto lease = pool.lease();
  soci::session& sql = lease->sql();
  bool pg = pool.backend() == Backend::postgresql;
  long long now = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::system_clock::now().time_since_epoch()).count();
  std::string count = std::to_string(n);
  std::string numbers = pg ? " FROM generate_series(1::bigint, " + count + ") AS n(i)" : " FROM n";
  std::string with = pg ? "" : "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + count + ") ";
  // Ids shaped like the daemon's UUIDs, ordered as i (PostgreSQL's substr
  // takes no negative start: lpad there).
  auto id = [pg](const char* prefix) {
    return std::string("'") + prefix + "-0000-4000-8000-' || " +
           (pg ? "lpad(i::text, 12, '0')" : "substr('000000000000' || i, -12, 12)");
  };
  auto started = std::chrono::steady_clock::now();
  sql << with + "INSERT INTO members (member_id, email, password_hash, created_at, updated_at) SELECT " + id("bbbbbbbb") +
             ", 'bench-' || i || '@example.com', '', " + std::to_string(now) + ", " + std::to_string(now) + numbers;
  sql << with + "INSERT INTO review_items (revision_id, kind, member_id, status, pending_fields, published_fields,"
             " submitted_at, due_at) SELECT " + id("aaaaaaaa") + ", 'profile', " + id("bbbbbbbb") +
             ", 'pending', '{\"company_name\":\"Bench Co. ' || i || '\",\"contact_name\":\"Bench\",\"country\":\"CN\"}',"
             " 'null', " + std::to_string(now - 172800) + " + (i * 172800 / " + count + "), " +
             std::to_string(now - 172800 + 86400) + " + (i * 172800 / " + count + ")" + numbers;
  // PostgreSQL 15 vacuums after this many inserts on its own (autovacuum's
  // insert threshold); without it index-only counts would read the heap.
  sql << (pg ? "VACUUM ANALYZE" : "ANALYZE");
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("filled %lld members with a pending profile each in %.1f s\n", n, seconds);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 4 && std::string(argv[1]) == "fill") return fill(argv[2], std::stoll(argv[3]));
  std::cerr << "usage: memberd-bench-reviews fill URL N\n";
  return 64;
}
