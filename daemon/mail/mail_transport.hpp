#pragma once
#include <memory>
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

// Delivers one message; throws std::runtime_error with a reason on failure
// (the outbox retries with backoff).
class MailTransport {
 public:
  virtual ~MailTransport() = default;
  virtual void deliver(const OutgoingMail& mail) = 0;
  virtual std::string name() const = 0;
};

// Renders an RFC 5322 message (MIME, UTF-8, multipart/alternative when there
// is HTML). Header values are stripped of CR/LF so nothing can inject headers.
std::string render_message(const OutgoingMail& mail, const std::string& message_id_domain);

// The embedded default: one `<created>-<id>.eml` file per message under `dir`,
// written to a temporary name and renamed, so a reader never sees half a file.
std::unique_ptr<MailTransport> make_file_transport(std::string dir);

}  // namespace memberd
