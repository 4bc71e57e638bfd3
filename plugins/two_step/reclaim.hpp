#pragma once
// Reclaimed accounts lose the factors their squatter set up.
#include "context.hpp"

namespace memberd::two_step {

// Subscribes (from start()) to email.confirmed.
void forget_factors_of_reclaimed_accounts(Context& ctx);

}  // namespace memberd::two_step
