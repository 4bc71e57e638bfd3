#include "mail/mail_transport.hpp"

#include <memberd/base64.hpp>

#include "util/crypto.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>

namespace memberd {

namespace {

std::string one_line(const std::string& value) {
  std::string out;
  for (char c : value) out += (c == '\r' || c == '\n') ? ' ' : c;
  return out;
}

bool is_ascii(const std::string& s) {
  for (unsigned char c : s)
    if (c >= 0x80) return false;
  return true;
}

// RFC 2047 for non-ASCII header text.
std::string header_text(const std::string& value) {
  std::string clean = one_line(value);
  return is_ascii(clean) ? clean : "=?UTF-8?B?" + base64_encode(clean, Base64::standard, true) + "?=";
}

// Body parts stay readable (8bit, CRLF lines) so a member on the file
// transport can open the .eml and follow its link; a part with a line too
// long for SMTP (998 octets) goes as base64 instead.
std::string body_part(const std::string& type, const std::string& content) {
  std::string lines;
  std::size_t line_length = 0, longest = 0;
  for (std::size_t i = 0; i < content.size(); ++i) {
    char c = content[i];
    if (c == '\r') continue;
    if (c == '\n') {
      lines += "\r\n";
      line_length = 0;
      continue;
    }
    lines += c;
    longest = std::max(longest, ++line_length);
  }
  std::string out = "Content-Type: " + type + "; charset=utf-8\r\n";
  if (longest < 998) return out + "Content-Transfer-Encoding: 8bit\r\n\r\n" + lines + "\r\n";
  std::string encoded = base64_encode(content, Base64::standard, true);
  out += "Content-Transfer-Encoding: base64\r\n\r\n";
  for (std::size_t i = 0; i < encoded.size(); i += 76) out += encoded.substr(i, 76) + "\r\n";
  return out;
}

}  // namespace

bool is_allowed_extra_header(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
  std::string lower;
  for (char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* reserved : {"from", "to", "cc", "bcc", "subject", "date", "message-id", "mime-version", "sender",
                               "reply-to", "x-memberd-category"})
    if (lower == reserved) return false;
  return lower.rfind("content-", 0) != 0;
}

std::string render_message(const OutgoingMail& mail, const std::string& message_id_domain) {
  char date[64];
  std::time_t t = static_cast<std::time_t>(mail.created_at);
  std::tm utc{};
  gmtime_r(&t, &utc);
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &utc);

  std::string out;
  out += "From: " + one_line(mail.from) + "\r\n";
  out += "To: " + one_line(mail.to) + "\r\n";
  out += "Subject: " + header_text(mail.subject) + "\r\n";
  out += std::string("Date: ") + date + "\r\n";
  out += "Message-ID: <memberd." + std::to_string(mail.id) + "." + std::to_string(mail.created_at) + "@" +
         message_id_domain + ">\r\n";
  out += "MIME-Version: 1.0\r\n";
  if (!mail.category.empty()) out += "X-Memberd-Category: " + one_line(mail.category) + "\r\n";
  for (const auto& [name, value] : mail.headers)
    if (is_allowed_extra_header(name)) out += name + ": " + one_line(value) + "\r\n";
  if (mail.html.empty()) return out + body_part("text/plain", mail.text);
  std::string boundary = "memberd-" + random_token(12);
  out += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n\r\n";
  out += "--" + boundary + "\r\n" + body_part("text/plain", mail.text);
  out += "--" + boundary + "\r\n" + body_part("text/html", mail.html);
  out += "--" + boundary + "--\r\n";
  return out;
}

}  // namespace memberd
