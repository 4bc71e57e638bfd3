#pragma once
// What every part of the plugin shares, built once in start(), and its routes.
#include "settings.hpp"

#include <memberd/host.hpp>

namespace memberd::email_service {

struct Context {
  Host& host;
  Settings settings;
};

// GET and PUT /api/v1/me/email-subscriptions (routes.cpp).
void add_routes(Context& ctx);
// The marketplace's sends, /api/v1/admin/messages (send_routes.cpp).
void add_send_routes(Context& ctx);
// One-click unsubscribe, /api/v1/email/unsubscribe (unsubscribe_routes.cpp).
void add_unsubscribe_routes(Context& ctx);

}  // namespace memberd::email_service
