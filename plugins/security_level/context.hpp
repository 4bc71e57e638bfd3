#pragma once
// What every part of the plugin shares, built once in start().
#include "settings.hpp"

#include <memberd/host.hpp>

#include <memory>

namespace memberd {
class MemberDataProvider;  // memberd/member_data.hpp
}  // namespace memberd

namespace memberd::security_level {

struct Context {
  Host& host;
  Settings settings;
};

// The event handler: records sign-ins (session.created, signin.failed) and
// keeps the facts the level is judged on (see recorder.cpp).
void subscribe_to_events(Context& ctx);
// GET /api/v1/me/security, /api/v1/me/sign-ins, /api/v1/admin/sign-ins.
void add_routes(Context& ctx);
// GET/DELETE /api/v1/me/sessions[/{session_id}]: "Your devices".
void add_device_routes(Context& ctx);
// The plugin's part of a member's data: exported, erased (member_data.cpp).
std::shared_ptr<MemberDataProvider> member_data_provider(Context& ctx);

}  // namespace memberd::security_level
