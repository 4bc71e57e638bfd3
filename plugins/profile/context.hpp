#pragma once
// What every part of the plugin shares, built once in start().
#include "settings.hpp"

#include <memberd/host.hpp>

#include <memory>

namespace memberd {
class MemberDataProvider;  // memberd/member_data.hpp
}  // namespace memberd

namespace memberd::profile {

// The kind the host's review queue files our revisions under.
inline constexpr const char* kReviewKind = "profile";

struct Context {
  Host& host;
  Settings settings;
};

// The plugin's part of a member's data: exported, erased (member_data.cpp).
std::shared_ptr<MemberDataProvider> member_data_provider(Context& ctx);
// GET /api/v1/profile/schema, GET/PUT /api/v1/me/profile,
// GET /api/v1/members/{member_id}/profile, GET /api/v1/admin/profile/reject-reasons.
void add_routes(Context& ctx);
// Publishes approved revisions and tells the member each decision
// (review.approved / review.rejected of kind "profile").
void subscribe_to_decisions(Context& ctx);

}  // namespace memberd::profile
