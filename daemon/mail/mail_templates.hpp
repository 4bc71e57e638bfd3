#pragma once
// One plugin version's mail templates (Host::add_mail_templates, SDK 2.5):
// its own files, each replaced by the operator's copy under
// <mail.templates_dir>/<plugin>/ when there is one, and the message a
// template makes.
#include <memberd/embedded_file.hpp>
#include <memberd/host.hpp>
#include <memberd/text.hpp>

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace memberd {

struct MailTemplate {
  std::string subject;
  std::string text;
  std::string html;  // empty: text only
};

class MailTemplates {
 public:
  // Adds `files` (<name>.txt, <name>.html), each replaced by the file of the
  // same name in `override_dir` when that exists (an empty path: none).
  // Throws std::invalid_argument naming the file: a name outside
  // [a-z0-9_-], a .txt without its "Subject: " line, an .html without its
  // .txt, an operator's file that cannot be read.
  void add(const std::vector<EmbeddedFile>& files, const std::filesystem::path& override_dir);
  // nullptr when there is no template `name`.
  const MailTemplate* find(std::string_view name) const;

 private:
  std::map<std::string, MailTemplate, std::less<>> templates_;
};

// The transactional message `t` makes for `to`: every {{key}} filled from
// `values` (HTML-escaped in the HTML part). Touches nothing.
MailMessage render_template(const MailTemplate& t, std::string_view to, const PlaceholderValues& values);

}  // namespace memberd
