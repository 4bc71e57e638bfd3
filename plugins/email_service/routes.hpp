#pragma once
// What every part of the plugin shares, built once in start(), and its routes.
#include "settings.hpp"

#include <memberd/host.hpp>

#include <nlohmann/json.hpp>

#include <memory>
#include <string>

namespace memberd {
class MemberDataProvider;  // memberd/member_data.hpp
}  // namespace memberd

namespace memberd::email_service {

struct Context {
  Host& host;
  Settings settings;
};

// {"categories": [{id, label, description, subscribed}]}: the member's
// choices as their page shows them. DB: reads. Fails: busy.
Result<nlohmann::json> subscription_state(Context& ctx, UnitOfWork& work, const std::string& member_id);
// The plugin's part of a member's data: exported, erased (member_data.cpp).
std::shared_ptr<MemberDataProvider> member_data_provider(Context& ctx);
// GET and PUT /api/v1/me/email-subscriptions (routes.cpp).
void add_routes(Context& ctx);
// The marketplace's sends, /api/v1/admin/messages (send_routes.cpp).
void add_send_routes(Context& ctx);
// One-click unsubscribe, /api/v1/email/unsubscribe (unsubscribe_routes.cpp).
void add_unsubscribe_routes(Context& ctx);

}  // namespace memberd::email_service
