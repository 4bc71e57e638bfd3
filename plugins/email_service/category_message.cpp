#include "category_message.hpp"

#include <memberd/text.hpp>

namespace memberd::email_service {

const std::vector<std::string>& send_placeholders() {
  static const std::vector<std::string> names{"email"};
  return names;
}

std::string one_click_url(const Context& ctx, const std::string& token) {
  return ctx.settings.api_base + "/api/v1/email/unsubscribe?token=" + token;
}

std::string confirmation_page_url(const Context& ctx, const std::string& token) {
  return ctx.settings.link_base + "/#/email_service/unsubscribe?token=" + token;
}

MailMessage category_message(const Context& ctx, const SendRecord& send, const Category& category,
                             const Member& member, const std::string& token) {
  PlaceholderValues values{{"email", member.email}};
  std::string page = confirmation_page_url(ctx, token);
  std::string choices = ctx.settings.link_base + "/#/email_service/email-service";

  MailMessage m;
  m.to = member.email;
  // The subject was checked for line breaks when the send was made; an
  // address never has one.
  m.subject = fill_placeholders(send.subject, values, false);
  m.category = category.id;
  m.text = fill_placeholders(send.text, values, false) + "\n\n-- \nYou get " + category.label +
           " because you chose to. Stop them: " + page + "\nAll your mail choices: " + choices + "\n";
  if (!send.html.empty())
    m.html = fill_placeholders(send.html, values, true) +
             "\n<hr>\n<p style=\"font-size:small;color:#555\">You get " + html_escape(category.label) +
             " because you chose to. <a href=\"" + html_escape(page) + "\">Unsubscribe from " +
             html_escape(category.label) + "</a> · <a href=\"" + html_escape(choices) +
             "\">All your mail choices</a></p>\n";

  std::string list = category.id;
  for (char& c : list)
    if (c == '_') c = '-';
  // The label is the member's words for the list; a quote in it would end
  // the phrase early, so it goes without.
  // Header values go out as they are: a label that is not plain ASCII is
  // left out rather than encoded.
  std::string phrase;
  for (char c : category.label)
    if (c != '"' && c != '\\' && c != '<' && c != '>') phrase += c;
  bool plain = true;
  for (unsigned char c : phrase) plain = plain && c >= 0x20 && c < 0x80;
  if (!plain) phrase.clear();
  m.headers = {{"List-Unsubscribe", "<" + one_click_url(ctx, token) + ">"},
               {"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"},
               {"List-Id", (phrase.empty() ? "" : "\"" + phrase + "\" ") + "<" + list + "." + ctx.settings.list_id_domain + ">"}};
  return m;
}

}  // namespace memberd::email_service
