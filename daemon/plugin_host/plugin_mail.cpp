#include "plugin_host/plugin_mail.hpp"

#include <stdexcept>

namespace memberd {

Result<void> PluginMail::enqueue(UnitOfWork& work, const MailMessage& message) {
  return outbox_.enqueue(work, message);
}

Result<void> PluginMail::enqueue_in_batch(UnitOfWork& work, const MailMessage& message, std::string_view batch) {
  if (batch.empty() || batch.size() > 64 ||
      batch.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") != std::string_view::npos)
    throw std::invalid_argument("Mail::enqueue_in_batch: a batch is 1 to 64 of [A-Za-z0-9_.-]");
  return outbox_.enqueue_in_batch(work, message, plugin_ + ":" + std::string(batch));
}

Result<void> PluginMail::enqueue_template(UnitOfWork& work, std::string_view to, std::string_view name,
                                          const PlaceholderValues& values) {
  const MailTemplate* found = templates_.find(name);
  if (!found)
    throw std::logic_error("Mail::enqueue_template: no template \"" + std::string(name) +
                           "\" (add it with Host::add_mail_templates in start())");
  return outbox_.enqueue(work, render_template(*found, to, values));
}

}  // namespace memberd
