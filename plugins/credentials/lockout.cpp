#include "lockout.hpp"

#include <memberd/client_network.hpp>
#include <memberd/database.hpp>
#include <soci/soci.h>

#include <algorithm>

namespace memberd::credentials {

namespace {

void ensure_row(soci::session& sql, const std::string& subject, long long now) {
  sql << "INSERT INTO credentials_failures (subject, failures, lock_level, locked_until, window_start, updated_at)"
         " VALUES (:s, 0, 0, 0, :w, :u) ON CONFLICT (subject) DO NOTHING",
      soci::use(subject), soci::use(now), soci::use(now);
}

}  // namespace

Lockout::Lockout(Database& database, const Clock& clock, int lock_after_failures,
                 std::vector<std::chrono::seconds> durations, int address_failures_per_minute)
    : database_(database),
      clock_(clock),
      threshold_(lock_after_failures),
      durations_(std::move(durations)),
      address_limit_(address_failures_per_minute) {}

Lockout::Row Lockout::read(soci::session& sql, const std::string& subject) {
  Row row;
  soci::indicator ind = soci::i_null;
  sql << std::string("SELECT failures, lock_level, locked_until, window_start FROM credentials_failures"
                     " WHERE subject = :s") +
             (database_.backend() == Backend::postgresql ? " FOR UPDATE" : ""),
      soci::use(subject), soci::into(row.failures, ind), soci::into(row.lock_level), soci::into(row.locked_until),
      soci::into(row.window_start);
  if (!sql.got_data() || ind != soci::i_ok) return Row{};
  return row;
}

LockState Lockout::account(const std::string& email) {
  auto lease = database_.lease();
  Row row = read(lease->sql(), "account:" + email);
  long long now = clock_.unix_now();
  if (row.locked_until > now) return {true, std::chrono::seconds(row.locked_until - now), 0};
  return {false, std::chrono::seconds(0), static_cast<int>(threshold_ - row.failures)};
}

LockState Lockout::account_failed(const std::string& email) {
  std::string subject = "account:" + email;
  long long now = clock_.unix_now();
  auto lease = database_.lease();
  Transaction tx(*lease);
  ensure_row(tx.sql(), subject, now);
  Row row = read(tx.sql(), subject);
  LockState state;
  row.failures += 1;
  if (row.failures >= threshold_) {
    auto step = static_cast<std::size_t>(std::min<long long>(row.lock_level, static_cast<long long>(durations_.size()) - 1));
    row.locked_until = now + durations_[step].count();
    row.lock_level += 1;
    row.failures = 0;
    state = {true, durations_[step], 0};
  } else {
    state = {false, std::chrono::seconds(0), static_cast<int>(threshold_ - row.failures)};
  }
  tx.sql() << "UPDATE credentials_failures SET failures = :f, lock_level = :l, locked_until = :u, updated_at = :n"
              " WHERE subject = :s",
      soci::use(row.failures), soci::use(row.lock_level), soci::use(row.locked_until), soci::use(now),
      soci::use(subject);
  tx.commit();
  return state;
}

void Lockout::account_succeeded(const std::string& email) {
  std::string subject = "account:" + email;
  auto lease = database_.lease();
  lease->sql() << "DELETE FROM credentials_failures WHERE subject = :s", soci::use(subject);
}

LockState Lockout::address(const std::string& ip) {
  auto lease = database_.lease();
  Row row = read(lease->sql(), "address:" + client_network(ip));
  long long now = clock_.unix_now();
  if (row.window_start + 60 > now && row.failures >= address_limit_)
    return {true, std::chrono::seconds(std::max<long long>(1, row.window_start + 60 - now)), 0};
  return {};
}

void Lockout::address_failed(const std::string& ip) {
  std::string subject = "address:" + client_network(ip);
  long long now = clock_.unix_now();
  auto lease = database_.lease();
  Transaction tx(*lease);
  ensure_row(tx.sql(), subject, now);
  Row row = read(tx.sql(), subject);
  if (row.window_start + 60 <= now) {
    row.window_start = now;
    row.failures = 0;
  }
  row.failures += 1;
  tx.sql() << "UPDATE credentials_failures SET failures = :f, window_start = :w, updated_at = :n WHERE subject = :s",
      soci::use(row.failures), soci::use(row.window_start), soci::use(now), soci::use(subject);
  tx.commit();
}

}  // namespace memberd::credentials
