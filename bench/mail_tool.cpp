// What bench/mail.sh needs that curl cannot do:
//
//   memberd-bench-mail fill URL MEMBERS   MEMBERS members, every tenth with Trade Alerts switched off
//
// URL is a database URL as the daemon takes it. The rows go straight into
// the core's `members` table and the email_service plugin's subscriptions,
// two statements in one transaction, after the daemon created the tables
// (joining 100,000 members through the API would mostly measure Argon2id).
#include "storage/database.hpp"

#include <soci/soci.h>

#include <chrono>
#include <iostream>
#include <string>

using namespace memberd;

namespace {

int usage() {
  std::cerr << "usage: memberd-bench-mail fill URL MEMBERS\n";
  return 64;
}

int fill(const std::string& url, long long members) {
  ConnectionPool pool(DatabaseSettings{url, 1, std::chrono::milliseconds(5000), std::chrono::milliseconds(5000)});
  auto lease = pool.lease();
  soci::session& sql = lease->sql();
  bool pg = pool.backend() == Backend::postgresql;
  std::string n = std::to_string(members);
  // Ids like the host's UUIDs, in the order members_after walks them.
  std::string id = pg ? "'00000000-0000-4000-8000-' || lpad(i::text, 12, '0')"
                      : "'00000000-0000-4000-8000-' || printf('%012d', i)";
  std::string numbers = pg ? " FROM generate_series(1::bigint, " + n + ") AS n(i)" : " FROM n";
  std::string with = pg ? "" : "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + n + ") ";
  auto started = std::chrono::steady_clock::now();
  soci::transaction tx(sql);
  sql << with + "INSERT INTO members (member_id, email, password_hash, created_at, updated_at) SELECT " + id +
             ", 'bench' || i || '@example.com', 'x', 0, 0" + numbers;
  sql << with + "INSERT INTO email_service_subscriptions (member_id, category_id, subscribed, changed_at, changed_by)"
                " SELECT " + id + ", 'trade_alerts', 0, 0, 'member'" + numbers + " WHERE i % 10 = 0";
  tx.commit();
  std::cerr << "filled " << members << " members in "
            << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count()
            << " ms\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4 || std::string(argv[1]) != "fill") return usage();
  try {
    return fill(argv[2], std::stoll(argv[3]));
  } catch (const std::exception& e) {
    std::cerr << "memberd-bench-mail: " << e.what() << "\n";
    return 1;
  }
}
