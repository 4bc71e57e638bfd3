// SMTP through libcurl (TOOLCHAIN.md, "SMTP"). One easy handle lives as long
// as the transport, so its connection cache keeps the relay's connection
// between messages (one connect for a queue of them, not one each).
#include "mail/mail_transport.hpp"

#include <curl/curl.h>

#include <cctype>
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

// The relay's own words for a refusal ("550 5.1.1 Mailbox unavailable"):
// libcurl's error text is only "Weird server reply". Only what the relay
// sends is looked at (CURLINFO_HEADER_IN), never what we send (AUTH).
int keep_refusal(CURL*, curl_infotype type, char* data, size_t size, void* user) {
  if (type != CURLINFO_HEADER_IN || size < 3) return 0;
  std::string_view line(data, size);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if ((line[0] == '4' || line[0] == '5') && std::isdigit(static_cast<unsigned char>(line[1])) &&
      std::isdigit(static_cast<unsigned char>(line[2]))) {
    auto& refusal = *static_cast<std::string*>(user);
    refusal.clear();
    for (char c : line.substr(0, 200)) refusal += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? ' ' : c;
  }
  return 0;
}

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
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT, static_cast<long>(settings_.timeout.count()));
    curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT, std::min(10L, static_cast<long>(settings_.timeout.count())));
    // smtp://: STARTTLS whenever the relay offers it; with require_tls a
    // relay that does not is refused before any message data is sent.
    // smtps:// is TLS from the first byte either way.
    curl_easy_setopt(curl_, CURLOPT_USE_SSL, settings_.require_tls ? CURLUSESSL_ALL : CURLUSESSL_TRY);
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
    std::string refusal;
    curl_easy_setopt(curl_, CURLOPT_DEBUGFUNCTION, keep_refusal);
    curl_easy_setopt(curl_, CURLOPT_DEBUGDATA, &refusal);
    curl_easy_setopt(curl_, CURLOPT_VERBOSE, 1L);  // what makes libcurl call keep_refusal

    CURLcode code = curl_easy_perform(curl_);
    long reply = 0;
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &reply);
    curl_slist_free_all(recipients);
    curl_easy_setopt(curl_, CURLOPT_MAIL_RCPT, nullptr);
    curl_easy_setopt(curl_, CURLOPT_READDATA, nullptr);
    curl_easy_setopt(curl_, CURLOPT_ERRORBUFFER, nullptr);
    curl_easy_setopt(curl_, CURLOPT_DEBUGDATA, nullptr);
    curl_easy_setopt(curl_, CURLOPT_VERBOSE, 0L);
    if (code == CURLE_OK) return;

    // 4xx and 5xx give the same CURLcode: the reply code tells a relay that
    // asks to come back later from one that refuses the message for good.
    std::string reason = error[0] ? error : curl_easy_strerror(code);
    if (reply >= 400)
      reason = refusal.rfind(std::to_string(reply), 0) == 0 ? "the relay answered " + refusal
                                                            : "the relay answered " + std::to_string(reply) + ": " + reason;
    // The error text names the relay's URL at most, never the credentials
    // (libcurl does not print them).
    throw DeliveryError(reason, reply >= 500 && reply < 600);
  }

 private:
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
