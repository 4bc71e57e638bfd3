#pragma once
// A send to every subscriber, a page of members at a time. Each page is one
// event delivery: the page's mail, the send's progress and the event that
// asks for the next page commit together, so a restart (or a hot swap, or
// another daemon on the same PostgreSQL) goes on where the last commit left
// off, no member gets the message twice, and no transaction or request is
// ever longer than one page.
#include "routes.hpp"

namespace memberd::email_service {

inline constexpr const char* kSendStarted = "email.send_started";
inline constexpr const char* kSendContinues = "email.send_continues";
inline constexpr int kSendPageSize = 1000;

// Subscribes the page walker to the two events (call from start()).
void subscribe_send_pages(Context& ctx);

}  // namespace memberd::email_service
