#pragma once
// The mail this plugin sends. All of it is transactional (security mail goes
// out whatever the member's subscriptions say), queued in the caller's
// transaction so it exists exactly when the change does.
#include <memberd/host.hpp>

#include <string>

namespace memberd::credentials {

void mail_welcome(Host& host, soci::session& tx, const std::string& to);
void mail_password_changed(Host& host, soci::session& tx, const std::string& to, const std::string& ip);
void mail_question_changed(Host& host, soci::session& tx, const std::string& to, const std::string& ip);
void mail_verify_new_email(Host& host, soci::session& tx, const std::string& to, const std::string& link,
                           std::chrono::seconds lifetime);
void mail_email_change_requested(Host& host, soci::session& tx, const std::string& old_address,
                                 const std::string& new_address, const std::string& ip);
void mail_email_changed(Host& host, soci::session& tx, const std::string& old_address, const std::string& new_address);
void mail_reset_link(Host& host, soci::session& tx, const std::string& to, const std::string& link,
                     std::chrono::seconds lifetime);
void mail_account_locked(Host& host, soci::session& tx, const std::string& to, std::chrono::seconds how_long);

}  // namespace memberd::credentials
