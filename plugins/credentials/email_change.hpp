#pragma once
// An email change waiting for the link mailed to the new address: asking
// for it, sending the link again, and what the member's page shows.
#include "context.hpp"

#include <string>

namespace memberd::credentials {

// Ends the member's older verification links, then records the change as
// waiting (a token for `new_email`, kept for `session_id`: the session
// that stays signed in once it is confirmed) and mails the new address its
// link. When another member already has the address (`address_in_use`) its
// owner is mailed "someone asked for your address" instead of a link; the
// change is recorded as waiting all the same, so neither the answer nor the
// member's page tells the asker that the address is taken (the link that
// would confirm it exists nowhere). In the caller's open transaction.
// Fails: busy, unavailable.
Result<void> send_email_change_link(Context& ctx, UnitOfWork& work, const std::string& member_id,
                                    const std::string& new_email, const std::string& session_id,
                                    bool address_in_use);

}  // namespace memberd::credentials
