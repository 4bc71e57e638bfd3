#include "notices.hpp"

#include <memberd/wording.hpp>

namespace memberd::credentials {

namespace {

// The templates are mail/<name>.txt and .html in this folder, or the
// operator's copies (Host::add_mail_templates).
Result<void> send(Host& host, UnitOfWork& work, const std::string& to, const char* name,
                  const PlaceholderValues& values = {}) {
  return host.mail().enqueue_template(work, to, name, values);
}

}  // namespace

Result<void> mail_welcome(Host& host, UnitOfWork& work, const std::string& to, const std::string& link,
                          std::chrono::seconds lifetime) {
  return send(host, work, to, "welcome", {{"link", link}, {"lifetime", wait_for_people(lifetime)}});
}

Result<void> mail_confirm_email(Host& host, UnitOfWork& work, const std::string& to, const std::string& link,
                                std::chrono::seconds lifetime) {
  return send(host, work, to, "confirm-email", {{"link", link}, {"lifetime", wait_for_people(lifetime)}});
}

Result<void> mail_password_changed(Host& host, UnitOfWork& work, const std::string& to, const std::string& ip) {
  return send(host, work, to, "password-changed", {{"ip", ip}});
}

Result<void> mail_question_changed(Host& host, UnitOfWork& work, const std::string& to, const std::string& ip) {
  return send(host, work, to, "question-changed", {{"ip", ip}});
}

Result<void> mail_verify_new_email(Host& host, UnitOfWork& work, const std::string& to, const std::string& link,
                                   std::chrono::seconds lifetime) {
  return send(host, work, to, "verify-new-email", {{"link", link}, {"lifetime", wait_for_people(lifetime)}});
}

Result<void> mail_email_change_requested(Host& host, UnitOfWork& work, const std::string& old_address,
                                         const std::string& new_address, const std::string& ip) {
  return send(host, work, old_address, "email-change-requested", {{"ip", ip}, {"new_email", new_address}});
}

Result<void> mail_email_address_in_use(Host& host, UnitOfWork& work, const std::string& to) {
  return send(host, work, to, "email-address-in-use");
}

Result<void> mail_email_changed(Host& host, UnitOfWork& work, const std::string& old_address,
                                const std::string& new_address) {
  return send(host, work, old_address, "email-changed", {{"new_email", new_address}});
}

Result<void> mail_reset_link(Host& host, UnitOfWork& work, const std::string& to, const std::string& link,
                             std::chrono::seconds lifetime) {
  return send(host, work, to, "reset-link", {{"link", link}, {"lifetime", wait_for_people(lifetime)}});
}

Result<void> mail_account_locked(Host& host, UnitOfWork& work, const std::string& to, std::chrono::seconds how_long) {
  return send(host, work, to, "account-locked", {{"lifetime", wait_for_people(how_long)}});
}

Result<void> mail_question_cleared(Host& host, UnitOfWork& work, const std::string& to, const std::string& link) {
  return send(host, work, to, "question-cleared", {{"link", link}});
}

}  // namespace memberd::credentials
