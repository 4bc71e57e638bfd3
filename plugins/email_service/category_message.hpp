#pragma once
// One member's copy of a category send: their details in the placeholders,
// a visible unsubscribe link in the body, and the RFC 8058 / RFC 2919
// headers (List-Unsubscribe, List-Unsubscribe-Post, List-Id).
#include "routes.hpp"
#include "sends.hpp"

#include <memberd/host.hpp>

#include <string>
#include <vector>

namespace memberd::email_service {

// The placeholders a send's subject, text and html may use: {{email}}.
const std::vector<std::string>& send_placeholders();

// `token` is the member's unsubscribe token for the send's category.
// Fails: never.
MailMessage category_message(const Context& ctx, const SendRecord& send, const Category& category,
                             const Member& member, const std::string& token);

// The one-click URL (List-Unsubscribe) and the member's confirmation page.
std::string one_click_url(const Context& ctx, const std::string& token);
std::string confirmation_page_url(const Context& ctx, const std::string& token);

}  // namespace memberd::email_service
