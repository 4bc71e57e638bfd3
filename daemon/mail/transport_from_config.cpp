#include "mail/transport_from_config.hpp"

#include "config/smtp_tls.hpp"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace memberd {

std::string message_id_domain(const MailConfig& mail) {
  std::string address = mailbox_address(mail.from);
  auto at = address.rfind('@');
  return at == std::string::npos || at + 1 == address.size() ? "memberd.local" : address.substr(at + 1);
}

std::unique_ptr<MailTransport> make_mail_transport(const MailConfig& mail, const std::string& data_dir) {
  if (mail.transport == "file")
    return make_file_transport((std::filesystem::path(data_dir) / "mail").string(), message_id_domain(mail));
  SmtpSettings smtp{mail.transport, smtp_tls_required(mail), mail.smtp.username, mail.smtp.password,
                    mail.smtp.ca_file, mail.smtp.timeout, mail.smtp.data_timeout, message_id_domain(mail)};
  if (!mail.smtp.password_env.empty()) {
    // Read once: the environment of a systemd unit (EnvironmentFile=,
    // LoadCredential=) is where a relay's password should live.
    const char* value = std::getenv(mail.smtp.password_env.c_str());
    if (!value || !*value)
      throw std::runtime_error("mail.smtp.password_env: the environment variable " + mail.smtp.password_env +
                               " is not set");
    smtp.password = value;
  }
  return make_smtp_transport(std::move(smtp));
}

}  // namespace memberd
