// The outbox delivering to a real SMTP relay on loopback (aiosmtpd): what
// arrives, retries while the relay is down or answers 4xx, a 5xx failing at
// once, STARTTLS, implicit TLS, AUTH, and two daemons on one PostgreSQL
// sending each message once. GET /api/v1/admin/outbox shows each state.
#include "support/credentials_client.hpp"
#include "support/daemon_process.hpp"
#include "support/smtp_relay.hpp"
#include "support/throwaway_postgres.hpp"

#include <soci/soci.h>

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

#include <set>
#include <tuple>
#include <thread>

using memberd::test::DaemonOptions;
using memberd::test::DaemonProcess;
using memberd::test::env_or_fail;
using memberd::test::SmtpRelay;
using memberd::test::SmtpRelayOptions;
using nlohmann::json;

namespace {

// A daemon with the swapper fixture (POST /api/v1/swapper/mail queues a
// message to the caller) mailing through `relay_url`.
DaemonProcess mailing_daemon(const std::string& backend, const std::string& relay_url,
                             std::vector<std::string> sets = {}, std::map<std::string, std::string> env = {}) {
  sets.push_back("mail.transport=" + relay_url);
  sets.push_back("mail.retry_first_delay=1s");
  sets.push_back("mail.retry_max_delay=2s");
  DaemonOptions options{backend, sets, env_or_fail("MEMBERD_FIXTURE_PLUGINS_DIR"), {"swapper"}};
  options.env = std::move(env);
  return DaemonProcess(options);
}

int queue_mail(const DaemonProcess& daemon, const std::string& token, const std::string& subject) {
  auto r = daemon.http()->Post("/api/v1/swapper/mail", {{"Authorization", "Bearer " + token}},
                               json{{"subject", subject}, {"text", "Hello from memberd"}}.dump(), "application/json");
  REQUIRE(r);
  return r->status;
}

json outbox(const DaemonProcess& daemon, const std::string& token, const std::string& query = "") {
  auto r = daemon.http()->Get("/api/v1/admin/outbox" + query, {{"Authorization", "Bearer " + token}});
  REQUIRE(r);
  REQUIRE(r->status == 200);
  return json::parse(r->body);
}

// Waits until the newest message satisfies `done`; returns it.
json wait_for_newest(const DaemonProcess& daemon, const std::string& token, const std::function<bool(const json&)>& done,
                     std::chrono::seconds timeout = std::chrono::seconds(20)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto items = outbox(daemon, token)["items"];
    if (!items.empty() && done(items[0])) return items[0];
    if (std::chrono::steady_clock::now() > deadline) FAIL("the outbox never got there: " + items.dump());
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

// A socket that listens but never answers: the kernel completes the
// connection, the greeting never comes.
class SilentRelay {
 public:
  SilentRelay() {
    socket_ = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(socket_ >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(socket_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(::listen(socket_, 16) == 0);
    socklen_t length = sizeof address;
    REQUIRE(::getsockname(socket_, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    port_ = ntohs(address.sin_port);
  }
  ~SilentRelay() { ::close(socket_); }
  SilentRelay(const SilentRelay&) = delete;
  SilentRelay& operator=(const SilentRelay&) = delete;
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }

 private:
  int socket_ = -1;
  int port_ = 0;
};

// Queues a message and waits for its first failed attempt: still queued,
// with the error and the time of the next try.
json queue_and_see_it_retried(const DaemonProcess& daemon, const std::string& token, const std::string& subject) {
  REQUIRE(queue_mail(daemon, token, subject) == 202);
  auto waiting = wait_for_newest(daemon, token, [](const json& m) { return m["attempts"] >= 1; });
  CHECK(waiting["status"] == "queued");
  CHECK(waiting["last_error"] != "");
  CHECK(waiting["next_attempt_at"].is_string());
  return waiting;
}

// A relay offering STARTTLS with a fresh certificate for 127.0.0.1.
SmtpRelayOptions tls_relay() {
  char pattern[] = "/tmp/memberd-smtp-tls-XXXXXX";
  SmtpRelayOptions options;
  std::tie(options.cert, options.key) = memberd::test::make_loopback_certificate(mkdtemp(pattern));
  return options;
}

}  // namespace

TEST_CASE("mail reaches a real SMTP relay, the outbox records it sent", "[mail][smtp]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  SmtpRelay relay;
  auto daemon = mailing_daemon(backend, relay.url());
  auto token = daemon.admin_token();
  for (int i = 0; i < 3; ++i) REQUIRE(queue_mail(daemon, token, "Hello " + std::to_string(i)) == 202);
  auto got = relay.wait_for(3);
  REQUIRE(got.size() == 3);
  // Several lanes deliver at once (mail.connections): the relay sees them in any order.
  std::sort(got.begin(), got.end(), [](const json& a, const json& b) {
    return a["data"].get<std::string>().find("Subject: Hello 0") != std::string::npos &&
           b["data"].get<std::string>().find("Subject: Hello 0") == std::string::npos;
  });
  CHECK(got[0]["mail_from"] == "no-reply@localhost");
  CHECK(got[0]["rcpt_tos"] == json::array({"admin@memberd.local"}));
  CHECK(got[0]["tls"] == false);
  std::string data = got[0]["data"];
  CHECK(data.find("Subject: Hello 0\r\n") != std::string::npos);
  CHECK(data.find("Message-ID: <memberd.") != std::string::npos);
  auto sent = wait_for_newest(daemon, token, [](const json& m) { return m["status"] == "sent"; });
  CHECK(sent["attempts"] == 1);
  CHECK(sent["last_error"] == "");
  CHECK(sent["to"] == "admin@memberd.local");
  CHECK(sent["sent_at"].is_string());
  auto summary = daemon.http()->Get("/api/v1/admin/outbox/summary", {{"Authorization", "Bearer " + token}});
  REQUIRE(summary);
  auto body = json::parse(summary->body);
  CHECK(body["counts"]["sent"] == 3);
  CHECK(body["hours"].size() == 24);
  CHECK(body["hours"].back()["sent"] == 3);
}

TEST_CASE("a relay that is down, then up: the message arrives exactly once", "[mail][smtp]") {
  SmtpRelayOptions down;
  down.start = false;
  SmtpRelay relay(down);
  auto daemon = mailing_daemon("sqlite", relay.url());
  auto token = daemon.admin_token();
  queue_and_see_it_retried(daemon, token, "While the relay was down");
  relay.start();
  REQUIRE(relay.wait_for(1).size() == 1);
  wait_for_newest(daemon, token, [](const json& m) { return m["status"] == "sent"; });
  // Retries are a second apart here: a second copy would have come by now.
  std::this_thread::sleep_for(std::chrono::seconds(3));
  CHECK(relay.messages().size() == 1);
}

TEST_CASE("a 4xx is retried, a 5xx fails at once and an admin can retry it", "[mail][smtp]") {
  SmtpRelay relay;
  auto daemon = mailing_daemon("sqlite", relay.url());
  auto token = daemon.admin_token();

  relay.script_replies({"451 4.3.0 Try again later"});
  REQUIRE(queue_mail(daemon, token, "Second time lucky") == 202);
  auto sent = wait_for_newest(daemon, token, [](const json& m) { return m["status"] == "sent"; });
  CHECK(sent["attempts"] == 2);
  CHECK(relay.messages().size() == 1);

  relay.script_replies({"554 5.7.1 Message refused"});
  REQUIRE(queue_mail(daemon, token, "Refused for good") == 202);
  auto failed = wait_for_newest(daemon, token, [](const json& m) { return m["status"] == "failed"; });
  CHECK(failed["attempts"] == 1);
  CHECK(failed["last_error"].get<std::string>().find("554") != std::string::npos);
  // The relay's own words, not libcurl's "Weird server reply".
  CHECK(failed["last_error"] == "the relay answered 554 5.7.1 Message refused");
  std::this_thread::sleep_for(std::chrono::seconds(3));
  CHECK(wait_for_newest(daemon, token, [](const json&) { return true; })["attempts"] == 1);
  CHECK(relay.messages().size() == 1);
  CHECK(outbox(daemon, token, "?status=failed")["items"].size() == 1);

  auto http = daemon.http();
  httplib::Headers auth{{"Authorization", "Bearer " + token}};
  std::string id = failed["id"];
  auto retried = http->Post("/api/v1/admin/outbox/" + id + "/retry", auth, "", "application/json");
  REQUIRE(retried);
  CHECK(retried->status == 202);
  REQUIRE(relay.wait_for(2).size() == 2);
  wait_for_newest(daemon, token, [](const json& m) { return m["status"] == "sent"; });
  // Only a failed message can be retried; the rest of the ids are unknown.
  auto again = http->Post("/api/v1/admin/outbox/" + id + "/retry", auth, "", "application/json");
  REQUIRE(again);
  CHECK(again->status == 404);
  auto junk = http->Post("/api/v1/admin/outbox/x'1/retry", auth, "", "application/json");
  REQUIRE(junk);
  CHECK(junk->status == 404);
  auto bad = http->Get("/api/v1/admin/outbox?status=lost&limit=0", auth);
  REQUIRE(bad);
  CHECK(bad->status == 422);
  auto errors = json::parse(bad->body)["errors"];
  CHECK(errors.contains("status"));
  CHECK(errors.contains("limit"));
}

TEST_CASE("a relay that answers the data after mail.smtp.timeout gets each message once", "[mail][smtp]") {
  // Issue 26, F5: the whole conversation was cut at mail.smtp.timeout, so a
  // relay that had accepted the data and answered later got the message
  // again at every retry (3 messages arrived as 7). RFC 5321 gives the end
  // of the data 10 minutes (mail.smtp.data_timeout).
  SmtpRelay relay;
  relay.answer_data_late(std::chrono::milliseconds(2500));
  auto daemon = mailing_daemon("sqlite", relay.url(), {"mail.smtp.timeout=1s"});
  auto token = daemon.admin_token();
  for (int i = 0; i < 3; ++i) REQUIRE(queue_mail(daemon, token, "Slowly checked " + std::to_string(i)) == 202);
  REQUIRE(relay.wait_for(3).size() == 3);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  json items;
  for (;;) {
    items = outbox(daemon, token, "?status=sent")["items"];
    if (items.size() == 3 || std::chrono::steady_clock::now() > deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(items.size() == 3);
  for (const auto& m : items) CHECK(m["attempts"] == 1);
  // Retries come 1-2 s apart here: a copy handed over again would be here by now.
  std::this_thread::sleep_for(std::chrono::seconds(3));
  auto got = relay.messages();
  CHECK(got.size() == 3);
  std::set<std::string> subjects;
  for (const auto& m : got) {
    std::string data = m["data"];
    auto at = data.find("Subject: ");
    subjects.insert(data.substr(at, data.find("\r\n", at) - at));
  }
  CHECK(subjects.size() == 3);
}

TEST_CASE("a relay that never greets is given up after mail.smtp.timeout, not the data's 10 minutes", "[mail][smtp]") {
  // libcurl's own limits now fit the data phase; the commands keep theirs.
  // The daemon's first lane waits out the timeout on the greeting, so 2 s
  // and 12 s each take one attempt's time: 12 s is past libcurl's connect
  // limit as it was once capped (10 s), which cut the greeting early and
  // named no setting; 2 s is where libcurl's limit and ours meet (CI saw
  // libcurl's message win that race).
  auto [timeout, seconds] = GENERATE(table<std::string, int>({{"2s", 2}, {"12s", 12}}));
  SilentRelay silent;
  auto daemon = mailing_daemon("sqlite", silent.url(), {"mail.smtp.timeout=" + timeout});
  auto token = daemon.admin_token();
  auto started = std::chrono::steady_clock::now();
  auto waiting = queue_and_see_it_retried(daemon, token, "To a silent relay");
  auto took = std::chrono::steady_clock::now() - started;
  CHECK(took >= std::chrono::seconds(seconds));
  CHECK(took < std::chrono::seconds(seconds + 6));
  std::string error = waiting["last_error"];
  INFO(error);
  CHECK(error.find("within mail.smtp.timeout (" + std::to_string(seconds) + " s)") != std::string::npos);
}

TEST_CASE("no final reply within mail.smtp.data_timeout: outcome unknown, never sent again", "[mail][smtp]") {
  SmtpRelay relay;
  relay.answer_data_late(std::chrono::seconds(6));
  auto daemon = mailing_daemon("sqlite", relay.url(), {"mail.smtp.timeout=2s", "mail.smtp.data_timeout=2s"});
  auto token = daemon.admin_token();
  REQUIRE(queue_mail(daemon, token, "Maybe delivered") == 202);
  REQUIRE(relay.wait_for(1).size() == 1);
  auto failed = wait_for_newest(daemon, token, [](const json& m) { return m["status"] == "failed"; });
  CHECK(failed["attempts"] == 1);
  std::string error = failed["last_error"];
  CHECK(error.rfind("outcome unknown: ", 0) == 0);
  CHECK(error.find("mail.smtp.data_timeout") != std::string::npos);
  CHECK(failed["next_attempt_at"].is_null());
  // Not handed over again on its own, whatever the retry delays.
  std::this_thread::sleep_for(std::chrono::seconds(4));
  CHECK(relay.messages().size() == 1);
  CHECK(wait_for_newest(daemon, token, [](const json&) { return true; })["status"] == "failed");
  auto metrics = daemon.unix_socket()->Get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->body.find("memberd_mail_deliveries_total{outcome=\"unknown\"} 1") != std::string::npos);
  CHECK(daemon.output().find("delivery outcome unknown") != std::string::npos);
  // The lane goes on with a fresh connection once the relay answers in time.
  relay.answer_data_late(std::chrono::milliseconds(0));
  REQUIRE(queue_mail(daemon, token, "On time") == 202);
  CHECK(relay.wait_for(2).size() == 2);
  wait_for_newest(daemon, token, [](const json& m) { return m["status"] == "sent"; });
}

TEST_CASE("a message the relay accepted during a database outage is recorded sent once the database is back",
          "[mail][smtp][postgresql][outage]") {
  // Its `sent` could not be written while PostgreSQL was down; left
  // `sending`, it would be failed as "outcome unknown" after the sending
  // lease (and an admin's retry would send it twice).
  memberd::test::ThrowawayPostgres postgres;
  SmtpRelay relay;
  relay.answer_data_late(std::chrono::seconds(2));
  DaemonOptions options{"postgresql",
                        {"mail.transport=" + relay.url(), "mail.retry_first_delay=1s", "mail.retry_max_delay=2s"},
                        env_or_fail("MEMBERD_FIXTURE_PLUGINS_DIR"),
                        {"swapper"}};
  options.database_url = postgres.url();
  DaemonProcess daemon(options);
  auto token = daemon.admin_token();
  REQUIRE(queue_mail(daemon, token, "Across an outage") == 202);
  REQUIRE(relay.wait_for(1).size() == 1);  // the relay has it; its 250 comes in 2 s
  postgres.stop("fast");
  std::this_thread::sleep_for(std::chrono::seconds(4));  // the 250 came while the database was down
  postgres.start();
  auto sent = wait_for_newest(daemon, token, [](const json& m) { return m["status"] != "sending"; });
  CHECK(sent["status"] == "sent");
  CHECK(sent["attempts"] == 1);
  std::this_thread::sleep_for(std::chrono::seconds(3));
  CHECK(relay.messages().size() == 1);
}

TEST_CASE("a member sees no outbox", "[mail][smtp][security]") {
  DaemonProcess daemon(DaemonOptions{"sqlite", {}, "", {"credentials"}});
  auto member = memberd::test::credentials::join(daemon, "reader@example.com");
  auto session = memberd::test::credentials::sign_in(daemon, member.email, member.password);
  auto r = daemon.http()->Get("/api/v1/admin/outbox", {{"Authorization", "Bearer " + session.token}});
  REQUIRE(r);
  CHECK(r->status == 403);
  auto anonymous = daemon.http()->Get("/api/v1/admin/outbox");
  REQUIRE(anonymous);
  CHECK(anonymous->status == 401);
}

TEST_CASE("STARTTLS to a relay that requires it, and require_tls refusing one without", "[mail][smtp][tls]") {
  SmtpRelayOptions tls = tls_relay();
  tls.require_starttls = true;
  const std::string cert = tls.cert;
  SmtpRelay relay(tls);
  auto daemon = mailing_daemon("sqlite", relay.url(), {"mail.smtp.require_tls=true", "mail.smtp.ca_file=" + cert});
  auto token = daemon.admin_token();
  REQUIRE(queue_mail(daemon, token, "Over TLS") == 202);
  auto got = relay.wait_for(1);
  REQUIRE(got.size() == 1);
  CHECK(got[0]["tls"] == true);

  // A relay that offers no STARTTLS gets nothing from a daemon that requires it.
  SmtpRelay plain;
  auto strict = mailing_daemon("sqlite", plain.url(), {"mail.smtp.require_tls=true"});
  queue_and_see_it_retried(strict, strict.admin_token(), "Never in the clear");
  CHECK(plain.messages().empty());

  // smtps://: TLS from the first byte, the certificate checked.
  SmtpRelayOptions implicit = tls;
  implicit.require_starttls = false;
  implicit.implicit_tls = true;
  SmtpRelay smtps(implicit);
  auto direct = mailing_daemon("sqlite", smtps.url(), {"mail.smtp.ca_file=" + cert});
  REQUIRE(queue_mail(direct, direct.admin_token(), "TLS throughout") == 202);
  auto direct_got = smtps.wait_for(1);
  REQUIRE(direct_got.size() == 1);
  CHECK(direct_got[0]["tls"] == true);

  // A certificate the daemon cannot verify is not trusted (no ca_file).
  SmtpRelay untrusted(tls);
  auto careful = mailing_daemon("sqlite", untrusted.url());
  queue_and_see_it_retried(careful, careful.admin_token(), "Not to a stranger");
  CHECK(untrusted.messages().empty());
}

TEST_CASE("AUTH with the password from the environment, never logged", "[mail][smtp][security]") {
  SmtpRelayOptions options = tls_relay();
  const std::string cert = options.cert;
  options.auth = "memberd:relay-Secret-42";
  SmtpRelay relay(options);
  auto daemon = mailing_daemon("sqlite", relay.url(),
                               {"mail.smtp.username=memberd", "mail.smtp.password_env=RELAY_PASSWORD",
                                "mail.smtp.ca_file=" + cert, "log.level=debug"},
                               {{"RELAY_PASSWORD", "relay-Secret-42"}});
  auto token = daemon.admin_token();
  REQUIRE(queue_mail(daemon, token, "Authenticated") == 202);
  auto got = relay.wait_for(1);
  REQUIRE(got.size() == 1);
  CHECK(got[0]["login"] == "memberd");

  // A wrong password: the relay's 535 fails the message at once.
  auto wrong = mailing_daemon("sqlite", relay.url(),
                              {"mail.smtp.username=memberd", "mail.smtp.password=wrong-Password-1",
                               "mail.smtp.ca_file=" + cert, "log.level=debug"});
  auto wrong_token = wrong.admin_token();
  REQUIRE(queue_mail(wrong, wrong_token, "Not authenticated") == 202);
  auto failed = wait_for_newest(wrong, wrong_token, [](const json& m) { return m["status"] == "failed"; });
  CHECK(failed["last_error"].get<std::string>().find("535") != std::string::npos);
  CHECK(relay.messages().size() == 1);
  for (const auto* d : {&daemon, &wrong}) {
    CHECK(d->output().find("relay-Secret-42") == std::string::npos);
    CHECK(d->output().find("wrong-Password-1") == std::string::npos);
  }

  // A password_env that is not set stops the start, naming the key.
  DaemonOptions unset{"sqlite",
                      {"mail.transport=" + relay.url(), "mail.smtp.username=memberd",
                       "mail.smtp.password_env=MEMBERD_TEST_UNSET_PASSWORD"},
                      env_or_fail("MEMBERD_FIXTURE_PLUGINS_DIR"),
                      {"swapper"}};
  unset.expect_start = false;
  DaemonProcess refused(unset);
  CHECK(refused.wait_exit(std::chrono::seconds(10)) != 0);
  CHECK(refused.output().find("mail.smtp.password_env") != std::string::npos);
}

// Issue 27, M5: with a username set, require_tls defaulted to false, and
// libcurl sent AUTH in plain text to a relay that offered no STARTTLS.
TEST_CASE("credentials never go in plain text to a relay that offers AUTH without STARTTLS", "[mail][smtp][security]") {
  SmtpRelayOptions options;
  options.auth = "memberd:relay-Secret-42";  // no certificate: AUTH offered on a plain connection
  SmtpRelay relay(options);
  auto daemon = mailing_daemon("sqlite", relay.url(),
                               {"mail.smtp.username=memberd", "mail.smtp.password=relay-Secret-42"});
  auto token = daemon.admin_token();
  auto waiting = queue_and_see_it_retried(daemon, token, "Not in the clear");
  CHECK_THAT(waiting["last_error"].get<std::string>(),
             Catch::Matchers::Contains("TLS is required (credentials are set): nothing was sent"));
  CHECK(relay.auth_attempts().empty());
  CHECK(relay.messages().empty());

  // Saying require_tls: false beside the credentials is refused, with why.
  std::string out;
  int code = memberd::test::run_command({env_or_fail("MEMBERD_BINARY"), "--check-config", "--set",
                                         "mail.transport=" + relay.url(), "--set", "mail.smtp.username=memberd",
                                         "--set", "mail.smtp.password_env=RELAY_PASSWORD", "--set",
                                         "mail.smtp.require_tls=false"},
                                        out);
  INFO(out);
  CHECK(code == 2);
  CHECK_THAT(out, Catch::Matchers::Contains("mail.smtp.require_tls"));
  CHECK_THAT(out, Catch::Matchers::Contains("is false while mail.smtp.username is set: the relay's password would be "
                                            "sent in plain text to a relay that offers no STARTTLS"));
  CHECK(relay.auth_attempts().empty());

  // Without credentials a relay on loopback still gets plain text.
  SmtpRelay open_relay;
  auto local = mailing_daemon("sqlite", open_relay.url());
  REQUIRE(queue_mail(local, local.admin_token(), "Local and open") == 202);
  auto got = open_relay.wait_for(1);
  REQUIRE(got.size() == 1);
  CHECK(got[0]["tls"] == false);
}

TEST_CASE("the credentials flows' mail goes through SMTP when it is configured", "[mail][smtp]") {
  SmtpRelay relay;
  DaemonProcess daemon(DaemonOptions{"sqlite", {"mail.transport=" + relay.url()}, "", {"credentials"}});
  memberd::test::credentials::join(daemon, "newcomer@example.com");
  auto got = relay.wait_for(1);
  REQUIRE(got.size() >= 1);
  CHECK(got[0]["rcpt_tos"] == json::array({"newcomer@example.com"}));
  // Nothing went to the file transport.
  CHECK(memberd::test::mail_messages(daemon).empty());
}

TEST_CASE("two daemons on one PostgreSQL deliver 1,000 messages, each once", "[mail][smtp][postgresql]") {
  SmtpRelay relay;
  memberd::test::ScratchPostgres database;
  std::vector<std::string> sets = {"mail.transport=" + relay.url()};
  DaemonOptions first{"postgresql", sets, env_or_fail("MEMBERD_FIXTURE_PLUGINS_DIR"), {"swapper"}};
  first.database_url = database.url();
  DaemonProcess a(first);
  // The second starts on the migrated database; both then work the one queue.
  DaemonOptions second = first;
  DaemonProcess b(second);
  {
    auto sql = memberd::test::open_database(database.url());
    soci::transaction tx(*sql);
    for (int i = 0; i < 1000; ++i) {
      std::string to = "member" + std::to_string(i) + "@example.com";
      *sql << "INSERT INTO mail_outbox (recipient, subject, body_text, body_html, category, headers, status, attempts,"
              " last_error, next_attempt_at, created_at, queued_at) VALUES (:r, 'Shared', 'text', '', '', '[]',"
              " 'queued', 0, '', 0, 1, 1)",
          soci::use(to);
    }
    // What the daemons' own enqueue sends with its transaction
    // (storage/change_feed.hpp): both wake now, not at their next look.
    *sql << "SELECT pg_notify('memberd_changes', 'test-writer mail.queued new')";
    tx.commit();
  }
  auto got = relay.wait_for(1000, std::chrono::seconds(120));
  REQUIRE(got.size() == 1000);
  std::set<std::string> recipients;
  for (const auto& m : got) recipients.insert(m["rcpt_tos"][0].get<std::string>());
  CHECK(recipients.size() == 1000);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  CHECK(relay.messages().size() == 1000);
  auto sql = memberd::test::open_database(database.url());
  int sent = 0;
  *sql << "SELECT COUNT(*) FROM mail_outbox WHERE status = 'sent'", soci::into(sent);
  CHECK(sent == 1000);
  // Both took part: each daemon's own count of what it sent.
  auto sent_by = [](const DaemonProcess& d) {
    auto metrics = d.unix_socket()->Get("/metrics");
    REQUIRE(metrics);
    const std::string series = "memberd_mail_deliveries_total{outcome=\"sent\"} ";
    auto at = metrics->body.find(series);
    return at == std::string::npos ? 0 : std::stoi(metrics->body.substr(at + series.size()));
  };
  int by_a = sent_by(a), by_b = sent_by(b);
  CHECK(by_a + by_b == 1000);
  CHECK(by_a > 0);
  CHECK(by_b > 0);
}

TEST_CASE("claims left by a daemon that died: unsent ones go out, one with the relay is not resent", "[mail][smtp]") {
  SmtpRelay relay;
  char pattern[] = "/tmp/memberd-claims-XXXXXX";
  std::string dir = mkdtemp(pattern);
  std::string url = "sqlite:" + dir + "/memberd.db";
  DaemonOptions options{"sqlite", {"mail.transport=" + relay.url()}, env_or_fail("MEMBERD_FIXTURE_PLUGINS_DIR"),
                        {"swapper"}};
  options.data_dir = dir;
  {
    DaemonProcess migrate(options);  // creates the schema, then stops
  }
  {
    // An hour ago a daemon claimed two messages and had handed one to its relay.
    auto sql = memberd::test::open_database(url);
    long long hour_ago = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch()).count() - 3600;
    for (const char* state : {"claimed", "sending"}) {
      std::string status = state, to = std::string(state) + "@example.com";
      *sql << "INSERT INTO mail_outbox (recipient, subject, body_text, body_html, category, headers, status, attempts,"
              " last_error, next_attempt_at, created_at, queued_at, claimed_by, claimed_at)"
              " VALUES (:r, 'Left behind', 'text', '', '', '[]', :s, 0, '', :n, :c, :q, 'gone', :a)",
          soci::use(to), soci::use(status), soci::use(hour_ago), soci::use(hour_ago), soci::use(hour_ago),
          soci::use(hour_ago);
    }
  }
  DaemonProcess daemon(options);
  auto got = relay.wait_for(1);
  REQUIRE(got.size() == 1);
  CHECK(got[0]["rcpt_tos"] == json::array({"claimed@example.com"}));
  auto token = daemon.admin_token();
  auto failed = outbox(daemon, token, "?status=failed")["items"];
  REQUIRE(failed.size() == 1);
  CHECK(failed[0]["to"] == "sending@example.com");
  CHECK(failed[0]["last_error"].get<std::string>().find("outcome unknown") != std::string::npos);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  CHECK(relay.messages().size() == 1);
}
