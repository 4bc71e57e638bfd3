#pragma once
// The core's `memberd::SignInGuard`: one lock on each member's secrets for
// every way in (member sign-in, console, step-up, reset answers), with
// trusted devices counted apart (OWASP's device-cookie pattern). host.hpp
// documents each call and how it fails. Counters live in RateLimitsService
// (`core:account:<email>`, `core:device:<digest>`); devices in
// `trusted_devices`.
#include <memberd/host.hpp>

#include <chrono>
#include <map>
#include <optional>
#include <mutex>
#include <string>

namespace memberd {

class AccountsService;
class RateLimitsService;
class LogSink;

struct SignInPolicy {
  AttemptPolicy attempts{5, {std::chrono::minutes(1), std::chrono::minutes(5), std::chrono::minutes(15),
                             std::chrono::minutes(60)}};
  std::chrono::seconds trusted_device_lifetime{std::chrono::hours(24 * 180)};
  int devices_per_member = 10;
};

class SignInGuardService final : public SignInGuard {
 public:
  // `log` takes what fails unexpectedly inside a call (service_boundary.hpp).
  SignInGuardService(const Clock& clock, RateLimitsService& limits, AccountsService& accounts, SignInPolicy policy,
                     LogSink& log)
      : clock_(clock), limits_(limits), accounts_(accounts), policy_(std::move(policy)), log_(log) {}

  Result<SignInAttempt> reserve(UnitOfWork& work, std::string_view email, std::string_view member_id,
                                std::string_view device_token) override;
  Result<AttemptState> failed(UnitOfWork& work, const SignInAttempt& attempt) override;
  Result<void> succeeded(UnitOfWork& work, const SignInAttempt& attempt) override;
  Result<void> release(UnitOfWork& work, const SignInAttempt& attempt) override;
  Result<std::string> trust_device(UnitOfWork& work, std::string_view member_id, std::string_view device_token) override;
  std::chrono::seconds trusted_device_lifetime() const override { return policy_.trusted_device_lifetime; }
  Result<void> unlock(UnitOfWork& work, std::string_view email, std::string_view member_id) override;
  Result<int> forget_devices(UnitOfWork& work, std::string_view member_id, std::string_view keep_device_token) override;

  // Deletes devices unused for the lifetime; returns how many.
  Result<int> purge(UnitOfWork& work);

  // While one lives, the checks of `member_id`'s secrets reserved through
  // `work` are charged to `key` under `policy` (a flow's own budget,
  // SignInFactors::verify_second_step_on_budget), not to the account's lock
  // or a device's counter, and a lock of that budget is not the member's
  // locked_until. The attempts say trusted_device (the account's lock is
  // not what they count on) so that a provider announces no account lock.
  class ChargedToBudget {
   public:
    ChargedToBudget(SignInGuardService& guard, const UnitOfWork& work, std::string member_id, std::string key,
                    AttemptPolicy policy);
    ~ChargedToBudget();
    ChargedToBudget(const ChargedToBudget&) = delete;
    ChargedToBudget& operator=(const ChargedToBudget&) = delete;

   private:
    SignInGuardService& guard_;
    const UnitOfWork* work_;
  };

 private:
  struct Budget {
    std::string member_id, key;
    AttemptPolicy policy;
  };
  // The budget `work` charges checks to now, if any.
  std::optional<Budget> budget_of(const UnitOfWork& work);

  // Whether `device_token` is a live trusted device of `member_id`.
  Result<bool> is_trusted(UnitOfWork& work, std::string_view member_id, std::string_view device_token);

  const Clock& clock_;
  RateLimitsService& limits_;
  AccountsService& accounts_;
  SignInPolicy policy_;
  LogSink& log_;
  std::mutex budgets_mutex_;
  std::map<const UnitOfWork*, Budget> budgets_;  // a unit serves one request at a time
};

// The account counter's key for `email` (normalised).
std::string account_attempts_key(std::string_view email);

}  // namespace memberd
