// The marketplace's category sends and one-click unsubscribe (RFC 8058), as a
// black box on both backends: who gets a send, what each copy carries, and
// what an unsubscribe link can and cannot do.
#include "support/credentials_client.hpp"
#include "support/daemon_process.hpp"

#include <catch2/catch.hpp>
#include <soci/soci.h>

#include <cctype>
#include <filesystem>
#include <regex>
#include <thread>

using namespace memberd::test;
using namespace memberd::test::credentials;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

struct Scratch {
  fs::path dir;
  std::string url;
  std::unique_ptr<ScratchPostgres> postgres;
  explicit Scratch(const std::string& backend, const std::string& name) {
    dir = fs::temp_directory_path() / ("memberd-es-" + name + "-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    if (backend == "postgresql") {
      postgres = std::make_unique<ScratchPostgres>();
      url = postgres->url();
    } else {
      url = "sqlite:" + (dir / "memberd.db").string();
    }
  }
  ~Scratch() { fs::remove_all(dir); }
  DaemonOptions options(const std::string& backend) const {
    DaemonOptions o{backend, {"http.public_url=https://shop.example.com"}, "", {"credentials", "email_service"}};
    o.database_url = url;
    return o;
  }
};

httplib::Result send(const DaemonProcess& d, const json& body) {
  return post(d, "/api/v1/admin/messages", body, admin(d));
}

// The value of a header in a .eml (unfolded lines are all we write).
std::string header_of(const std::string& eml, const std::string& name) {
  std::smatch m;
  if (std::regex_search(eml, m, std::regex("\r\n" + name + ": ([^\r\n]*)\r\n"))) return m[1];
  return "";
}

std::string token_in(const std::string& list_unsubscribe) {
  std::smatch m;
  if (std::regex_search(list_unsubscribe, m, std::regex("\\?token=([^>]+)>"))) return m[1];
  return "";
}

bool subscribed(const DaemonProcess& d, const Session& s, const std::string& category) {
  auto res = get(d, "/api/v1/me/email-subscriptions", bearer(s.token));
  REQUIRE(status_of(res) == 200);
  auto body = body_of(res);  // kept: the loop must not walk a temporary
  for (const auto& c : body["categories"])
    if (c["id"] == category) return c["subscribed"];
  FAIL("no category " << category);
  return false;
}

long long outbox_rows(const std::string& url) {
  auto sql = open_database(url);
  long long n = 0;
  *sql << "SELECT COUNT(*) FROM mail_outbox", soci::into(n);
  return n;
}

httplib::Result one_click(const DaemonProcess& d, const std::string& token, const httplib::Headers& headers = {}) {
  return d.http()->Post("/api/v1/email/unsubscribe?token=" + token, headers, "List-Unsubscribe=One-Click",
                        "application/x-www-form-urlencoded");
}

}  // namespace

TEST_CASE("a send to named members skips those who switched the category off, and each copy has its own link",
          "[email_service][sends]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  Scratch scratch(backend, "named");
  DaemonProcess daemon(scratch.options(backend));
  // '&' is allowed in an address: it must come out escaped in the HTML part.
  auto tom = join(daemon, "tom&jerry@example.com");
  auto ann = join(daemon, "ann@example.com");
  auto off = join(daemon, "off@example.com");
  auto off_session = sign_in(daemon, off);
  REQUIRE(status_of(put(daemon, "/api/v1/me/email-subscriptions", {{"trade_alerts", false}},
                        bearer(off_session.token))) == 200);

  auto res = send(daemon, {{"category", "trade_alerts"},
                           {"member_ids", {tom.member_id, ann.member_id, off.member_id, "00000000-0000-4000-8000-000000000000"}},
                           {"subject", "New leads for {{email}}"},
                           {"text", "Hello {{email}}, three buyers asked for bearings."},
                           {"html", "<p>Hello <b>{{email}}</b></p>"}});
  INFO(describe(res));
  REQUIRE(status_of(res) == 202);
  auto out = body_of(res);
  CHECK(out["queued"] == 2);
  CHECK(out["skipped_unsubscribed"] == 1);
  CHECK(out["unknown_members"] == 1);
  CHECK(out["status"] == "done");
  CHECK(out["batch"] == "email_service:send." + out["id"].get<std::string>());

  auto mail = wait_for_mail(daemon, "tom&jerry@example.com", "three buyers");
  CHECK(mail.find("Subject: New leads for tom&jerry@example.com\r\n") != std::string::npos);
  CHECK(mail.find("Hello tom&jerry@example.com, three buyers") != std::string::npos);
  CHECK(mail.find("<b>tom&amp;jerry@example.com</b>") != std::string::npos);
  CHECK(header_of(mail, "List-Unsubscribe-Post") == "List-Unsubscribe=One-Click");
  CHECK(header_of(mail, "List-Id") == "\"Trade Alerts\" <trade-alerts.shop.example.com>");
  auto list_unsubscribe = header_of(mail, "List-Unsubscribe");
  CHECK(list_unsubscribe.rfind("<https://shop.example.com/api/v1/email/unsubscribe?token=", 0) == 0);
  auto token = token_in(list_unsubscribe);
  REQUIRE_FALSE(token.empty());
  // The visible link leads to the confirmation page with the same token.
  CHECK(mail.find("https://shop.example.com/account/#/email_service/unsubscribe?token=" + token) != std::string::npos);

  auto ann_mail = wait_for_mail(daemon, "ann@example.com", "three buyers");
  auto ann_token = token_in(header_of(ann_mail, "List-Unsubscribe"));
  CHECK(ann_token != token);
  CHECK(ann_token.find(ann.member_id) != std::string::npos);
  CHECK(mails_to(daemon, "off@example.com").size() <= 1);  // the welcome mail only
  for (const auto& m : mails_to(daemon, "off@example.com")) CHECK(m.find("three buyers") == std::string::npos);

  // The send is listed with its counts.
  auto listed = get(daemon, "/api/v1/admin/messages", admin(daemon));
  REQUIRE(status_of(listed) == 200);
  REQUIRE(body_of(listed)["sends"].size() == 1);
  CHECK(body_of(listed)["sends"][0]["queued"] == 2);
  CHECK(is_rfc3339(body_of(listed)["sends"][0]["created_at"]));
  auto one = get(daemon, "/api/v1/admin/messages/" + out["id"].get<std::string>(), admin(daemon));
  REQUIRE(status_of(one) == 200);
  CHECK(body_of(one)["text"] == "Hello {{email}}, three buyers asked for bearings.");
  CHECK_PROBLEM(get(daemon, "/api/v1/admin/messages/nosuchsend", admin(daemon)), 404, "not_found");

  // The send is one record of the admin audit log, under the plugin's name, in the send's transaction.
  auto audited = get(daemon, "/api/v1/admin/audit?action=email_service.send", admin(daemon));
  REQUIRE(status_of(audited) == 200);
  auto records = body_of(audited)["items"];
  REQUIRE(records.size() == 1);
  CHECK(records[0]["result"] == "done");
  CHECK(records[0]["detail"]["send_id"] == out["id"]);
  CHECK(records[0]["detail"]["category"] == "trade_alerts");
}

TEST_CASE("a send refuses bad input whole and queues nothing", "[email_service][sends]") {
  Scratch scratch("sqlite", "bad");
  DaemonProcess daemon(scratch.options("sqlite"));
  auto member = join(daemon, "bad@example.com");
  auto session = sign_in(daemon, member);
  auto before = outbox_rows(scratch.url);
  json good{{"category", "trade_alerts"}, {"member_ids", {member.member_id}}, {"subject", "S"}, {"text", "T"}};

  auto with = [&](const std::string& key, const json& value) {
    json b = good;
    b[key] = value;
    return b;
  };
  struct Case {
    json body;
    std::string field;
  };
  std::vector<Case> cases{
      {with("category", "spam"), "category"},
      {with("subject", "Hi\r\nBcc: everyone@example.com"), "subject"},
      {with("subject", "Hi\nthere"), "subject"},
      {with("subject", "   "), "subject"},
      {with("text", "Hello {{password}}"), "text"},
      {with("html", 42), "html"},
      {with("member_ids", json::array()), "member_ids"},
      {with("member_ids", "everyone"), "member_ids"},
      {with("member_ids", {"'; DROP TABLE members; --"}), "member_ids"},
      {with("subscribers", true), "member_ids"},  // both at once
      {with("colour", "red"), "colour"},
  };
  for (const auto& c : cases) {
    INFO(c.body.dump());
    auto res = send(daemon, c.body);
    CHECK_PROBLEM(res, 422, "validation");
    CHECK(has_field_error(body_of(res), c.field));
  }
  json no_text = good;
  no_text.erase("text");
  CHECK(has_field_error(body_of(send(daemon, no_text)), "text"));
  CHECK(outbox_rows(scratch.url) == before);

  // Admins only.
  CHECK(status_of(post(daemon, "/api/v1/admin/messages", good)) == 401);
  CHECK_PROBLEM(post(daemon, "/api/v1/admin/messages", good, bearer(session.token)), 403, "forbidden");
  CHECK(status_of(get(daemon, "/api/v1/admin/messages/audience", bearer(session.token))) == 403);
  CHECK(outbox_rows(scratch.url) == before);

  // Each refused send is an admin action too, recorded as refused under the
  // plugin's name; the non-admins' attempts are none.
  auto audited = get(daemon, "/api/v1/admin/audit?action=email_service.send", admin(daemon));
  REQUIRE(status_of(audited) == 200);
  auto records = body_of(audited)["items"];
  CHECK(records.size() == cases.size() + 1);  // each case, and the send without text
  for (const auto& r : records) {
    CHECK(r["result"] == "refused");
    CHECK(r["detail"]["status"] == 422);
  }
}

TEST_CASE("one-click unsubscribe: a POST unsubscribes without a session, a GET never does, forged links do nothing",
          "[email_service][unsubscribe]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  Scratch scratch(backend, "unsub");
  DaemonProcess daemon(scratch.options(backend));
  auto member = join(daemon, "reader@example.com");
  auto session = sign_in(daemon, member);
  REQUIRE(status_of(send(daemon, {{"category", "trade_alerts"}, {"member_ids", {member.member_id}},
                                  {"subject", "Leads"}, {"text", "Buyers"}})) == 202);
  auto token = token_in(header_of(wait_for_mail(daemon, "reader@example.com", "Buyers"), "List-Unsubscribe"));
  REQUIRE_FALSE(token.empty());

  // GET tells what the link is for and changes nothing.
  auto shown = daemon.http()->Get("/api/v1/email/unsubscribe?token=" + token, {{"Accept", "application/json"}});
  REQUIRE(status_of(shown) == 200);
  CHECK(body_of(shown)["category"]["label"] == "Trade Alerts");
  CHECK(body_of(shown)["email"] == "r•••@example.com");
  CHECK(body_of(shown)["subscribed"] == true);
  auto browser = daemon.http()->Get("/api/v1/email/unsubscribe?token=" + token, {{"Accept", "text/html,*/*;q=0.8"}});
  REQUIRE(status_of(browser) == 303);
  CHECK(browser->get_header_value("Location") ==
        "https://shop.example.com/account/#/email_service/unsubscribe?token=" + token);
  CHECK(subscribed(daemon, session, "trade_alerts"));

  // Forged, altered or malformed tokens are refused and change nothing.
  auto flipped = token;
  flipped.back() = flipped.back() == '0' ? '1' : '0';
  auto other_category = std::regex_replace(token, std::regex("\\.trade_alerts\\."), ".notifications.");
  // Issue 27: only the signer's spelling of the key version: no leading
  // zeros, no sign (%2B is "+", a bare "+" a space), whatever the number.
  auto upper_member = token;
  auto first_dot = upper_member.find('.'), second_dot = upper_member.find('.', first_dot + 1);
  for (auto i = first_dot; i < second_dot; ++i) upper_member[i] = static_cast<char>(std::toupper(upper_member[i]));
  for (const auto& bad : {flipped, other_category, std::string("1.abc"), std::string("not-a-token"),
                          "9" + token, "0" + token, "00" + token, "%2B" + token, "+" + token, "-" + token,
                          upper_member}) {
    INFO(bad);
    CHECK_PROBLEM(one_click(daemon, bad), 404, "not_found");
  }
  // A token is never echoed into a header unless it has a token's shape.
  auto injected = daemon.http()->Get("/api/v1/email/unsubscribe?token=a%0d%0aSet-Cookie:%20x=1",
                                     {{"Accept", "text/html"}});
  REQUIRE(status_of(injected) == 303);
  CHECK(injected->get_header_value("Location") == "https://shop.example.com/account/#/email_service/unsubscribe?token=");
  CHECK_FALSE(injected->has_header("Set-Cookie"));
  CHECK(subscribed(daemon, session, "trade_alerts"));
  CHECK(subscribed(daemon, session, "notifications"));

  // The mail client's POST, with no session: unsubscribed from that category only.
  auto done = one_click(daemon, token);
  INFO(describe(done));
  REQUIRE(status_of(done) == 200);
  CHECK(body_of(done)["subscribed"] == false);
  CHECK_FALSE(subscribed(daemon, session, "trade_alerts"));
  CHECK(subscribed(daemon, session, "membership_services"));
  // Again is no error; a browser that carries the member's session cookie
  // (but no CSRF header, as a form post) is answered the same.
  auto cookie = "memberd_session=" + session.session_cookie + "; memberd_csrf=" + session.csrf_cookie;
  CHECK(status_of(one_click(daemon, token, {{"Cookie", cookie}})) == 200);

  auto sql = open_database(scratch.url);
  std::vector<std::string> payloads(10);
  *sql << "SELECT payload FROM events WHERE type = 'email.subscriptions_changed'", soci::into(payloads);
  REQUIRE(payloads.size() == 1);
  auto payload = json::parse(payloads[0]);
  CHECK(payload["by"] == "unsubscribe_link");
  CHECK(payload["changes"] == json{{"trade_alerts", false}});
  CHECK(payload["member_id"] == member.member_id);
}

TEST_CASE("unsubscribe links survive a key rotation for the configured time, then are refused as too old",
          "[email_service][unsubscribe]") {
  Scratch scratch("sqlite", "rotate");
  DaemonProcess daemon(scratch.options("sqlite"));
  auto member = join(daemon, "rotate@example.com");
  auto session = sign_in(daemon, member);
  auto mail_token = [&](const std::string& category, const std::string& text) {
    REQUIRE(status_of(send(daemon, {{"category", category}, {"member_ids", {member.member_id}},
                                    {"subject", "S"}, {"text", text}})) == 202);
    return token_in(header_of(wait_for_mail(daemon, "rotate@example.com", text), "List-Unsubscribe"));
  };
  auto first = mail_token("trade_alerts", "first send");
  CHECK(first.rfind("1.", 0) == 0);
  auto sql = open_database(scratch.url);
  // Key 1 is older than the rotation period (90 days): the next send signs with key 2.
  *sql << "UPDATE email_service_unsubscribe_keys SET created_at = created_at - 91 * 86400";
  auto second = mail_token("notifications", "second send");
  CHECK(second.rfind("2.", 0) == 0);
  auto third = mail_token("membership_services", "third send");
  CHECK(third.rfind("2.", 0) == 0);  // no rotation before the period is over again

  // Replaced a moment ago: links signed with key 1 still work.
  REQUIRE(status_of(one_click(daemon, first)) == 200);
  CHECK_FALSE(subscribed(daemon, session, "trade_alerts"));
  // Replaced longer ago than accepted (365 days): too old, and nothing changes.
  *sql << "UPDATE email_service_unsubscribe_keys SET retired_at = retired_at - 366 * 86400 WHERE version = 1";
  CHECK_PROBLEM(one_click(daemon, first), 410, "gone");
  REQUIRE(status_of(one_click(daemon, second)) == 200);
  CHECK_FALSE(subscribed(daemon, session, "notifications"));
  CHECK(subscribed(daemon, session, "membership_services"));
}

TEST_CASE("a send to every subscriber walks all members a page at a time and reaches each once",
          "[email_service][sends]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  Scratch scratch(backend, "all");
  DaemonProcess daemon(scratch.options(backend));
  // 2,500 members straight into the table (joining them one by one would
  // hash 2,500 passwords); every fifth has switched Trade Alerts off.
  {
    auto sql = open_database(scratch.url);
    soci::transaction tx(*sql);
    for (int i = 0; i < 2500; ++i) {
      char id[40];
      std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%012d", i);
      std::string member_id = id, email = "bulk" + std::to_string(i) + "@example.com";
      *sql << "INSERT INTO members (member_id, email, password_hash, created_at, updated_at)"
              " VALUES (:i, :e, 'x', 0, 0)",
          soci::use(member_id), soci::use(email);
      if (i % 5 == 0)
        *sql << "INSERT INTO email_service_subscriptions (member_id, category_id, subscribed, changed_at, changed_by)"
                " VALUES (:i, 'trade_alerts', 0, 0, 'member')",
            soci::use(member_id);
    }
    tx.commit();
  }
  // The bootstrap admin is a member too: 2,501 in all, 500 switched off.
  auto audience = get(daemon, "/api/v1/admin/messages/audience?category=trade_alerts", admin(daemon));
  REQUIRE(status_of(audience) == 200);
  CHECK(body_of(audience)["categories"][0]["members"] == 2501);
  CHECK(body_of(audience)["categories"][0]["subscribed"] == 2001);
  CHECK(body_of(audience)["categories"][0]["unsubscribed"] == 500);
  CHECK_PROBLEM(get(daemon, "/api/v1/admin/messages/audience?category=spam", admin(daemon)), 422, "validation");

  auto res = send(daemon, {{"category", "trade_alerts"}, {"subscribers", true}, {"subject", "Weekly leads"},
                           {"text", "Leads for {{email}}"}});
  INFO(describe(res));
  REQUIRE(status_of(res) == 202);
  auto id = body_of(res)["id"].get<std::string>();
  CHECK(body_of(res)["status"] == "running");
  CHECK(body_of(res)["expected"] == 2001);

  json state;
  for (int i = 0; i < 300; ++i) {
    state = body_of(get(daemon, "/api/v1/admin/messages/" + id, admin(daemon)));
    if (state["status"] == "done") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  INFO(state.dump());
  REQUIRE(state["status"] == "done");
  CHECK(state["queued"] == 2001);
  CHECK(state["skipped_unsubscribed"] == 500);

  auto sql = open_database(scratch.url);
  std::string batch = "email_service:send." + id;
  long long rows = 0, recipients = 0, to_switched_off = 0;
  *sql << "SELECT COUNT(*), COUNT(DISTINCT recipient) FROM mail_outbox WHERE batch = :b", soci::use(batch),
      soci::into(rows), soci::into(recipients);
  CHECK(rows == 2001);
  CHECK(recipients == 2001);
  *sql << "SELECT COUNT(*) FROM mail_outbox WHERE batch = :b AND recipient IN ('bulk0@example.com', 'bulk5@example.com',"
          " 'bulk2495@example.com')",
      soci::use(batch), soci::into(to_switched_off);
  CHECK(to_switched_off == 0);
  // Three pages of 1,000: three event deliveries, one started and two continued.
  long long continued = 0;
  *sql << "SELECT COUNT(*) FROM events WHERE type = 'email.send_continues'", soci::into(continued);
  CHECK(continued == 2);
}
