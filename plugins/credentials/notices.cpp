#include "notices.hpp"

namespace memberd::credentials {

namespace {

std::string minutes(std::chrono::seconds s) {
  auto m = std::max<long long>(1, s.count() / 60);
  return m >= 120 && m % 60 == 0 ? std::to_string(m / 60) + " hours" : std::to_string(m) + " minutes";
}

Result<void> send(Host& host, UnitOfWork& work, const std::string& to, std::string subject, std::string text) {
  text += "\n\nIf this was not you, reset your password and contact support.\n";
  return host.mail().enqueue(work, MailMessage{to, std::move(subject), std::move(text), "", ""});
}

}  // namespace

Result<void> mail_welcome(Host& host, UnitOfWork& work, const std::string& to) {
  return host.mail().enqueue(work, MailMessage{to, "Welcome", "Your account is ready. Choose a security question in your "
                                                     "account settings: you need it to change your email or password.\n",
                                      "", ""});
}

Result<void> mail_password_changed(Host& host, UnitOfWork& work, const std::string& to, const std::string& ip) {
  return send(host, work, to, "Your password was changed",
       "The password of your account was changed (from " + ip + "). Every other session was signed out.");
}

Result<void> mail_question_changed(Host& host, UnitOfWork& work, const std::string& to, const std::string& ip) {
  return send(host, work, to, "Your security question was changed",
       "The security question of your account was set or changed (from " + ip + ").");
}

Result<void> mail_verify_new_email(Host& host, UnitOfWork& work, const std::string& to, const std::string& link,
                           std::chrono::seconds lifetime) {
  return host.mail().enqueue(work, MailMessage{to, "Confirm your new email address",
                                      "Open this link to make this address your account's email:\n\n" + link +
                                          "\n\nThe link works once, for " + minutes(lifetime) +
                                          ". If you did not ask for this, ignore this message.\n",
                                      "", ""});
}

Result<void> mail_email_change_requested(Host& host, UnitOfWork& work, const std::string& old_address,
                                 const std::string& new_address, const std::string& ip) {
  return send(host, work, old_address, "Your email address is being changed",
       "Someone signed in to your account (from " + ip + ") asked to change its email address to " + new_address +
           ". The change happens once the new address is confirmed.");
}

Result<void> mail_email_changed(Host& host, UnitOfWork& work, const std::string& old_address, const std::string& new_address) {
  return send(host, work, old_address, "Your email address was changed",
       "Your account's email address is now " + new_address + "; mail will no longer come to this address.");
}

Result<void> mail_reset_link(Host& host, UnitOfWork& work, const std::string& to, const std::string& link,
                     std::chrono::seconds lifetime) {
  return host.mail().enqueue(work, MailMessage{to, "Reset your password",
                                      "Open this link to choose a new password:\n\n" + link +
                                          "\n\nThe link works once, for " + minutes(lifetime) +
                                          ". If you did not ask for this, ignore this message: your password stays.\n",
                                      "", ""});
}

Result<void> mail_account_locked(Host& host, UnitOfWork& work, const std::string& to, std::chrono::seconds how_long) {
  return send(host, work, to, "Your account was locked",
       "After several wrong passwords or answers your account is locked for " + minutes(how_long) + ".");
}

}  // namespace memberd::credentials
