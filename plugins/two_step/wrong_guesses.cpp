#include "wrong_guesses.hpp"

#include <memberd/database.hpp>

#include <nlohmann/json.hpp>

namespace memberd::two_step {

namespace {

const char* kind_name(GuessKind kind) {
  return kind == GuessKind::sign_in ? "sign_in" : kind == GuessKind::in_session ? "in_session" : "mailed_link";
}

}  // namespace

void record_wrong_guess(Context& ctx, const Request& request, const std::string& member_id, const std::string& what,
                        GuessKind kind, const SignInAttempt& attempt, const AttemptState& state) {
  auto& work = request.work();
  auto tx = WriteTransaction::open(work);
  if (!tx) return;
  (void)ctx.host.events().publish(work, "signin.failed",
                                  {{"member_id", member_id},
                                   {"ip", request.client_ip()},
                                   {"user_agent", request.user_agent()},
                                   {"what", what},
                                   {"kind", kind_name(kind)},
                                   {"trusted_device", attempt.trusted_device}});
  if (state.locked && !attempt.trusted_device)
    (void)ctx.host.events().publish(
        work, "account.locked",
        {{"member_id", member_id}, {"seconds", state.retry_after.count()}, {"ip", request.client_ip()}});
  (void)tx->commit();
}

}  // namespace memberd::two_step
