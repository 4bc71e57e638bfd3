#pragma once
// The transport mail.transport names, with its settings from `mail.smtp`.
#include "config/config.hpp"
#include "mail/mail_transport.hpp"

#include <memory>
#include <string>

namespace memberd {

// Throws std::runtime_error naming the key when a setting cannot be used
// (mail.smtp.password_env names a variable that is not set).
std::unique_ptr<MailTransport> make_mail_transport(const MailConfig& mail, const std::string& data_dir);

// The domain of the From address: Message-IDs are made under it.
std::string message_id_domain(const MailConfig& mail);

}  // namespace memberd
