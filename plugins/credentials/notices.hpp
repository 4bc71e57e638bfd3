#pragma once
// The mail this plugin sends. All of it is transactional (security mail goes
// out whatever the member's subscriptions say), queued through the unit of
// work in the transaction of the change, so it exists exactly when the change
// does. Each fails: busy.
#include <memberd/host.hpp>

#include <string>

namespace memberd::credentials {

// The welcome mail carries the link that confirms the address (and, for
// someone who never joined, the advice not to use it).
Result<void> mail_welcome(Host& host, UnitOfWork& work, const std::string& to, const std::string& link,
                          std::chrono::seconds lifetime);
// A new confirmation link, asked for by the member.
Result<void> mail_confirm_email(Host& host, UnitOfWork& work, const std::string& to, const std::string& link,
                                std::chrono::seconds lifetime);
Result<void> mail_password_changed(Host& host, UnitOfWork& work, const std::string& to, const std::string& ip);
Result<void> mail_question_changed(Host& host, UnitOfWork& work, const std::string& to, const std::string& ip);
Result<void> mail_verify_new_email(Host& host, UnitOfWork& work, const std::string& to, const std::string& link,
                           std::chrono::seconds lifetime);
Result<void> mail_email_change_requested(Host& host, UnitOfWork& work, const std::string& old_address,
                                 const std::string& new_address, const std::string& ip);
// To an address another member asked to change to while it is already a
// member's: its owner is told (no link: the address cannot move), and the
// requester gets the answer a free address gets.
Result<void> mail_email_address_in_use(Host& host, UnitOfWork& work, const std::string& to);
Result<void> mail_email_changed(Host& host, UnitOfWork& work, const std::string& old_address, const std::string& new_address);
Result<void> mail_reset_link(Host& host, UnitOfWork& work, const std::string& to, const std::string& link,
                     std::chrono::seconds lifetime);
// An admin removed the member's security question (the owner of the
// address asked support); `link` is the page to choose a new one.
Result<void> mail_question_cleared(Host& host, UnitOfWork& work, const std::string& to, const std::string& link);
Result<void> mail_account_locked(Host& host, UnitOfWork& work, const std::string& to, std::chrono::seconds how_long);

}  // namespace memberd::credentials
