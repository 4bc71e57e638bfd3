// What bench/closure.sh needs that curl and wrk cannot do (issue 32's
// closure benchmark):
//
//   memberd-bench-closure seed URL MEMBERS CLOSES_AT   MEMBERS members, each with a photo (three renditions),
//                                                      a published profile, 100 sign-in records and three
//                                                      email choices, set to close at CLOSES_AT (Unix seconds)
//   memberd-bench-closure data URL MEMBER_ID           the same data for one existing member
//   memberd-bench-closure due URL                      every seeded member's closure falls due now
//   memberd-bench-closure count URL                    how many seeded members are left
//
// URL is a database URL as the daemon takes it; the tables exist (the
// daemon made them). Rows go in with a few statements over a recursive
// series, as sign_ins_tool.cpp fills its table.
#include "storage/database.hpp"

#include <soci/soci.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>

using namespace memberd;

namespace {

int usage() {
  std::cerr << "usage: memberd-bench-closure seed URL MEMBERS CLOSES_AT | data URL MEMBER_ID | due URL | count URL\n";
  return 64;
}

std::unique_ptr<ConnectionPool> open(const std::string& url) {
  return std::make_unique<ConnectionPool>(DatabaseSettings{url, 1, std::chrono::milliseconds(5000),
                                                           std::chrono::milliseconds(5000)});
}

long long now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// 3 KB of base64 (a small rendition's size).
std::string rendition_text() { return std::string(3072, 'Q'); }

// Everything but the members rows, for the members `ids` (a SELECT of one
// column `id`); `number` is an SQL expression of `id` unique to each
// member, for security_level's unique event ids.
void fill_member_data(soci::session& sql, bool pg, const std::string& ids, const std::string& number) {
  const long long t = now();
  const std::string ts = std::to_string(t);
  const std::string with_ids = "WITH ids(id) AS (" + ids + ") ";
  sql << with_ids + "INSERT INTO photo_images (photo_id, member_id, status, revision_id, source_format, source_width,"
                    " source_height, source_bytes, created_at, published_at)"
                    " SELECT 'photo-' || id, id, 'published', '', 'jpeg', 1200, 1200, 250000, " + ts + ", " + ts +
             " FROM ids";
  for (const char* size : {"small", "medium", "large"})
    sql << with_ids + "INSERT INTO photo_renditions (photo_id, size, format, sha256, byte_count, data)"
                      " SELECT 'photo-' || id, '" + size + "', 'jpeg', '" + std::string(64, 'a') + "', 2304, '" +
               rendition_text() + "' FROM ids";
  sql << with_ids + "INSERT INTO profile_published (member_id, fields, revision_id, published_at)"
                    " SELECT id, '{\"company\":\"Bench Lamps Ltd\",\"country\":\"GB\"}', 'rev-' || id, " + ts +
             " FROM ids";
  for (const char* category : {"trade_alerts", "membership_services", "notifications"})
    sql << with_ids + "INSERT INTO email_service_subscriptions (member_id, category_id, subscribed, changed_at,"
                      " changed_by) SELECT id, '" + category + "', 0, " + ts + ", 'member' FROM ids";
  // 100 sign-in records each: the ids crossed with 1..100.
  const std::string hundred = pg ? "generate_series(1, 100) AS k(j)"
                                 : "(WITH RECURSIVE k(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM k WHERE j < 100)"
                                   " SELECT j FROM k) AS k";
  sql << with_ids + "INSERT INTO security_level_sign_ins (event_id, member_id, session_id, at, ip, ip_key, outcome,"
                    " country_code, country, city, time_zone, label, anonymous, vpn, tor, public_proxy, hosting,"
                    " residential_proxy, user_agent, new_location)"
                    " SELECT -(" + number + ") * 1000 - j, id, '', " + ts + " - j * 3600, '10.1.0.7', '00000000000000000000ffff0a010007',"
                    " 'success', 'GB', 'United Kingdom', 'London', 'Europe/London', 'London, United Kingdom', 0, 0,"
                    " 0, 0, 0, 0, 'bench-browser/1.0', 0 FROM ids, " + hundred;
}

int seed(const std::string& url, long long members, long long closes_at) {
  auto pool = open(url);
  auto lease = pool->lease();
  soci::session& sql = lease->sql();
  bool pg = pool->backend() == Backend::postgresql;
  auto started = std::chrono::steady_clock::now();
  soci::transaction tx(sql);
  const std::string series = pg ? "SELECT i FROM generate_series(1::bigint, " + std::to_string(members) + ") AS n(i)"
                                : "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " +
                                      std::to_string(members) + ") SELECT i FROM n";
  // The password hash is never checked: these members never sign in.
  sql << "INSERT INTO members (member_id, email, password_hash, created_at, updated_at, closes_at)"
         " SELECT 'bench-close-' || i, 'bench-close-' || i || '@example.com', '$argon2id$v=19$m=8,t=1,p=1$x$x', " +
             std::to_string(now()) + ", " + std::to_string(now()) + ", " + std::to_string(closes_at) + " FROM (" +
             series + ") AS s";
  fill_member_data(sql, pg, "SELECT member_id FROM members WHERE member_id LIKE 'bench-close-%'",
                   "CAST(substr(id, 13) AS INTEGER)");
  tx.commit();
  sql << "ANALYZE";
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("seeded %lld members (photo, profile, 100 sign-ins, 3 email choices each) in %.1f s\n", members, seconds);
  return 0;
}

int data(const std::string& url, const std::string& member) {
  auto pool = open(url);
  auto lease = pool->lease();
  soci::session& sql = lease->sql();
  soci::transaction tx(sql);
  fill_member_data(sql, pool->backend() == Backend::postgresql, "SELECT '" + member + "'", "9999999");
  tx.commit();
  return 0;
}

int due(const std::string& url) {
  auto pool = open(url);
  auto lease = pool->lease();
  lease->sql() << "UPDATE members SET closes_at = " + std::to_string(now() - 1) +
                      " WHERE member_id LIKE 'bench-close-%'";
  return 0;
}

int count(const std::string& url) {
  auto pool = open(url);
  auto lease = pool->lease();
  long long n = 0;
  lease->sql() << "SELECT COUNT(*) FROM members WHERE member_id LIKE 'bench-close-%'", soci::into(n);
  std::printf("%lld\n", n);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    std::string command = argc > 1 ? argv[1] : "";
    if (command == "seed" && argc == 5) return seed(argv[2], std::stoll(argv[3]), std::stoll(argv[4]));
    if (command == "data" && argc == 4) return data(argv[2], argv[3]);
    if (command == "due" && argc == 3) return due(argv[2]);
    if (command == "count" && argc == 3) return count(argv[2]);
    return usage();
  } catch (const std::exception& e) {
    std::cerr << "memberd-bench-closure: " << e.what() << "\n";
    return 1;
  }
}
