#pragma once
// The core's half of the second step of sign-in (SDK 2.13,
// sign_in_factors.hpp): which members turned one on and through which
// plugin, the challenges between a right password and the second step, and
// the sessions the step opens. The providers themselves are plugins; the
// host hands over a lookup that finds the one serving now.
//
// Kept in the core, not in the provider, so that it fails closed: a member
// whose provider is not serving gets `unavailable`, never a session on the
// password alone.
#include <memberd/host.hpp>
#include <memberd/sign_in_factors.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace memberd {

class LogSink;
class SessionStore;
class SignInGuardService;

class SecondSteps {
 public:
  // The provider `plugin` serves now, held alive by the caller while it is
  // used; nullptr when that plugin serves none (not loaded, unloaded).
  using ProviderLookup = std::function<std::shared_ptr<SecondStepProvider>(const std::string& plugin)>;

  // A challenge lives this long: enough to find a phone and type a code.
  static constexpr std::chrono::seconds kChallengeLifetime{300};

  SecondSteps(const Clock& clock, SessionStore& sessions, SignInGuardService& guard, LogSink& log);
  // Set once, before the daemon serves (the plugin host comes after us).
  void set_provider_lookup(ProviderLookup lookup) { lookup_ = std::move(lookup); }

  // The SDK's SignInFactors as plugin `plugin` sees it: its
  // require_second_step() names it the member's provider.
  std::unique_ptr<SignInFactors> for_plugin(std::string plugin);

  // Records an admin's console sign-in in the audit log, in the
  // transaction that opens its session (the daemon hands over the audit
  // log's record_sign_in). Fails as the audit log does: busy, unavailable.
  using ConsoleSignInRecorder = std::function<Result<void>(UnitOfWork& work, const Request& request,
                                                           std::string_view member_id, SignInMethod method)>;
  // Set once, before the daemon serves.
  void set_console_sign_in_recorder(ConsoleSignInRecorder recorder) { record_console_sign_in_ = std::move(recorder); }

  // The console's sign-in's challenge (SignInFactors::challenge's, for an
  // admin whose password was right): when the provider's route completes
  // it, the sign-in is recorded through the recorder above, since the
  // console's route never sees it end. Fails as challenge().
  Result<std::optional<SecondStepChallenge>> console_challenge(UnitOfWork& work, std::string_view member_id,
                                                               const Request& request);

  // Deletes challenges that expired; returns how many. Fails: busy.
  Result<int> purge(UnitOfWork& work);

 private:
  class ForPlugin;
  struct Challenged {
    std::string member_id;
    bool for_console = false;
  };
  Result<std::optional<SecondStepChallenge>> challenge(UnitOfWork& work, std::string_view member_id,
                                                       const Request& request, bool for_console = false);
  Result<Challenged> challenged(UnitOfWork& work, std::string_view token, const Request& request);
  Result<OpenedSession> complete(UnitOfWork& work, std::string_view token, const Request& request,
                                 const std::string& plugin, SignInMethod method);
  Result<OpenedSession> open_session(UnitOfWork& work, std::string_view member_id, const Request& request,
                                     const std::string& plugin, SignInMethod method);
  // {} while `plugin` provides the member's second step; else not_found.
  Result<void> still_provided_by(UnitOfWork& work, std::string_view member_id, const std::string& plugin);
  Result<void> withdraw(UnitOfWork& work, std::string_view member_id, const std::string& plugin);
  // The plugin that provides the member's second step, if any; `lock` keeps
  // the row from changing until the transaction ends (PostgreSQL: FOR
  // SHARE; on SQLite the writer's lock does it).
  Result<std::optional<std::string>> provider_of(UnitOfWork& work, std::string_view member_id, bool lock = false);
  Result<void> require(UnitOfWork& work, std::string_view member_id, const std::string& provider, bool required);
  Result<bool> verify(UnitOfWork& work, std::string_view member_id, const nlohmann::json& proof,
                      const Request& request);
  // verify(), its checks charged to `key` (already prefixed with the
  // calling plugin's name, as its RateLimits keys are).
  Result<bool> verify_on_budget(UnitOfWork& work, std::string_view member_id, const nlohmann::json& proof,
                                const Request& request, std::string key, const AttemptPolicy& policy);
  // The serving provider `name`, or the failure that says it is missing.
  Result<std::shared_ptr<SecondStepProvider>> serving(const std::string& name);

  const Clock& clock_;
  SessionStore& sessions_;
  SignInGuardService& guard_;
  LogSink& log_;
  ProviderLookup lookup_;
  ConsoleSignInRecorder record_console_sign_in_;
};

}  // namespace memberd
