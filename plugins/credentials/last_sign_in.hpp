#pragma once
// The sign-in before this one, for POST /api/v1/session's `last_sign_in`.
#include <memberd/host.hpp>
#include <memberd/unit_of_work.hpp>

#include <nlohmann/json_fwd.hpp>

namespace memberd::credentials {

// Records this sign-in as the member's latest and returns the one it
// replaces, as JSON ({at, ip, user_agent, location, anonymous_proxy}), or
// null for a first sign-in. The place of `ip` is looked up now and kept.
// DB: reads and writes (call inside the sign-in's write transaction).
// Fails: busy.
Result<nlohmann::json> swap_last_sign_in(Host& host, UnitOfWork& work, const std::string& member_id,
                                         const std::string& ip, const std::string& user_agent);

}  // namespace memberd::credentials
