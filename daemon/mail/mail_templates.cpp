#include "mail/mail_templates.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace memberd {

namespace {

bool valid_name(std::string_view name) {
  return !name.empty() && name.size() <= 64 &&
         name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") == std::string_view::npos;
}

// The operator's copy of `file` if there is one, else the plugin's bytes.
std::string content_of(const EmbeddedFile& file, const std::filesystem::path& override_dir, std::string& source) {
  source = std::string(file.path) + " (built in)";
  if (override_dir.empty()) return std::string(file.data);
  auto path = override_dir / std::string(file.path);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::string(file.data);
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  if (!in || !(bytes << in.rdbuf())) throw std::invalid_argument("mail template " + path.string() + " cannot be read");
  source = path.string();
  return bytes.str();
}

// "Subject: ..." on the first line, then (after an optional blank line) the text.
void parse_text(const std::string& content, const std::string& source, MailTemplate& t) {
  auto eol = content.find('\n');
  std::string first = content.substr(0, eol);
  if (!first.empty() && first.back() == '\r') first.pop_back();
  static constexpr std::string_view kSubject = "Subject: ";
  if (first.rfind(kSubject, 0) != 0 || first.size() == kSubject.size())
    throw std::invalid_argument("mail template " + source + " must start with a line \"Subject: ...\"");
  t.subject = first.substr(kSubject.size());
  std::string rest = eol == std::string::npos ? "" : content.substr(eol + 1);
  if (rest.rfind("\r\n", 0) == 0) rest.erase(0, 2);
  else if (rest.rfind('\n', 0) == 0) rest.erase(0, 1);
  t.text = rest;
}

}  // namespace

void MailTemplates::add(const std::vector<EmbeddedFile>& files, const std::filesystem::path& override_dir) {
  std::map<std::string, MailTemplate, std::less<>> added;
  std::vector<std::pair<std::string, std::string>> html_parts;
  for (const auto& file : files) {
    std::string path(file.path);
    auto dot = path.rfind('.');
    std::string name = dot == std::string::npos ? path : path.substr(0, dot);
    std::string kind = dot == std::string::npos ? "" : path.substr(dot + 1);
    if (!valid_name(name) || (kind != "txt" && kind != "html"))
      throw std::invalid_argument("mail template " + path + ": name it <name>.txt or <name>.html, the name of [a-z0-9_-]");
    std::string source;
    std::string content = content_of(file, override_dir, source);
    if (kind == "txt") parse_text(content, source, added[name]);
    else html_parts.emplace_back(name, content);
  }
  for (auto& [name, html] : html_parts) {
    auto found = added.find(name);
    if (found == added.end()) throw std::invalid_argument("mail template " + name + ".html has no " + name + ".txt");
    found->second.html = std::move(html);
  }
  for (auto& [name, t] : added) templates_[name] = std::move(t);
}

const MailTemplate* MailTemplates::find(std::string_view name) const {
  auto it = templates_.find(name);
  return it == templates_.end() ? nullptr : &it->second;
}

MailMessage render_template(const MailTemplate& t, std::string_view to, const PlaceholderValues& values) {
  MailMessage m;
  m.to = std::string(to);
  m.subject = fill_placeholders(t.subject, values, false);
  m.text = fill_placeholders(t.text, values, false);
  if (!t.html.empty()) m.html = fill_placeholders(t.html, values, true);
  return m;
}

}  // namespace memberd
