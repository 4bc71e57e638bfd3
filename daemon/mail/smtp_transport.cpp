// SMTP through libcurl (TOOLCHAIN.md, "SMTP"). One easy handle lives as long
// as the transport, so its connection cache keeps the relay's connection
// between messages (one connect for a queue of them, not one each).
#include "mail/mail_transport.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstring>
#include <mutex>
#include <string_view>

namespace memberd {

namespace {

// curl_global_init must not run concurrently with itself: once per process.
void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Upload {
  const std::string& data;
  std::size_t offset = 0;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  std::size_t n = std::min(size * count, upload->data.size() - upload->offset);
  std::memcpy(buffer, upload->data.data() + upload->offset, n);
  upload->offset += n;
  return n;
}

// One message's conversation as the relay's replies show it, and the two
// limits on it. libcurl has one per-response limit for every reply
// (CURLOPT_SERVER_RESPONSE_TIMEOUT) and one for the whole transfer
// (CURLOPT_TIMEOUT), but the final reply to the data may take far longer
// than a command's (RFC 5321 4.5.3.2.6: 10 minutes, while the relay checks
// the message): cutting it at the command timeout made a slow relay get
// the message again and again (issue 26, F5). So libcurl's own limits are
// set for the data phase and the progress callback enforces the command
// phase's.
struct Conversation {
  using Clock = std::chrono::steady_clock;
  Conversation(const Upload& upload, std::chrono::seconds timeout, std::chrono::seconds data_timeout)
      : upload(upload), timeout(timeout), data_timeout(data_timeout) {}
  const Upload& upload;
  std::chrono::seconds timeout, data_timeout;
  Clock::time_point started = Clock::now(), data_started{};
  bool in_data = false;          // the relay answered DATA with 354: the message follows
  bool replied_to_data = false;  // a reply came after that: the relay's verdict on the message
  bool timed_out = false;        // one of our limits ended the conversation
  std::string refusal;           // the relay's last 4xx/5xx line, printable
  // The whole message went to libcurl, whose end-of-data follows at once:
  // from here on the relay may have accepted it.
  bool handed_over() const { return in_data && upload.offset == upload.data.size(); }
};

// The relay's lines (CURLINFO_HEADER_IN; never what we send, such as AUTH):
// its refusals in its own words ("550 5.1.1 Mailbox unavailable": libcurl's
// error text is only "Weird server reply"), and where the conversation is.
int follow_replies(CURL*, curl_infotype type, char* data, size_t size, void* user) {
  if (type != CURLINFO_HEADER_IN || size < 3) return 0;
  auto& c = *static_cast<Conversation*>(user);
  std::string_view line(data, size);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.size() < 3 || !std::isdigit(static_cast<unsigned char>(line[0])) ||
      !std::isdigit(static_cast<unsigned char>(line[1])) || !std::isdigit(static_cast<unsigned char>(line[2])))
    return 0;
  if (c.in_data) {
    c.replied_to_data = true;
  } else if (line.substr(0, 3) == "354") {
    c.in_data = true;
    c.data_started = Conversation::Clock::now();
  }
  if (line[0] == '4' || line[0] == '5') {
    c.refusal.clear();
    for (char ch : line.substr(0, 200)) c.refusal += (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) ? ' ' : ch;
  }
  return 0;
}

// Called by libcurl about once a second whatever it waits for: a non-zero
// return aborts the transfer (CURLE_ABORTED_BY_CALLBACK).
int enforce_limits(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto& c = *static_cast<Conversation*>(user);
  auto now = Conversation::Clock::now();
  bool over = c.in_data ? now - c.data_started > c.data_timeout : now - c.started > c.timeout;
  if (over) c.timed_out = true;
  return over ? 1 : 0;
}

std::string seconds_text(std::chrono::seconds s) { return std::to_string(s.count()) + " s"; }


class SmtpTransport final : public MailTransport {
 public:
  explicit SmtpTransport(SmtpSettings settings) : settings_(std::move(settings)) {
    init_curl_once();
    curl_ = curl_easy_init();
    if (!curl_) throw std::runtime_error("libcurl could not make a handle");
  }
  ~SmtpTransport() override {
    curl_easy_cleanup(curl_);
  }
  std::string name() const override { return "smtp"; }

  void deliver(const OutgoingMail& mail) override {
    std::string message = render_message(mail, settings_.message_id_domain);
    std::string sender = "<" + mailbox_address(mail.from) + ">";
    std::string recipient = "<" + mail.to + ">";
    Upload upload{message};
    curl_slist* recipients = curl_slist_append(nullptr, recipient.c_str());

    // The options are set afresh for each message: curl_easy_reset would
    // keep the connection cache, but setting them is as cheap and clearer.
    curl_easy_setopt(curl_, CURLOPT_URL, settings_.url.c_str());
    curl_easy_setopt(curl_, CURLOPT_MAIL_FROM, sender.c_str());
    curl_easy_setopt(curl_, CURLOPT_MAIL_RCPT, recipients);
    curl_easy_setopt(curl_, CURLOPT_READFUNCTION, read_upload);
    curl_easy_setopt(curl_, CURLOPT_READDATA, &upload);
    curl_easy_setopt(curl_, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl_, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
    curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
    // libcurl's per-reply limit fits the data phase (its default is 120 s);
    // enforce_limits holds the commands to settings_.timeout in all. The
    // connect limit also covers the greeting, EHLO, STARTTLS and AUTH (its
    // "protocol connect"), so it is the commands' limit itself: capping it
    // at 10 s once cut a slow greeting before the configured limit. The
    // whole-transfer limit is a backstop only.
    Conversation conversation(upload, settings_.timeout, settings_.data_timeout);
    curl_easy_setopt(curl_, CURLOPT_SERVER_RESPONSE_TIMEOUT,
                     static_cast<long>(std::max(settings_.timeout, settings_.data_timeout).count()));
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT, static_cast<long>((settings_.timeout + settings_.data_timeout).count() + 5));
    curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT, static_cast<long>(settings_.timeout.count()));
    curl_easy_setopt(curl_, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl_, CURLOPT_XFERINFOFUNCTION, enforce_limits);
    curl_easy_setopt(curl_, CURLOPT_XFERINFODATA, &conversation);
    // smtp://: STARTTLS whenever the relay offers it; with require_tls a
    // relay that does not is refused before any message data is sent.
    // smtps:// is TLS from the first byte either way. Credentials always
    // require it, whatever the settings say: with CURLUSESSL_TRY libcurl
    // sends AUTH in plain text to a relay that offers no STARTTLS, and with
    // CURLUSESSL_ALL it hangs up after EHLO instead (CURLE_USE_SSL_FAILED).
    curl_easy_setopt(curl_, CURLOPT_USE_SSL, tls_required() ? CURLUSESSL_ALL : CURLUSESSL_TRY);
    curl_easy_setopt(curl_, CURLOPT_SSLVERSION, CURL_SSLVERSION_TLSv1_2);
    curl_easy_setopt(curl_, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(curl_, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!settings_.ca_file.empty()) curl_easy_setopt(curl_, CURLOPT_CAINFO, settings_.ca_file.c_str());
    if (!settings_.username.empty()) {
      curl_easy_setopt(curl_, CURLOPT_USERNAME, settings_.username.c_str());
      curl_easy_setopt(curl_, CURLOPT_PASSWORD, settings_.password.c_str());
    }
    char error[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(curl_, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(curl_, CURLOPT_DEBUGFUNCTION, follow_replies);
    curl_easy_setopt(curl_, CURLOPT_DEBUGDATA, &conversation);
    curl_easy_setopt(curl_, CURLOPT_VERBOSE, 1L);  // what makes libcurl call follow_replies

    CURLcode code = curl_easy_perform(curl_);
    long reply = 0;
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &reply);
    curl_slist_free_all(recipients);
    curl_easy_setopt(curl_, CURLOPT_MAIL_RCPT, nullptr);
    curl_easy_setopt(curl_, CURLOPT_READDATA, nullptr);
    curl_easy_setopt(curl_, CURLOPT_ERRORBUFFER, nullptr);
    curl_easy_setopt(curl_, CURLOPT_DEBUGDATA, nullptr);
    curl_easy_setopt(curl_, CURLOPT_XFERINFODATA, nullptr);
    curl_easy_setopt(curl_, CURLOPT_NOPROGRESS, 1L);
    curl_easy_setopt(curl_, CURLOPT_VERBOSE, 0L);
    if (code == CURLE_OK) return;

    // The error text names the relay's URL at most, never the credentials
    // (libcurl does not print them).
    std::string reason = error[0] ? error : curl_easy_strerror(code);
    if (code == CURLE_USE_SSL_FAILED)
      reason = "no TLS with the relay (" + reason + ") while TLS is required (" +
               (settings_.username.empty() ? "mail.smtp.require_tls" : "credentials are set") +
               "): nothing was sent, credentials neither";
    const std::string& refusal = conversation.refusal;
    auto in_relays_words = [&] {
      return refusal.rfind(std::to_string(reply), 0) == 0 ? "the relay answered " + refusal
                                                          : "the relay answered " + std::to_string(reply) + ": " + reason;
    };
    // Accepted is accepted, whatever failed after the relay's 250.
    if (conversation.replied_to_data && reply >= 200 && reply < 300) return;
    if (conversation.replied_to_data) {
      // Its verdict on the message: 4xx and 5xx give the same CURLcode, the
      // reply code tells "come back later" from "never".
      bool refused_for_good = reply >= 500 && reply < 600;
      throw DeliveryError(reply >= 400 ? in_relays_words() : reason,
                          refused_for_good ? DeliveryFailure::permanent : DeliveryFailure::temporary);
    }
    // libcurl's own limits are ours too (connect: the commands'; per reply
    // and in all: past the data's), and end a wait at about the moment
    // enforce_limits would: whichever saw it first, it reads as our limit's
    // (CI saw both orders).
    if (code == CURLE_OPERATION_TIMEDOUT) conversation.timed_out = true;
    if (conversation.handed_over())
      throw DeliveryError(conversation.timed_out
                              ? "the relay had the whole message but gave no final reply within mail.smtp.data_timeout (" +
                                    seconds_text(settings_.data_timeout) + ")"
                              : "the connection failed after the whole message was sent: " + reason,
                          DeliveryFailure::unknown);
    // Before the end of the data the relay cannot have accepted it: sending
    // it again is safe.
    if (conversation.timed_out)
      reason = (conversation.in_data ? "the message data did not go through within mail.smtp.data_timeout (" +
                                           seconds_text(settings_.data_timeout) + ")"
                                     : "the relay did not get to the message data within mail.smtp.timeout (" +
                                           seconds_text(settings_.timeout) + ")") +
               (code == CURLE_OPERATION_TIMEDOUT ? ": " + reason : std::string());
    if (reply >= 400) reason = in_relays_words();
    throw DeliveryError(reason, reply >= 500 && reply < 600 ? DeliveryFailure::permanent : DeliveryFailure::temporary);
  }

 private:
  bool tls_required() const { return settings_.require_tls || !settings_.username.empty(); }

  SmtpSettings settings_;
  CURL* curl_ = nullptr;
};

}  // namespace

std::string mailbox_address(const std::string& mailbox) {
  auto open = mailbox.rfind('<');
  auto close = mailbox.rfind('>');
  if (open != std::string::npos && close != std::string::npos && close > open)
    return mailbox.substr(open + 1, close - open - 1);
  return mailbox;
}

std::unique_ptr<MailTransport> make_smtp_transport(SmtpSettings settings) {
  return std::make_unique<SmtpTransport>(std::move(settings));
}

}  // namespace memberd
