#include "config/smtp_tls.hpp"

#include "config/host_port.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cctype>
#include <string_view>

namespace memberd {

namespace {

constexpr std::string_view kPlain = "smtp://";

bool plain_smtp(const std::string& transport) { return transport.rfind(kPlain, 0) == 0; }

bool is_localhost(std::string host) {
  std::transform(host.begin(), host.end(), host.begin(), [](unsigned char c) { return std::tolower(c); });
  return host == "localhost";
}

}  // namespace

bool relay_on_loopback(const std::string& transport) {
  auto scheme_end = transport.find("://");
  if (scheme_end == std::string::npos) return false;
  auto address = parse_host_port(std::string_view(transport).substr(scheme_end + 3));
  if (!address) return false;
  if (is_localhost(address->host)) return true;
  in_addr v4{};
  if (inet_pton(AF_INET, address->host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, address->host.c_str(), &v6) != 1) return false;
  if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
  return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
}

bool smtp_tls_required(const MailConfig& mail) {
  if (mail.smtp.require_tls) return *mail.smtp.require_tls;
  return !mail.smtp.username.empty() || !relay_on_loopback(mail.transport);
}

std::string smtp_credentials_problem(const MailConfig& mail) {
  if (!plain_smtp(mail.transport) || mail.smtp.username.empty() || mail.smtp.require_tls != false) return {};
  return "is false while mail.smtp.username is set: the relay's password would be sent in plain text to a relay "
         "that offers no STARTTLS; remove require_tls (auto requires TLS with credentials) or set it to true";
}

std::string smtp_plain_text_warning(const MailConfig& mail) {
  if (!plain_smtp(mail.transport) || smtp_tls_required(mail) || relay_on_loopback(mail.transport)) return {};
  return "mail.smtp.require_tls is false: messages to " + mail.transport +
         " (reset and sign-in links among them) cross the network in plain text when the relay offers no STARTTLS";
}

}  // namespace memberd
