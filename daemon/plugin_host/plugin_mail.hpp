#pragma once
// The outbox as a plugin gets it (Host::mail()): the plugin's own
// templates are rendered here, and a send's batch is named after the
// plugin, so two plugins' sends never mix. The outbox behind it catches
// at its own boundary (storage/service_boundary.hpp).
#include <memberd/host.hpp>

#include "mail/mail_templates.hpp"

#include <string>

namespace memberd {

// `templates` are the plugin version's own (Host::add_mail_templates); they
// outlive this object.
class PluginMail final : public Mail {
 public:
  PluginMail(Mail& outbox, std::string plugin, const MailTemplates& templates)
      : outbox_(outbox), plugin_(std::move(plugin)), templates_(templates) {}
  Result<void> enqueue(UnitOfWork& work, const MailMessage& message) override;
  // A malformed batch is a bug: std::invalid_argument.
  Result<void> enqueue_in_batch(UnitOfWork& work, const MailMessage& message, std::string_view batch) override;
  // A template the plugin never added is a bug: std::logic_error.
  Result<void> enqueue_template(UnitOfWork& work, std::string_view to, std::string_view name,
                                const PlaceholderValues& values) override;

 private:
  Mail& outbox_;
  std::string plugin_;
  const MailTemplates& templates_;
};

}  // namespace memberd
