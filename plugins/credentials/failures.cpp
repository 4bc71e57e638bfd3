// The guard around every password and answer check: the network cap, the
// account's reserved attempts, and what a failure or a success records.
#include "notices.hpp"
#include "replies.hpp"
#include "routes.hpp"

#include <memberd/client_network.hpp>
#include <memberd/problem.hpp>
#include <memberd/session_cookies.hpp>

namespace memberd::credentials {

namespace {

constexpr std::chrono::seconds kNetworkWindow{60};

std::string network_key(const Request& request) { return "network:" + client_network(request.client_ip()); }

// A rate_limited refusal in the flow's own words; anything else as it is.
Result<void> worded(Result<void> result, const char* detail) {
  if (result || result.failure().refusal != Refusal::rate_limited) return result;
  Failure refused = result.failure();
  refused.detail = detail;
  return refused;
}

}  // namespace

Result<void> network_allows(Context& ctx, const Request& request) {
  return worded(ctx.host.rate_limits().check(request.work(), network_key(request),
                                             ctx.settings.address_failures_per_minute, kNetworkWindow),
                "Too many failed attempts from your network; wait a moment.");
}

Result<void> count_for_network(Context& ctx, const Request& request, const char* what, int limit,
                               std::chrono::seconds window, const char* detail) {
  std::string key = std::string(what) + ":" + client_network(request.client_ip());
  return worded(ctx.host.rate_limits().hit(request.work(), key, limit, window), detail);
}

Result<void> count_for_member(Context& ctx, const Request& request, const char* what, int limit,
                              std::chrono::seconds window, const char* detail) {
  std::string key = std::string(what) + "_member:" + request.caller().member_id;
  return worded(ctx.host.rate_limits().hit(request.work(), key, limit, window), detail);
}

// The network's window counts every guess as a failure BEFORE it is checked
// (a cap read before the hash and counted after it let parallel guesses all
// pass), and gives back those that turn out right or never get checked.
Result<void> reserve_for_network(Context& ctx, const Request& request) {
  return worded(ctx.host.rate_limits().hit(request.work(), network_key(request),
                                           ctx.settings.address_failures_per_minute, kNetworkWindow),
                "Too many failed attempts from your network; wait a moment.");
}

void give_back_to_network(Context& ctx, const Request& request) {
  // Best effort: a failure counted too many ends with the window.
  (void)ctx.host.rate_limits().take_back(request.work(), network_key(request), kNetworkWindow);
}

Result<SignInAttempt> reserve_attempt(Context& ctx, const Request& request, const std::string& email,
                                      const std::string& member_id) {
  if (auto network = reserve_for_network(ctx, request); !network) return network.failure();
  auto attempt = ctx.host.sign_in_guard().reserve(request.work(), email, member_id, device_token(request));
  if (!attempt) give_back_to_network(ctx, request);
  return attempt;
}

void release_attempt(Context& ctx, const Request& request, const SignInAttempt& attempt) {
  // Best effort: a reservation nobody reports lapses on its own.
  (void)ctx.host.sign_in_guard().release(request.work(), attempt);
  give_back_to_network(ctx, request);
}

const char* kind_name(GuessKind kind) { return kind == GuessKind::sign_in ? "sign_in" : "in_session"; }

FailureOutcome count_failure(Context& ctx, const Request& request, const SignInAttempt& attempt,
                             const std::string& email, const char* what, GuessKind kind) {
  auto& work = request.work();
  auto state = ctx.host.sign_in_guard().failed(work, attempt);
  if (!state) return {refusal_problem(state.failure())};
  // The network's window counted this failure when the attempt was reserved.
  const std::string& member_id = attempt.member_id;
  auto recorded = [&]() -> std::optional<Response> {
    auto tx = WriteTransaction::open(work);
    if (!tx) return refusal_problem(tx.failure());
    auto event = audit(request, member_id);
    event["what"] = what;
    event["kind"] = kind_name(kind);
    event["trusted_device"] = attempt.trusted_device;
    if (member_id.empty()) event["member_id"] = nullptr;
    MEMBERD_TRY(ctx.host.events().publish(work, "signin.failed", event));
    // A device's own lock concerns that browser only: the member is told of
    // locks on their account, which every other client meets.
    if (state->locked && !member_id.empty() && !attempt.trusted_device) {
      MEMBERD_TRY(ctx.host.events().publish(
          work, "account.locked",
          {{"member_id", member_id}, {"seconds", state->retry_after.count()}, {"ip", request.client_ip()}}));
      MEMBERD_TRY(mail_account_locked(ctx.host, work, email, state->retry_after));
    }
    MEMBERD_TRY(tx->commit());
    return std::nullopt;
  }();
  if (recorded) return {std::move(recorded)};
  ctx.host.metrics().increment("failures_total", "Wrong passwords and answers", {{"what", what}});
  if (state->locked) return {locked(state->retry_after)};
  return {std::nullopt, state->attempts_left};
}

Result<void> count_success(Context& ctx, const Request& request, const SignInAttempt& attempt) {
  if (auto cleared = ctx.host.sign_in_guard().succeeded(request.work(), attempt); !cleared) return cleared;
  return ctx.host.rate_limits().take_back(request.work(), network_key(request), kNetworkWindow);
}

std::optional<Response> check_current_password(Context& ctx, const Request& request, const std::string& password) {
  const auto& caller = request.caller();
  auto& work = request.work();
  auto attempt = reserve_attempt(ctx, request, caller.email, caller.member_id);
  if (!attempt) return refusal_problem(attempt.failure());
  auto check = ctx.host.accounts().verify_password(work, caller.member_id, password);
  if (!check || *check == PasswordCheck::right) {
    // Right (the flow goes on to its next step) or not checked at all.
    release_attempt(ctx, request, *attempt);
    if (!check) return refusal_problem(check.failure());
    return std::nullopt;
  }
  auto outcome = count_failure(ctx, request, *attempt, caller.email, "password", GuessKind::in_session);
  if (outcome.refusal) return outcome.refusal;
  return wrong_secret("wrong_password", "The current password is wrong", outcome.attempts_left);
}

}  // namespace memberd::credentials
