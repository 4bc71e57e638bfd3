#pragma once
// When the SMTP conversation with mail.transport's relay must be encrypted.
//
// mail.smtp.require_tls is true, false or auto (the default). auto requires
// TLS (STARTTLS on smtp://; smtps:// always has it) whenever credentials
// are set or the relay is beyond loopback, and sends in plain text only to a
// credential-less relay on this host. Credentials with an explicit false are
// a configuration error: libcurl would AUTH in plain text to a relay that
// offers no STARTTLS. An explicit false to a relay beyond loopback (a relay
// on a trusted LAN without TLS) is allowed but warned about: the messages,
// reset links among them, cross the network readable.
#include "config/config.hpp"

#include <string>

namespace memberd {

// Whether the host of an smtp:// or smtps:// transport is this machine:
// 127.0.0.0/8, ::1 (v4-mapped too) or "localhost" (libcurl resolves that
// name to loopback itself, never through DNS).
bool relay_on_loopback(const std::string& transport);

// mail.smtp.require_tls as it applies to this configuration (see above).
bool smtp_tls_required(const MailConfig& mail);

// The refusal of credentials that could go out in plain text (a username
// with require_tls: false on smtp://), "" when there is none.
std::string smtp_credentials_problem(const MailConfig& mail);

// For the start's log and --check-config: a sentence when messages go in
// plain text to a relay beyond loopback (require_tls: false, no
// credentials); "" otherwise.
std::string smtp_plain_text_warning(const MailConfig& mail);

}  // namespace memberd
