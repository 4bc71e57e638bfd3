#pragma once
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace memberd {

struct OutgoingMail {
  long long id;
  std::string from, to, subject, text, html, category;
  long long created_at;
  std::vector<std::pair<std::string, std::string>> headers;
};

// Whether a plugin may add a header of this name (see MailMessage::headers).
bool is_allowed_extra_header(const std::string& name);

// How a delivery failed, which decides what the outbox does next.
enum class DeliveryFailure {
  // Not handed over (connection refused, a timeout before the data, a 4xx
  // reply): retried with backoff.
  temporary,
  // Refused for good (a 5xx reply): failed at once.
  permanent,
  // The relay had the whole message but its final reply never came (a
  // timeout, the connection lost): it may have it. Failed as "outcome
  // unknown" and never sent again on its own — at most once.
  unknown,
};

struct DeliveryError : std::runtime_error {
  DeliveryError(const std::string& reason, DeliveryFailure kind) : std::runtime_error(reason), kind(kind) {}
  DeliveryFailure kind;
};

// Delivers one message: returns once the relay accepted it, throws
// DeliveryError (or any std::exception, taken as temporary) when it did not.
// Called from one outbox thread at a time, so an implementation may keep a
// connection open between messages.
class MailTransport {
 public:
  virtual ~MailTransport() = default;
  virtual void deliver(const OutgoingMail& mail) = 0;
  virtual std::string name() const = 0;
};

// Renders an RFC 5322 message (MIME, UTF-8, multipart/alternative when there
// is HTML). Header values are stripped of CR/LF so nothing can inject headers
// (the outbox refuses them before that). The Message-ID depends on the row
// alone, so a message retried by an admin keeps it.
std::string render_message(const OutgoingMail& mail, const std::string& message_id_domain);

// The embedded default: one `<created>-<id>.eml` file per message under `dir`,
// written to a temporary name and renamed, so a reader never sees half a file.
std::unique_ptr<MailTransport> make_file_transport(std::string dir, std::string message_id_domain);

// A relay through libcurl's SMTP: `url` is smtp://host:port (STARTTLS when
// the relay offers it; required with require_tls, and always when a username
// is set) or smtps://host:port. One connection is kept and reused across
// messages. AUTH when username is set, never in plain text.
struct SmtpSettings {
  std::string url;
  bool require_tls = false;
  std::string username, password;
  std::string ca_file;  // "" for the system's CA bundle
  // Up to the relay's go-ahead for the data (connect, greeting, TLS, AUTH,
  // MAIL, RCPT, DATA), in all.
  std::chrono::seconds timeout{30};
  // From that go-ahead (354) to the final reply to the data (RFC 5321
  // 4.5.3.2.6: 10 minutes). Past it the outcome is unknown.
  std::chrono::seconds data_timeout{600};
  std::string message_id_domain;
};
std::unique_ptr<MailTransport> make_smtp_transport(SmtpSettings settings);

// The address part of "Name <address>" or of a bare address: the envelope sender.
std::string mailbox_address(const std::string& mailbox);

}  // namespace memberd
