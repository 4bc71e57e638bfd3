#include "provider.hpp"

#include "code_check.hpp"
#include "factors.hpp"
#include "passkeys.hpp"
#include "remembered_devices.hpp"

#include <nlohmann/json.hpp>

namespace memberd::two_step {

Result<std::vector<std::string>> Provider::methods(UnitOfWork& work, std::string_view member_id) {
  auto state = read_factors(work, std::string(member_id));
  if (!state) return state.failure();
  std::vector<std::string> out;
  if (state->app_on) out.emplace_back("totp");
  auto keys = member_passkeys(work, std::string(member_id));
  if (!keys) return keys.failure();
  if (!keys->empty()) out.emplace_back("passkey");
  if (state->codes_left > 0) out.emplace_back("recovery_code");
  return out;
}

Result<bool> Provider::verify(UnitOfWork& work, std::string_view member_id, const nlohmann::json& proof,
                              const Request& request) {
  if (!proof.is_object()) return false;
  auto parsed = parse_code(proof);
  if (!std::holds_alternative<Code>(parsed)) return false;
  std::string member(member_id);
  auto found = ctx_.host.accounts().find_by_id(work, member);
  if (!found) return found.failure();
  // Another plugin's flow: inside the member's own session (a step-up), or
  // else with a mailed link in hand (a reset: today the only such flow; a
  // reset link opened where someone else is signed in is still a reset).
  auto kind = request.caller().member_id == member ? GuessKind::in_session : GuessKind::mailed_link;
  auto outcome = check_code(ctx_, request, member, found->email, std::get<Code>(parsed), kind);
  if (!outcome) return outcome.failure();
  return outcome->right;
}

Result<bool> Provider::remembered(UnitOfWork&, std::string_view member_id, const Request& request) {
  if (ctx_.settings.remember_device_for.count() == 0) return false;
  return device_remembered(ctx_, request, std::string(member_id));
}

}  // namespace memberd::two_step
