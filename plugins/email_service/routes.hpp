#pragma once
// What every part of the plugin shares, built once in start(), and its routes.
#include "settings.hpp"

#include <memberd/host.hpp>

namespace memberd::email_service {

struct Context {
  Host& host;
  Settings settings;
};

// GET and PUT /api/v1/me/email-subscriptions.
void add_routes(Context& ctx);

}  // namespace memberd::email_service
