#include "auth/sign_in_guard.hpp"

#include "auth/accounts_service.hpp"
#include "auth/email_identity.hpp"
#include "auth/rate_limits_service.hpp"
#include "storage/service_boundary.hpp"
#include "storage/unit_sql.hpp"
#include "util/crypto.hpp"
#include "util/time_format.hpp"

#include <memberd/email_address.hpp>

#include <soci/soci.h>

namespace memberd {

namespace {

// Longer cookie values are not ours: never hashed, never looked up.
constexpr std::size_t kMaxDeviceToken = 128;

std::string device_key(const std::string& device_hash) { return "core:device:" + device_hash; }

}  // namespace

std::string account_attempts_key(std::string_view email) { return "core:account:" + canonical_email(email); }

Result<bool> SignInGuardService::is_trusted(UnitOfWork& work, std::string_view member_id, std::string_view token) {
  if (member_id.empty() || token.empty() || token.size() > kMaxDeviceToken) return false;
  auto sql = work.connection();
  if (!sql) return sql.failure();
  std::string hash = sha256_hex(token), owner;
  long long last_used = 0, oldest = to_unix(clock_.now()) - policy_.trusted_device_lifetime.count();
  soci::indicator ind = soci::i_null;
  **sql << "SELECT member_id, last_used_at FROM trusted_devices WHERE device_hash = :h", soci::use(hash),
      soci::into(owner, ind), soci::into(last_used);
  if (!(*sql)->got_data() || ind != soci::i_ok) return false;
  // Another member's device is no device of this one's: the comparison is of
  // ids the caller cannot choose, so it needs no constant time.
  return owner == member_id && last_used >= oldest;
}

SignInGuardService::ChargedToBudget::ChargedToBudget(SignInGuardService& guard, const UnitOfWork& work,
                                                     std::string member_id, std::string key, AttemptPolicy policy)
    : guard_(guard), work_(&work) {
  std::lock_guard lock(guard_.budgets_mutex_);
  guard_.budgets_[work_] = Budget{std::move(member_id), std::move(key), std::move(policy)};
}

SignInGuardService::ChargedToBudget::~ChargedToBudget() {
  std::lock_guard lock(guard_.budgets_mutex_);
  guard_.budgets_.erase(work_);
}

std::optional<SignInGuardService::Budget> SignInGuardService::budget_of(const UnitOfWork& work) {
  std::lock_guard lock(budgets_mutex_);
  auto it = budgets_.find(&work);
  if (it == budgets_.end()) return std::nullopt;
  return it->second;
}

Result<SignInAttempt> SignInGuardService::reserve(UnitOfWork& work, std::string_view email, std::string_view member_id,
                                                  std::string_view device_token) {
  return service_call(log_, "SignInGuard::reserve", work, [&]() -> Result<SignInAttempt> {
    if (auto budget = budget_of(work); budget && budget->member_id == member_id) {
      SignInAttempt attempt{budget->key, std::string(member_id), true};
      if (auto reserved = limits_.reserve_attempt(work, attempt.key, budget->policy); !reserved)
        return reserved.failure();
      return attempt;
    }
    auto trusted = is_trusted(work, member_id, device_token);
    if (!trusted) return trusted.failure();
    SignInAttempt attempt{*trusted ? device_key(sha256_hex(device_token)) : account_attempts_key(email),
                          std::string(member_id), *trusted};
    if (auto reserved = limits_.reserve_attempt(work, attempt.key, policy_.attempts); !reserved) return reserved.failure();
    return attempt;
  });
}

Result<AttemptState> SignInGuardService::failed(UnitOfWork& work, const SignInAttempt& attempt) {
  return service_call(log_, "SignInGuard::failed", work, [&]() -> Result<AttemptState> {
    if (auto budget = budget_of(work); budget && budget->key == attempt.key)
      return limits_.attempt_failed(work, attempt.key, budget->policy);
    auto state = limits_.attempt_failed(work, attempt.key, policy_.attempts);
    if (!state) return state;
    // The account's lock is shown to admins as the member's locked_until; a
    // device's lock concerns that device alone.
    if (state->locked && !attempt.trusted_device && !attempt.member_id.empty())
      if (auto shown = accounts_.set_locked_until(work, attempt.member_id, clock_.now() + state->retry_after); !shown)
        return shown.failure();
    return state;
  });
}

Result<void> SignInGuardService::succeeded(UnitOfWork& work, const SignInAttempt& attempt) {
  return service_call(log_, "SignInGuard::succeeded", work, [&]() -> Result<void> {
    if (auto cleared = limits_.attempt_succeeded(work, attempt.key); !cleared) return cleared;
    if (attempt.trusted_device || attempt.member_id.empty()) return {};
    return accounts_.set_locked_until(work, attempt.member_id, TimePoint{});
  });
}

Result<void> SignInGuardService::release(UnitOfWork& work, const SignInAttempt& attempt) {
  return service_call(log_, "SignInGuard::release", work, [&]() -> Result<void> {
    return limits_.release_attempt(work, attempt.key);
  });
}

Result<std::string> SignInGuardService::trust_device(UnitOfWork& work, std::string_view member_id,
                                                     std::string_view device_token) {
  return service_call(log_, "SignInGuard::trust_device", work, [&]() -> Result<std::string> {
    auto trusted = is_trusted(work, member_id, device_token);
    if (!trusted) return trusted.failure();
    std::string token = *trusted ? std::string(device_token) : random_token(32);
    std::string hash = sha256_hex(token), member(member_id);
    long long now = to_unix(clock_.now());
    return atomically(work, [&](soci::session& sql) -> Result<std::string> {
      if (*trusted) {
        sql << "UPDATE trusted_devices SET last_used_at = :n WHERE device_hash = :h", soci::use(now), soci::use(hash);
        return token;
      }
      sql << "INSERT INTO trusted_devices (device_hash, member_id, created_at, last_used_at) VALUES (:h, :m, :c, :u)",
          soci::use(hash), soci::use(member), soci::use(now), soci::use(now);
      // A member keeps their most recent devices; an attacker who signs in
      // as them (with the password) cannot grow the table without bound.
      int keep = policy_.devices_per_member;
      sql << "DELETE FROM trusted_devices WHERE member_id = :m AND device_hash NOT IN"
             " (SELECT device_hash FROM trusted_devices WHERE member_id = :m2 ORDER BY last_used_at DESC, device_hash"
             " LIMIT :k)",
          soci::use(member), soci::use(member), soci::use(keep);
      return token;
    });
  });
}

Result<void> SignInGuardService::unlock(UnitOfWork& work, std::string_view email, std::string_view member_id) {
  return service_call(log_, "SignInGuard::unlock", work, [&]() -> Result<void> {
    if (auto forgot = limits_.forget_attempts(work, account_attempts_key(email)); !forgot) return forgot;
    return accounts_.set_locked_until(work, member_id, TimePoint{});
  });
}

Result<int> SignInGuardService::forget_devices(UnitOfWork& work, std::string_view member_id,
                                              std::string_view keep_device_token) {
  return service_call(log_, "SignInGuard::forget_devices", work, [&]() -> Result<int> {
    auto connection = work.connection();
    if (!connection) return connection.failure();
    std::string member(member_id);
    // A token that was never stored keeps nothing: its digest matches no row.
    std::string keep = keep_device_token.empty() || keep_device_token.size() > kMaxDeviceToken
                           ? std::string()
                           : sha256_hex(keep_device_token);
    soci::statement st = ((*connection)->prepare << "DELETE FROM trusted_devices WHERE member_id = :m AND device_hash <> :k",
                          soci::use(member), soci::use(keep));
    st.execute(true);
    return static_cast<int>(st.get_affected_rows());
  });
}

Result<int> SignInGuardService::purge(UnitOfWork& work) {
  auto connection = work.connection();
  if (!connection) return connection.failure();
  long long oldest = to_unix(clock_.now()) - policy_.trusted_device_lifetime.count();
  soci::statement st = ((*connection)->prepare << "DELETE FROM trusted_devices WHERE last_used_at < :o", soci::use(oldest));
  st.execute(true);
  return static_cast<int>(st.get_affected_rows());
}

}  // namespace memberd
