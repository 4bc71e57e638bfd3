// When the SMTP conversation must be encrypted (issue 27, M5): always with
// credentials, by default for a relay beyond loopback, and plain text only to
// a credential-less relay on this host unless the operator says otherwise.
#include "config/config_error.hpp"
#include "config/config_loader.hpp"
#include "config/smtp_tls.hpp"

#include <catch2/catch.hpp>

using namespace memberd;
using Catch::Matchers::Contains;

namespace {

MailConfig mail(const std::vector<std::string>& sets) { return load_config("", sets).mail; }

std::string refusal(const std::vector<std::string>& sets) {
  try {
    load_config("", sets);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return {};
}

}  // namespace

TEST_CASE("a relay on loopback is 127.0.0.0/8, ::1 or localhost", "[mail][config]") {
  for (const char* url : {"smtp://127.0.0.1:25", "smtp://127.3.4.5:2525", "smtps://[::1]:465", "smtp://localhost:25",
                          "smtp://LocalHost:587", "smtp://[::ffff:127.0.0.1]:25"})
    CHECK(relay_on_loopback(url));
  for (const char* url : {"smtp://10.0.0.1:25", "smtp://mail.example.com:587", "smtp://localhost.example.com:25",
                          "smtp://[::2]:25", "smtp://128.0.0.1:25", "file"})
    CHECK_FALSE(relay_on_loopback(url));
}

TEST_CASE("require_tls auto: TLS with credentials or beyond loopback, plain text only to an open local relay",
          "[mail][config]") {
  CHECK_FALSE(mail({}).smtp.require_tls.has_value());  // auto is the default
  CHECK_FALSE(smtp_tls_required(mail({"mail.transport=smtp://127.0.0.1:25"})));
  CHECK(smtp_tls_required(mail({"mail.transport=smtp://127.0.0.1:25", "mail.smtp.username=u"})));
  CHECK(smtp_tls_required(mail({"mail.transport=smtp://mail.example.com:587"})));
  CHECK(smtp_tls_required(mail({"mail.transport=smtp://127.0.0.1:25", "mail.smtp.require_tls=true"})));
  CHECK(smtp_tls_required(mail({"mail.transport=smtp://127.0.0.1:25", "mail.smtp.require_tls=auto",
                                "mail.smtp.username=u"})));
  // The operator's false for a credential-less relay beyond loopback: kept, and warned about.
  auto lan = mail({"mail.transport=smtp://10.0.0.1:25", "mail.smtp.require_tls=false"});
  CHECK_FALSE(smtp_tls_required(lan));
  CHECK_THAT(smtp_plain_text_warning(lan), Contains("cross the network in plain text"));
  CHECK(smtp_plain_text_warning(mail({"mail.transport=smtp://10.0.0.1:25"})).empty());
  CHECK(smtp_plain_text_warning(mail({"mail.transport=smtp://127.0.0.1:25", "mail.smtp.require_tls=false"})).empty());
}

TEST_CASE("require_tls: false beside credentials is a configuration error that says why", "[mail][config]") {
  CHECK_THAT(refusal({"mail.transport=smtp://mail.example.com:587", "mail.smtp.username=u", "mail.smtp.password=p",
                      "mail.smtp.require_tls=false"}),
             Contains("is false while mail.smtp.username is set: the relay's password would be sent in plain text"));
  // Even on loopback: what listens there need not be the relay the operator meant.
  CHECK_THAT(refusal({"mail.transport=smtp://127.0.0.1:25", "mail.smtp.username=u", "mail.smtp.require_tls=false"}),
             Contains("mail.smtp.require_tls"));
  // smtps:// is TLS from the first byte: nothing to refuse.
  CHECK(refusal({"mail.transport=smtps://mail.example.com:465", "mail.smtp.username=u", "mail.smtp.require_tls=false"})
            .empty());
  CHECK_THAT(refusal({"mail.smtp.require_tls=maybe"}), Contains("expected true, false or auto"));
}
