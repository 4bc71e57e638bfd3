#pragma once
// This plugin as the core's second-step provider (sign_in_factors.hpp):
// which ways a member can pass, and checking a proof another plugin's flow
// collected (credentials' password reset, for one).
#include "context.hpp"

#include <memberd/sign_in_factors.hpp>

namespace memberd::two_step {

class Provider final : public SecondStepProvider {
 public:
  explicit Provider(Context& ctx) : ctx_(ctx) {}
  Result<std::vector<std::string>> methods(UnitOfWork& work, std::string_view member_id) override;
  Result<bool> verify(UnitOfWork& work, std::string_view member_id, const nlohmann::json& proof,
                      const Request& request) override;
  Result<bool> remembered(UnitOfWork& work, std::string_view member_id, const Request& request) override;

 private:
  Context& ctx_;
};

}  // namespace memberd::two_step
