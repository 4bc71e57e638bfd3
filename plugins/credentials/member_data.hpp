#pragma once
// The plugin's part of a member's data: exported into their archive,
// erased when their account is closed (memberd/member_data.hpp).
#include "context.hpp"

#include <memberd/member_data.hpp>

#include <memory>

namespace memberd::credentials {

std::shared_ptr<MemberDataProvider> member_data_provider(Context& ctx);

}  // namespace memberd::credentials
