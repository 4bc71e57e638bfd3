// A plugin's mail templates: the plugin's own files, the operator's copies
// over them, what a broken file does, and how values are filled in.
#include "mail/mail_templates.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace memberd;
namespace fs = std::filesystem;

namespace {

const std::vector<EmbeddedFile> kOwn{
    {"notice.html", "<p>Hello {{name}}, from {{ip}}.</p>"},
    {"notice.txt", "Subject: A notice for {{name}}\n\nHello {{name}}, from {{ip}}.\n"},
    {"plain.txt", "Subject: Plain\r\n\r\nJust text.\r\n"},
};

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("memberd-templates-" + std::to_string(::getpid()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
  void write(const std::string& name, const std::string& content) const { std::ofstream(path / name) << content; }
};

}  // namespace

TEST_CASE("a template's subject line, text and HTML are read from the plugin's files", "[mail][templates]") {
  MailTemplates templates;
  templates.add(kOwn, {});
  const MailTemplate* notice = templates.find("notice");
  REQUIRE(notice);
  CHECK(notice->subject == "A notice for {{name}}");
  CHECK(notice->text == "Hello {{name}}, from {{ip}}.\n");
  CHECK(notice->html == "<p>Hello {{name}}, from {{ip}}.</p>");
  REQUIRE(templates.find("plain"));
  CHECK(templates.find("plain")->text == "Just text.\r\n");
  CHECK(templates.find("plain")->html.empty());
  CHECK_FALSE(templates.find("missing"));
}

TEST_CASE("values are filled in, HTML-escaped in the HTML part only", "[mail][templates]") {
  MailTemplates templates;
  templates.add(kOwn, {});
  auto m = render_template(*templates.find("notice"), "ann@example.com", {{"name", "<Ann & \"Bob\">"}, {"ip", "10.0.0.1"}});
  CHECK(m.to == "ann@example.com");
  CHECK(m.subject == "A notice for <Ann & \"Bob\">");
  CHECK(m.text == "Hello <Ann & \"Bob\">, from 10.0.0.1.\n");
  CHECK(m.html == "<p>Hello &lt;Ann &amp; &quot;Bob&quot;&gt;, from 10.0.0.1.</p>");
  CHECK(m.category.empty());  // transactional
  // A placeholder without a value stays visible rather than vanishing.
  CHECK(render_template(*templates.find("notice"), "a@b", {}).text == "Hello {{name}}, from {{ip}}.\n");
  // A value is put in once: a value that looks like a placeholder is not filled again.
  CHECK(render_template(*templates.find("notice"), "a@b", {{"name", "{{ip}}"}, {"ip", "x"}}).text ==
        "Hello {{ip}}, from x.\n");
}

TEST_CASE("the operator's copy replaces a plugin's file, one file at a time", "[mail][templates]") {
  TempDir dir;
  dir.write("notice.txt", "Subject: Our own notice\n\nDear {{name}}.\n");
  MailTemplates templates;
  templates.add(kOwn, dir.path);
  CHECK(templates.find("notice")->subject == "Our own notice");
  CHECK(templates.find("notice")->text == "Dear {{name}}.\n");
  CHECK(templates.find("notice")->html == "<p>Hello {{name}}, from {{ip}}.</p>");  // not replaced
  CHECK(templates.find("plain")->subject == "Plain");
  // A missing directory is no error: the plugin's own are used.
  MailTemplates elsewhere;
  elsewhere.add(kOwn, dir.path / "nowhere");
  CHECK(elsewhere.find("notice")->subject == "A notice for {{name}}");
}

TEST_CASE("a broken template is refused, naming the file", "[mail][templates]") {
  auto refused = [](const std::vector<EmbeddedFile>& files, const fs::path& dir = {}) {
    try {
      MailTemplates t;
      t.add(files, dir);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK_THAT(refused({{"a.txt", "Hello, no subject\n"}}), Catch::Contains("a.txt") && Catch::Contains("Subject"));
  CHECK_THAT(refused({{"a.txt", "Subject: \n\nempty subject\n"}}), Catch::Contains("a.txt"));
  CHECK_THAT(refused({{"a.html", "<p>alone</p>"}}), Catch::Contains("a.html has no a.txt"));
  CHECK_THAT(refused({{"Bad Name.txt", "Subject: x\n"}}), Catch::Contains("Bad Name.txt"));
  CHECK_THAT(refused({{"a.eml", "Subject: x\n"}}), Catch::Contains("a.eml"));
  TempDir dir;
  dir.write("notice.txt", "Dear {{name}}, forgot the subject.\n");
  CHECK_THAT(refused(kOwn, dir.path), Catch::Contains((dir.path / "notice.txt").string()));
}
