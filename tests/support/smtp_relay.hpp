#pragma once
// A real SMTP relay on loopback for one test: Debian's aiosmtpd, run by
// tests/support/smtp_relay.py in a temporary directory. What it accepted
// is read back as JSON; its next replies to DATA can be scripted (a 451, a
// 554) to see how the daemon's outbox takes them.
#include <nlohmann/json.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace memberd::test {

struct SmtpRelayOptions {
  int port = 0;  // 0: a free loopback port
  // With a certificate: STARTTLS offered (or TLS from the start with implicit_tls).
  std::string cert, key;
  bool require_starttls = false;
  bool implicit_tls = false;
  // "user:password": AUTH required (offered without STARTTLS when there is
  // no certificate).
  std::string auth;
  bool start = true;  // false: only pick the port (a relay that is down), start() later
};

// A self-signed certificate for 127.0.0.1 (SAN IP), made with openssl in `dir`:
// {cert path, key path}. The certificate is its own CA file.
std::pair<std::string, std::string> make_loopback_certificate(const std::string& dir);

// A port nothing listens on now (bound and released).
int free_loopback_port();

class SmtpRelay {
 public:
  explicit SmtpRelay(SmtpRelayOptions options = {});
  ~SmtpRelay();
  SmtpRelay(const SmtpRelay&) = delete;

  void start();  // REQUIREs it to come up within 10 s
  void stop();
  int port() const { return options_.port; }
  std::string url() const;  // smtp://127.0.0.1:port or smtps://...

  // The messages accepted so far, oldest first: {"mail_from","rcpt_tos","data","tls","login"}.
  std::vector<nlohmann::json> messages() const;
  // The login names of the AUTH commands clients sent so far, right or
  // wrong: empty when no credentials reached the relay.
  std::vector<std::string> auth_attempts() const;
  // Waits until at least `count` messages arrived; returns them.
  std::vector<nlohmann::json> wait_for(std::size_t count, std::chrono::seconds timeout = std::chrono::seconds(20)) const;
  // The next DATA commands get these replies ("451 4.3.0 Try later"), in order.
  void script_replies(const std::vector<std::string>& replies);
  // From now on each message is accepted at once but its final reply (250)
  // comes `delay` after the end of the data; zero: at once again.
  void answer_data_late(std::chrono::milliseconds delay);

 private:
  SmtpRelayOptions options_;
  std::string dir_;
  int pid_ = -1;
};

}  // namespace memberd::test
