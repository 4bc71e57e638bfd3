#include "auth/second_steps.hpp"

#include "auth/member_standing.hpp"
#include "auth/session_store.hpp"
#include "auth/sign_in_guard.hpp"
#include "log/logger.hpp"
#include "storage/service_boundary.hpp"
#include <memberd/kept_statement.hpp>
#include "util/crypto.hpp"
#include "util/time_format.hpp"

#include <soci/soci.h>

#include <stdexcept>

namespace memberd {

namespace {

// The client a challenge was given to: its address and User-Agent. A token
// that leaks (a log, a shoulder) is no use from another browser.
std::string client_hash(const Request& request) {
  std::string client(request.client_ip());
  client += '\n';
  client += request.user_agent();
  return sha256_hex(client);
}

Failure challenge_gone() {
  return Failure{Refusal::not_found, {}, "This sign-in has expired or was already used; sign in again."};
}

}  // namespace

class SecondSteps::ForPlugin final : public SignInFactors {
 public:
  ForPlugin(SecondSteps& core, std::string plugin) : core_(core), plugin_(std::move(plugin)) {}
  Result<std::optional<SecondStepChallenge>> challenge(UnitOfWork& work, std::string_view member_id,
                                                       const Request& request) override {
    return service_call(core_.log_, "SignInFactors::challenge", work,
                        [&] { return core_.challenge(work, member_id, request); });
  }
  Result<std::string> challenged_member(UnitOfWork& work, std::string_view token, const Request& request) override {
    return service_call(core_.log_, "SignInFactors::challenged_member", work, [&]() -> Result<std::string> {
      auto challenged = core_.challenged(work, token, request);
      if (!challenged) return challenged.failure();
      return std::move(challenged->member_id);
    });
  }
  Result<OpenedSession> complete(UnitOfWork& work, std::string_view token, const Request& request,
                                 SignInMethod method) override {
    return service_call(core_.log_, "SignInFactors::complete", work,
                        [&] { return core_.complete(work, token, request, plugin_, method); });
  }
  Result<OpenedSession> open_session(UnitOfWork& work, std::string_view member_id, const Request& request,
                                     SignInMethod method) override {
    return service_call(core_.log_, "SignInFactors::open_session", work,
                        [&] { return core_.open_session(work, member_id, request, plugin_, method); });
  }
  Result<bool> second_step_required(UnitOfWork& work, std::string_view member_id) override {
    return service_call(core_.log_, "SignInFactors::second_step_required", work, [&]() -> Result<bool> {
      auto provider = core_.provider_of(work, member_id);
      if (!provider) return provider.failure();
      return provider->has_value();
    });
  }
  Result<void> require_second_step(UnitOfWork& work, std::string_view member_id, bool required) override {
    return service_call(core_.log_, "SignInFactors::require_second_step", work,
                        [&] { return core_.require(work, member_id, plugin_, required); });
  }
  Result<bool> verify_second_step(UnitOfWork& work, std::string_view member_id, const nlohmann::json& proof,
                                  const Request& request) override {
    if (work.in_transaction())
      throw std::logic_error("SignInFactors::verify_second_step inside a write transaction: a failure must count");
    return service_call(core_.log_, "SignInFactors::verify_second_step", work,
                        [&] { return core_.verify(work, member_id, proof, request); });
  }
  Result<bool> verify_second_step_on_budget(UnitOfWork& work, std::string_view member_id, const nlohmann::json& proof,
                                            const Request& request, std::string_view budget_key,
                                            const AttemptPolicy& policy) override {
    if (work.in_transaction())
      throw std::logic_error("SignInFactors::verify_second_step_on_budget inside a write transaction: a failure must count");
    // The caller's RateLimits key, as its RateLimits spell it.
    std::string key = plugin_ + ":" + std::string(budget_key);
    return service_call(core_.log_, "SignInFactors::verify_second_step_on_budget", work,
                        [&] { return core_.verify_on_budget(work, member_id, proof, request, key, policy); });
  }
  Result<void> withdraw_second_step(UnitOfWork& work, std::string_view member_id) override {
    return service_call(core_.log_, "SignInFactors::withdraw_second_step", work,
                        [&] { return core_.withdraw(work, member_id, plugin_); });
  }

 private:
  SecondSteps& core_;
  std::string plugin_;
};

SecondSteps::SecondSteps(const Clock& clock, SessionStore& sessions, SignInGuardService& guard, LogSink& log)
    : clock_(clock), sessions_(sessions), guard_(guard), log_(log) {}

std::unique_ptr<SignInFactors> SecondSteps::for_plugin(std::string plugin) {
  return std::make_unique<ForPlugin>(*this, std::move(plugin));
}

Result<std::optional<std::string>> SecondSteps::provider_of(UnitOfWork& work, std::string_view member_id, bool lock) {
  auto select = work.kept(lock && work.backend() == Backend::postgresql
                              ? "SELECT provider FROM second_step_members WHERE member_id = :m FOR SHARE"
                              : "SELECT provider FROM second_step_members WHERE member_id = :m");
  if (!select) return select.failure();
  std::string member(member_id), provider;
  if (!(*select)->run(soci::use(member), soci::into(provider))) return std::optional<std::string>{};
  return std::optional<std::string>{provider};
}

Result<std::shared_ptr<SecondStepProvider>> SecondSteps::serving(const std::string& name) {
  auto provider = lookup_ ? lookup_(name) : nullptr;
  // Fail closed: without its provider nobody can check the member's second
  // step, and the password alone must not do.
  if (!provider)
    return unavailable(std::chrono::seconds{5}, "Two-step verification is unavailable; try again shortly.");
  return provider;
}

Result<std::optional<SecondStepChallenge>> SecondSteps::console_challenge(UnitOfWork& work,
                                                                          std::string_view member_id,
                                                                          const Request& request) {
  return service_call(log_, "SecondSteps::console_challenge", work,
                      [&] { return challenge(work, member_id, request, true); });
}

Result<std::optional<SecondStepChallenge>> SecondSteps::challenge(UnitOfWork& work, std::string_view member_id,
                                                                  const Request& request, bool for_console) {
  using Answer = std::optional<SecondStepChallenge>;
  // A disabled member is told so now, not after typing a code for nothing.
  if (auto standing = refuse_if_disabled(work, member_id, to_unix(clock_.now())); !standing) return standing.failure();
  auto name = provider_of(work, member_id);
  if (!name) return name.failure();
  if (!*name) return Answer{};
  auto provider = serving(**name);
  if (!provider) return provider.failure();
  auto known = (*provider)->remembered(work, member_id, request);
  if (!known) return known.failure();
  if (*known) return Answer{};
  auto methods = (*provider)->methods(work, member_id);
  if (!methods) return methods.failure();
  SecondStepChallenge challenge;
  challenge.token = random_token(32);
  challenge.methods = std::move(*methods);
  auto now = clock_.now();
  auto expires = now + kChallengeLifetime;
  challenge.expires_at = format_rfc3339(expires);
  auto sql = work.connection();
  if (!sql) return sql.failure();
  std::string hash = sha256_hex(challenge.token), client = client_hash(request), member(member_id);
  long long now_s = to_unix(now), expires_s = to_unix(expires);
  int console = for_console ? 1 : 0;
  **sql << "INSERT INTO sign_in_challenges (challenge_hash, member_id, client_hash, created_at, expires_at,"
           " for_console) VALUES (:h, :m, :c, :n, :e, :f)",
      soci::use(hash), soci::use(member), soci::use(client), soci::use(now_s), soci::use(expires_s),
      soci::use(console);
  return Answer{std::move(challenge)};
}

Result<SecondSteps::Challenged> SecondSteps::challenged(UnitOfWork& work, std::string_view token,
                                                        const Request& request) {
  if (token.empty() || token.size() > 128) return challenge_gone();
  auto select = work.kept(
      "SELECT member_id, client_hash, for_console FROM sign_in_challenges"
      " WHERE challenge_hash = :h AND used_at IS NULL AND expires_at > :n");
  if (!select) return select.failure();
  std::string hash = sha256_hex(token), member, client;
  int console = 0;
  long long now = to_unix(clock_.now());
  if (!(*select)->run(soci::use(hash), soci::use(now), soci::into(member), soci::into(client), soci::into(console)))
    return challenge_gone();
  if (!constant_time_equal(client, client_hash(request))) return challenge_gone();
  return Challenged{std::move(member), console != 0};
}

Result<void> SecondSteps::still_provided_by(UnitOfWork& work, std::string_view member_id, const std::string& plugin) {
  // The row is locked until the session commits (PostgreSQL: FOR SHARE; on
  // SQLite the writer's lock does it): a withdrawal waits for this sign-in,
  // and its revocation of the member's sessions then sees this one, or this
  // sign-in waits for the withdrawal and finds the row gone.
  auto provider = provider_of(work, member_id, true);
  if (!provider) return provider.failure();
  if (!*provider || **provider != plugin)
    return Failure{Refusal::not_found, {}, "This member's second step is off; sign in with the password."};
  return {};
}

Result<OpenedSession> SecondSteps::complete(UnitOfWork& work, std::string_view token, const Request& request,
                                            const std::string& plugin, SignInMethod method) {
  auto challenge = challenged(work, token, request);
  if (!challenge) return challenge.failure();
  const std::string& member = challenge->member_id;
  if (auto provided = still_provided_by(work, member, plugin); !provided) return provided.failure();
  auto sql = work.connection();
  if (!sql) return sql.failure();
  // One use: of two requests with the same token, one updates the row.
  std::string hash = sha256_hex(token);
  long long now = to_unix(clock_.now());
  soci::statement use_up = ((*sql)->prepare << "UPDATE sign_in_challenges SET used_at = :n"
                                               " WHERE challenge_hash = :h AND used_at IS NULL",
                            soci::use(now), soci::use(hash));
  use_up.execute(true);
  if (use_up.get_affected_rows() != 1) return challenge_gone();
  auto session = sessions_.open(work, member, request.client_ip(), request.user_agent(), method);
  if (!session || !challenge->for_console) return session;
  // The console's sign-in ends here, in the provider's transaction: its
  // audit record commits with the session or not at all. Without a
  // recorder (a host made without the audit log) no console session opens.
  if (!record_console_sign_in_)
    return Failure{Refusal::unavailable, std::chrono::seconds{5}, "Console sign-ins cannot be recorded now."};
  if (auto recorded = record_console_sign_in_(work, request, member, method); !recorded) return recorded.failure();
  return session;
}

Result<OpenedSession> SecondSteps::open_session(UnitOfWork& work, std::string_view member_id, const Request& request,
                                                const std::string& plugin, SignInMethod method) {
  // A passkey outlives the second step it belonged to for as long as its
  // plugin takes to hear that it went (a reclaimed account): the core's
  // fact decides, in the same transaction as the session.
  if (auto provided = still_provided_by(work, member_id, plugin); !provided) return provided.failure();
  return sessions_.open(work, member_id, request.client_ip(), request.user_agent(), method);
}

Result<void> SecondSteps::require(UnitOfWork& work, std::string_view member_id, const std::string& provider,
                                  bool required) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  std::string member(member_id);
  auto current = provider_of(work, member_id);
  if (!current) return current.failure();
  if (*current && **current != provider)
    return Failure{Refusal::conflict, {}, "Another plugin provides this member's second step."};
  if (required && !*current) {
    long long now = to_unix(clock_.now());
    // A concurrent turn-on by the same provider adds nothing.
    **sql << "INSERT INTO second_step_members (member_id, provider, since) VALUES (:m, :p, :s)"
             " ON CONFLICT (member_id) DO NOTHING",
        soci::use(member), soci::use(provider), soci::use(now);
  } else if (!required && *current) {
    **sql << "DELETE FROM second_step_members WHERE member_id = :m AND provider = :p", soci::use(member),
        soci::use(provider);
  }
  return {};
}

Result<void> SecondSteps::withdraw(UnitOfWork& work, std::string_view member_id, const std::string& plugin) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  std::string member(member_id);
  // Another plugin's second step turned off: worth a line for the operator.
  log_.write(LogLevel::info, "core", "second step withdrawn", {{"member_id", member}, {"by", plugin}});
  **sql << "DELETE FROM second_step_members WHERE member_id = :m", soci::use(member);
  **sql << "DELETE FROM sign_in_challenges WHERE member_id = :m", soci::use(member);
  return {};
}

Result<bool> SecondSteps::verify(UnitOfWork& work, std::string_view member_id, const nlohmann::json& proof,
                                 const Request& request) {
  auto name = provider_of(work, member_id);
  if (!name) return name.failure();
  if (!*name) return Failure{Refusal::not_found, {}, "This member has no second step."};
  auto provider = serving(**name);
  if (!provider) return provider.failure();
  return (*provider)->verify(work, member_id, proof, request);
}

Result<bool> SecondSteps::verify_on_budget(UnitOfWork& work, std::string_view member_id, const nlohmann::json& proof,
                                           const Request& request, std::string key, const AttemptPolicy& policy) {
  // The provider checks through the SignInGuard as always; for as long as
  // it does, the guard charges this member's checks through this unit to
  // the flow's budget.
  SignInGuardService::ChargedToBudget charged(guard_, work, std::string(member_id), std::move(key), policy);
  return verify(work, member_id, proof, request);
}

Result<int> SecondSteps::purge(UnitOfWork& work) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  long long now = to_unix(clock_.now());
  soci::statement st = ((*sql)->prepare << "DELETE FROM sign_in_challenges WHERE expires_at <= :n", soci::use(now));
  st.execute(true);
  return static_cast<int>(st.get_affected_rows());
}

}  // namespace memberd
