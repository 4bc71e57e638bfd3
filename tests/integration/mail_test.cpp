// The host's mail outbox with the default `file` transport: one .eml per
// message under <data_dir>/mail/, headers that cannot be injected into.
#include "support/daemon_process.hpp"

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

using memberd::test::DaemonOptions;
using memberd::test::DaemonProcess;
using memberd::test::env_or_fail;
using memberd::test::mail_messages;
using nlohmann::json;
namespace fs = std::filesystem;


TEST_CASE("queued mail lands as .eml files, headers stay headers", "[mail]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess daemon(DaemonOptions{backend, {}, env_or_fail("MEMBERD_FIXTURE_PLUGINS_DIR"), {"swapper"}});
  httplib::Headers auth{{"Authorization", "Bearer " + daemon.admin_token()}};
  auto http = daemon.http();
  // A line break in a header value is refused, not repaired: nothing is queued.
  auto injected = http->Post("/api/v1/swapper/mail", auth,
                             json{{"subject", "Your reset link\r\nBcc: attacker@example.com"}, {"text", "x"}}.dump(),
                             "application/json");
  REQUIRE(injected);
  CHECK(injected->status == 500);
  CHECK(injected->body.find("Bcc") == std::string::npos);
  auto queued = http->Post("/api/v1/swapper/mail", auth,
                           json{{"subject", "Your reset link"},
                                {"text", "Open http://127.0.0.1/reset/abc\nto continue. Grüße"},
                                {"html", "<p>Open the link</p>"}}
                               .dump(),
                           "application/json");
  REQUIRE(queued);
  REQUIRE(queued->status == 202);

  std::string mail_dir = daemon.data_dir() + "/mail";
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (mail_messages(daemon).empty() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  auto all = mail_messages(daemon);
  REQUIRE(all.size() == 1);
  const std::string& eml = all[0];
  CHECK(eml.find("To: admin@memberd.local\r\n") != std::string::npos);
  CHECK(eml.find("From: memberd <no-reply@localhost>\r\n") != std::string::npos);
  CHECK(eml.find("\r\nBcc:") == std::string::npos);
  CHECK(eml.find("Subject: Your reset link\r\n") != std::string::npos);
  CHECK(eml.find("multipart/alternative") != std::string::npos);
  // The text part stays readable, so a member on the file transport can follow the link.
  CHECK(eml.find("Open http://127.0.0.1/reset/abc\r\nto continue. Grüße") != std::string::npos);
  CHECK(eml.find("Message-ID: <") != std::string::npos);
  CHECK(eml.find("List-Unsubscribe: <http://127.0.0.1/unsubscribe>\r\n") != std::string::npos);
  // No half-written files are left behind.
  for (const auto& entry : fs::directory_iterator(mail_dir)) CHECK(entry.path().extension() == ".eml");
}

TEST_CASE("a delivered message's body does not stay in the outbox", "[mail][security]") {
  // Reset and verification links travel in bodies; once the message is out,
  // the row keeps who, the subject and when, never the link.
  DaemonProcess daemon(DaemonOptions{"sqlite", {}, env_or_fail("MEMBERD_FIXTURE_PLUGINS_DIR"), {"swapper"}});
  httplib::Headers auth{{"Authorization", "Bearer " + daemon.admin_token()}};
  auto queued = daemon.http()->Post("/api/v1/swapper/mail", auth,
                                    json{{"subject", "Reset your password"},
                                         {"text", "Open http://127.0.0.1/account/reset-password?token=SECRETTOKEN"},
                                         {"html", "<a href=\"http://127.0.0.1/r?token=SECRETTOKEN\">reset</a>"}}
                                        .dump(),
                                    "application/json");
  REQUIRE(queued);
  REQUIRE(queued->status == 202);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (mail_messages(daemon).empty() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  REQUIRE(mail_messages(daemon).size() == 1);
  soci::session sql(*soci::factory_sqlite3(), "db=" + daemon.data_dir() + "/memberd.db");
  int sent = 0, with_body = 0;
  // The row is marked sent just after the file is written.
  for (deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
       sent == 0 && std::chrono::steady_clock::now() < deadline;
       std::this_thread::sleep_for(std::chrono::milliseconds(50)))
    sql << "SELECT COUNT(*) FROM mail_outbox WHERE status = 'sent' AND subject = 'Reset your password'",
        soci::into(sent);
  sql << "SELECT COUNT(*) FROM mail_outbox WHERE body_text LIKE '%SECRETTOKEN%' OR body_html LIKE '%SECRETTOKEN%'",
      soci::into(with_body);
  CHECK(sent == 1);
  CHECK(with_body == 0);
}
