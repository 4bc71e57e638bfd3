// The credentials plugin's mail comes from its templates (mail/*.txt and
// .html in its folder), which an operator replaces file by file under
// mail.templates_dir; a broken replacement keeps the plugin from loading.
#include "support/credentials_client.hpp"
#include "support/daemon_process.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace memberd::test;
using namespace memberd::test::credentials;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

struct TemplatesDir {
  fs::path path = fs::temp_directory_path() / ("memberd-mail-templates-" + std::to_string(::getpid()));
  TemplatesDir() { fs::create_directories(path / "credentials"); }
  ~TemplatesDir() { fs::remove_all(path); }
  void write(const std::string& name, const std::string& content) const {
    std::ofstream(path / "credentials" / name) << content;
  }
};

}  // namespace

TEST_CASE("transactional mail has a text and an HTML part from the plugin's templates", "[credentials][mail]") {
  DaemonProcess daemon(options());
  join(daemon, "tpl@example.com");
  auto welcome = wait_for_mail(daemon, "tpl@example.com", "Your account is ready");
  CHECK(welcome.find("Subject: Welcome: confirm your email address\r\n") != std::string::npos);
  CHECK(welcome.find("Content-Type: multipart/alternative") != std::string::npos);
  CHECK(welcome.find("Content-Type: text/html; charset=utf-8") != std::string::npos);

  auto before = mail_files(daemon);
  REQUIRE_STATUS(request_reset(daemon, "tpl@example.com"), 202);
  auto reset = wait_for_mail(daemon, "tpl@example.com", "reset-password?token=", before);
  auto token = extract_token(reset, "reset-password");
  REQUIRE(is_token(token));
  CHECK(reset.find("Subject: Reset your password\r\n") != std::string::npos);
  // The same link in the HTML part, as a link.
  auto link = reset.find("/#/credentials/reset-password?token=" + token + "\" style=");
  REQUIRE(link != std::string::npos);
  CHECK(reset.rfind("<a href=\"", link) != std::string::npos);
  CHECK(reset.find("The link works once, for 30 minutes.") != std::string::npos);
}

TEST_CASE("an operator's template replaces the plugin's, file by file", "[credentials][mail]") {
  TemplatesDir dir;
  dir.write("reset-link.txt", "Subject: Your Marketplace password\n\nChoose a new one here: {{link}}\nValid {{lifetime}}.\n");
  auto o = options("sqlite", {"mail.templates_dir=" + dir.path.string()});
  DaemonProcess daemon(o);
  join(daemon, "own@example.com");
  auto before = mail_files(daemon);
  REQUIRE_STATUS(request_reset(daemon, "own@example.com"), 202);
  auto reset = wait_for_mail(daemon, "own@example.com", "Choose a new one here:", before);
  CHECK(reset.find("Subject: Your Marketplace password\r\n") != std::string::npos);
  CHECK(is_token(extract_token(reset, "reset-password")));
  CHECK(reset.find("Valid 30 minutes.") != std::string::npos);
  // The HTML part was not replaced: the plugin's own, with the same link.
  CHECK(reset.find("Open this link to choose a new password:</p>") != std::string::npos);
  // Other mails keep the plugin's text.
  CHECK(wait_for_mail(daemon, "own@example.com", "Your account is ready")
            .find("Subject: Welcome: confirm your email address\r\n") != std::string::npos);
}

TEST_CASE("a broken operator's template keeps the plugin out and says which file", "[credentials][mail]") {
  TemplatesDir dir;
  dir.write("welcome.txt", "Welcome aboard, no subject line here.\n");
  DaemonProcess daemon(options("sqlite", {"mail.templates_dir=" + dir.path.string()}));
  auto state = plugin_entry(daemon, "credentials");
  CHECK(state["state"] == "failed");
  CHECK_THAT(state["last_error"].get<std::string>(),
             Catch::Contains((dir.path / "credentials" / "welcome.txt").string()) && Catch::Contains("Subject"));
  // The daemon serves on without it.
  CHECK(daemon.http()->Get("/healthz")->status == 200);
}
