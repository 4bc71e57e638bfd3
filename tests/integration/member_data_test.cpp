// A member's data, whole (issue 32), black-box on both backends with every
// plugin that keeps something of members: "Download my data" (one archive,
// each plugin's part, an unloaded plugin named as missing, behind the
// step-up, a few a day) and closing the account (the grace period, keeping
// it, then nothing of the member left in any table while another member
// is untouched, and the address free to join again).
#include "support/credentials_client.hpp"
#include "support/daemon_process.hpp"
#include "support/tar_reader.hpp"

#include <catch2/catch.hpp>
#include <soci/soci.h>

#include <chrono>
#include <thread>

using memberd::test::DaemonOptions;
using memberd::test::DaemonProcess;
using memberd::test::read_tar;
using namespace memberd::test::credentials;
using nlohmann::json;

namespace {

const std::vector<std::string> kPlugins = {"credentials", "security_level", "email_service", "two_step", "profile",
                                           "hello"};

DaemonOptions with_member_data(const std::string& backend, std::vector<std::string> sets = {}) {
  auto o = options(backend, std::move(sets));
  o.plugins = kPlugins;
  // two_step's key for the secrets it keeps (a test value: 32 bytes in hex).
  o.env["MEMBERD_TWO_STEP_KEY"] = "8f1c2b3a4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8";
  return o;
}

httplib::Result export_data(const DaemonProcess& d, const std::string& token) {
  return post_empty(d, "/api/v1/me/data-export", bearer(token));
}

// Something of the member in most plugins: a greeting (hello), an email
// choice (email_service), a sign-in record (security_level, written from
// its event: waited for).
void leave_traces(const DaemonProcess& d, const std::string& token, const std::string& greeting) {
  REQUIRE_STATUS(post(d, "/api/v1/hello/greetings", {{"text", greeting}}, bearer(token)), 201);
  auto categories = body_of(get(d, "/api/v1/me/email-subscriptions", bearer(token)))["categories"];
  REQUIRE(!categories.empty());
  REQUIRE_STATUS(put(d, "/api/v1/me/email-subscriptions", {{categories[0]["id"].get<std::string>(), false}},
                     bearer(token)),
                 200);
  for (int i = 0; i < 100; ++i) {
    auto records = body_of(get(d, "/api/v1/me/sign-ins", bearer(token)));
    if (records.is_object() && !records["items"].empty()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  FAIL("security_level recorded no sign-in");
}

// What no API call here makes cheaply, written as the plugins would: a
// published profile, an authenticator app (its sealed key marked, which
// must never reach an archive), a remembered browser.
const std::string kSealedKey = "SEALED-KEY-NEVER-EXPORTED";
const std::string kDeviceHash = std::string(64, 'd');
const std::string kStaffAddress = "staff-member@example.com";

void seed_plugin_rows(const DaemonProcess& d, const std::string& member_id) {
  auto db = memberd::test::open_database(d.database_url());
  const long long now = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch()).count();
  *db << "INSERT INTO profile_published (member_id, fields, revision_id, published_at)"
         " VALUES (:m, '{\"company\":\"Lamps Ltd\"}', 'rev-1', :t)",
      soci::use(member_id), soci::use(now);
  *db << "INSERT INTO two_step_totp (member_id, secret_sealed, created_at, confirmed_at) VALUES (:m, :s, :t, :t2)",
      soci::use(member_id), soci::use(kSealedKey), soci::use(now), soci::use(now);
  const std::string hash = kDeviceHash.substr(0, 60) + member_id.substr(0, 4);
  *db << "INSERT INTO two_step_remembered_devices (token_hash, member_id, user_agent, created_at, expires_at)"
         " VALUES (:h, :m, 'Bench Browser/1.0', :t, :e)",
      soci::use(hash), soci::use(member_id), soci::use(now), soci::use(now + 86400);
  *db << "INSERT INTO two_step_admin_actions (member_id, action, acted_by, reason, at)"
         " VALUES (:m, 'removed_factors', :b, 'Lost phone, identity checked', :t)",
      soci::use(member_id), soci::use(kStaffAddress), soci::use(now);
}

// Every table's rows, each column as text, that contain `needle`.
std::vector<std::string> rows_naming(const DaemonProcess& d, const std::string& needle) {
  auto db = memberd::test::open_database(d.database_url());
  std::vector<std::string> tables;
  soci::rowset<std::string> names =
      d.database_url().rfind("sqlite", 0) == 0
          ? (db->prepare << "SELECT name FROM sqlite_master WHERE type = 'table'")
          : (db->prepare << "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()");
  for (const auto& name : names) tables.push_back(name);
  REQUIRE(tables.size() > 20);
  std::vector<std::string> found;
  for (const auto& table : tables) {
    soci::rowset<soci::row> rows = (db->prepare << "SELECT * FROM " << table);
    for (const auto& row : rows) {
      std::string text;
      for (std::size_t i = 0; i < row.size(); ++i) {
        if (row.get_indicator(i) != soci::i_ok) continue;
        switch (row.get_properties(i).get_data_type()) {
          case soci::dt_string: text += row.get<std::string>(i) + "|"; break;
          case soci::dt_integer: text += std::to_string(row.get<int>(i)) + "|"; break;
          case soci::dt_long_long: text += std::to_string(row.get<long long>(i)) + "|"; break;
          case soci::dt_unsigned_long_long: text += std::to_string(row.get<unsigned long long>(i)) + "|"; break;
          default: break;
        }
      }
      if (text.find(needle) != std::string::npos) found.push_back(table + ": " + text.substr(0, 300));
    }
  }
  return found;
}

}  // namespace

TEST_CASE("download my data: one archive of every plugin's part behind the step-up", "[member-data]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess daemon(with_member_data(backend, {"accounts.exports_per_day=3"}));
  auto member = joined_and_stepped_up(daemon, "kim@example.com");
  leave_traces(daemon, member.session.token, "Greetings from Kim");
  seed_plugin_rows(daemon, member.account.member_id);

  auto res = export_data(daemon, member.session.token);
  REQUIRE_STATUS(res, 200);
  CHECK(res->get_header_value("Content-Type") == "application/x-tar");
  CHECK(res->get_header_value("Content-Disposition").find("attachment; filename=\"memberd-data-") == 0);
  auto files = read_tar(res->body);
  for (const char* path : {"memberd-data/README.txt", "memberd-data/manifest.json", "memberd-data/account.json"})
    CHECK(files.count(path) == 1);
  auto manifest = json::parse(files["memberd-data/manifest.json"]);
  CHECK(manifest["member_id"] == member.account.member_id);
  std::map<std::string, std::string> status;
  for (const auto& part : manifest["parts"]) status[part["plugin"]] = part["status"];
  for (const auto& plugin : kPlugins) {
    INFO(plugin);
    CHECK(status[plugin] == "included");
    CHECK(files.count("memberd-data/" + plugin + "/data.json") == 1);
  }
  auto account = json::parse(files["memberd-data/account.json"]);
  CHECK(account["email"] == "kim@example.com");
  CHECK(account["signed_in_on"].size() >= 1);
  auto hello = json::parse(files["memberd-data/hello/data.json"]);
  CHECK(hello["greetings"][0]["text"] == "Greetings from Kim");
  auto credentials = json::parse(files["memberd-data/credentials/data.json"]);
  CHECK(credentials["email_confirmed"] == true);
  CHECK(credentials["security_question"]["question"].is_string());
  CHECK(json::parse(files["memberd-data/security_level/data.json"])["sign_ins"].size() >= 1);
  CHECK(json::parse(files["memberd-data/email_service/data.json"])["recorded_choices"].size() == 1);
  auto two_step = json::parse(files["memberd-data/two_step/data.json"]);
  CHECK(two_step["second_step_on"] == false);
  REQUIRE(two_step["factors"].size() == 1);
  CHECK(two_step["factors"][0]["kind"] == "app");
  CHECK(two_step["remembered_browsers"].size() == 1);
  // What staff did and why, not which of them.
  REQUIRE(two_step["admin_actions"].size() == 1);
  CHECK(two_step["admin_actions"][0]["by"] == "an administrator");
  CHECK(two_step["admin_actions"][0]["reason"] == "Lost phone, identity checked");
  CHECK(json::parse(files["memberd-data/profile/data.json"])["published"]["fields"]["company"] == "Lamps Ltd");
  // Nothing secret, not even hashed: no answer, no password hash, no sealed
  // key, no token's hash.
  for (const auto& [path, bytes] : files) {
    INFO(path);
    CHECK(bytes.find(kAnswer) == std::string::npos);
    CHECK(bytes.find("$argon2") == std::string::npos);
    CHECK(bytes.find(kSealedKey) == std::string::npos);
    CHECK(bytes.find(kDeviceHash.substr(0, 60)) == std::string::npos);
    CHECK(bytes.find(kStaffAddress) == std::string::npos);
  }

  SECTION("an unloaded plugin is named as missing, never silently left out") {
    REQUIRE_STATUS(daemon.unix_socket()->Post("/api/v1/admin/plugins/hello/unload"), 200);
    auto again = read_tar(export_data(daemon, member.session.token)->body);
    auto parts = json::parse(again["memberd-data/manifest.json"])["parts"];
    bool named = false;
    for (const auto& part : parts)
      if (part["plugin"] == "hello") named = part["status"] == "missing";
    CHECK(named);
    CHECK(again.count("memberd-data/hello/data.json") == 0);
  }

  SECTION("a few a day: the fourth is refused with Retry-After") {
    CHECK_STATUS(export_data(daemon, member.session.token), 200);
    CHECK_STATUS(export_data(daemon, member.session.token), 200);
    auto refused = export_data(daemon, member.session.token);
    CHECK_PROBLEM(refused, 429, "rate_limited");
    CHECK(retry_after(refused) >= 1);
  }

  SECTION("a session without a recent step-up, or no session, gets nothing") {
    auto plain = sign_in(daemon, member.account);
    CHECK_PROBLEM(export_data(daemon, plain.token), 403, "step_up_required");
    CHECK_STATUS(export_data(daemon, "not-a-token"), 401);
    CHECK_PROBLEM(post_empty(daemon, "/api/v1/me/data-export"), 401, "unauthenticated");
  }
}

TEST_CASE("a large archive goes by a mailed link that only its member can use, until it expires", "[member-data]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  // No housekeeping round during the test: an expired archive is refused
  // while its row is still there.
  DaemonProcess daemon(with_member_data(backend, {"accounts.export_at_once_bytes=1024", "retention.interval=1h"}));
  auto member = joined_and_stepped_up(daemon, "ola@example.com");
  auto other = joined_and_stepped_up(daemon, "per@example.com");
  leave_traces(daemon, member.session.token, "Greetings from Ola");
  auto before = mail_files(daemon);

  auto asked = export_data(daemon, member.session.token);
  REQUIRE_STATUS(asked, 202);
  CHECK(body_of(asked)["delivery"] == "mail");
  CHECK(body_of(asked)["bytes"].get<long long>() > 1024);
  CHECK(body_of(asked)["expires_at"].is_string());
  auto mail = wait_for_mail(daemon, "ola@example.com", "Your data is ready to download", before);
  // The link opens the member's "your-data" page (credentials serves it here).
  CHECK(mail.find("/account/#/credentials/your-data?token=") != std::string::npos);
  std::string token = extract_token(mail, "your-data");
  REQUIRE(is_token(token));
  auto download = [&](const std::string& session, const json& body) {
    return post(daemon, "/api/v1/me/data-export/download", body, session.empty() ? httplib::Headers{} : bearer(session));
  };
  auto db = memberd::test::open_database(daemon.database_url());
  auto kept = [&] {
    int rows = -1;
    *db << "SELECT COUNT(*) FROM member_exports", soci::into(rows);
    return rows;
  };

  // Nobody else, not even signed in and stepped up as another member; nor a
  // made-up token; nor the member without a recent step-up.
  CHECK_PROBLEM(download(other.session.token, {{"token", token}}), 404, "export_gone");
  CHECK_PROBLEM(download(member.session.token, {{"token", token + "x"}}), 404, "export_gone");
  CHECK_PROBLEM(download(sign_in(daemon, member.account).token, {{"token", token}}), 403, "step_up_required");
  CHECK_PROBLEM(download("", {{"token", token}}), 401, "unauthenticated");
  CHECK_PROBLEM(download(member.session.token, json::object()), 422, "validation");
  CHECK_PROBLEM(download(member.session.token, {{"token", 7}}), 422, "validation");
  auto by_operator = daemon.unix_socket()->Post("/api/v1/me/data-export/download", json{{"token", token}}.dump(),
                                                "application/json");
  CHECK_PROBLEM(by_operator, 403, "member_only");
  // Its member gets the archive, and again while the link lasts.
  for (int i = 0; i < 2; ++i) {
    auto got = download(member.session.token, {{"token", token}});
    REQUIRE_STATUS(got, 200);
    CHECK(got->get_header_value("Content-Type") == "application/x-tar");
    auto files = read_tar(got->body);
    CHECK(json::parse(files["memberd-data/manifest.json"])["member_id"] == member.account.member_id);
    CHECK(json::parse(files["memberd-data/hello/data.json"])["greetings"][0]["text"] == "Greetings from Ola");
  }
  // The token is nowhere in the database's tables but the outbox's body of
  // the mail on its way (blanked once delivered): the row has its hash.
  for (const auto& row : rows_naming(daemon, token)) {
    INFO(row);
    CHECK(row.rfind("mail_outbox: ", 0) == 0);
  }

  // Past its lifetime (aged here): refused, though its row is still there.
  *db << "UPDATE member_exports SET expires_at = expires_at - 100000";
  CHECK_PROBLEM(download(member.session.token, {{"token", token}}), 404, "export_gone");
  CHECK(kept() == 1);

  SECTION("the housekeeping deletes an expired archive") {
    DaemonProcess sweeping(with_member_data(backend, {"accounts.export_at_once_bytes=1024",
                                                      "accounts.export_link_lifetime=1s", "retention.interval=1s"}));
    auto ola = joined_and_stepped_up(sweeping, "ola@example.com");
    REQUIRE_STATUS(export_data(sweeping, ola.session.token), 202);
    auto swept = memberd::test::open_database(sweeping.database_url());
    int rows = -1;
    for (int i = 0; i < 100 && rows != 0; ++i) {
      *swept << "SELECT COUNT(*) FROM member_exports", soci::into(rows);
      if (rows != 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    CHECK(rows == 0);
  }

  SECTION("an archive under the limit is answered at once, as before") {
    DaemonProcess roomy(with_member_data(backend, {"accounts.export_at_once_bytes=10000000"}));
    auto small = joined_and_stepped_up(roomy, "ola@example.com");
    CHECK_STATUS(export_data(roomy, small.session.token), 200);
  }

  SECTION("without a your-data page to open a link, a large archive is answered at once") {
    REQUIRE_STATUS(daemon.unix_socket()->Post("/api/v1/admin/plugins/credentials/unload"), 200);
    auto at_once = export_data(daemon, member.session.token);
    REQUIRE_STATUS(at_once, 200);
    CHECK(at_once->body.size() > 1024);
    CHECK(kept() == 1);
  }
}

TEST_CASE("closing an account: kept within the grace, then nothing of the member is left", "[member-data][closure]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  // Every archive is mailed (kept until its link expires): the closure erases Lea's.
  DaemonProcess daemon(with_member_data(backend, {"accounts.closure_grace=2s", "retention.interval=1s",
                                                  "accounts.export_at_once_bytes=1024"}));
  auto leaving = joined_and_stepped_up(daemon, "lea@example.com");
  auto staying = joined_and_stepped_up(daemon, "sam@example.com");
  leave_traces(daemon, leaving.session.token, "Goodbye from Lea");
  leave_traces(daemon, staying.session.token, "Hello from Sam");
  seed_plugin_rows(daemon, leaving.account.member_id);
  seed_plugin_rows(daemon, staying.account.member_id);
  const std::string id = leaving.account.member_id;
  REQUIRE_STATUS(export_data(daemon, leaving.session.token), 202);
  REQUIRE_STATUS(export_data(daemon, staying.session.token), 202);

  // Asked: every session ends, the mail says until when.
  auto before = mail_files(daemon);
  auto asked = post_empty(daemon, "/api/v1/me/closure", bearer(leaving.session.token));
  REQUIRE_STATUS(asked, 202);
  CHECK(is_rfc3339(body_of(asked)["closes_at"]));
  CHECK_STATUS(me_raw(daemon, leaving.session.token), 401);
  wait_for_mail(daemon, "lea@example.com", "Your account will be closed on", before);

  // Signing in within the grace: the account waits, and can be kept.
  auto back = sign_in(daemon, leaving.account);
  CHECK(body_of(get(daemon, "/api/v1/me/closure", bearer(back.token)))["closes_at"].is_string());
  CHECK_STATUS(del(daemon, "/api/v1/me/closure", bearer(back.token)), 204);
  CHECK_PROBLEM(del(daemon, "/api/v1/me/closure", bearer(back.token)), 404, "not_found");
  wait_for_mail(daemon, "lea@example.com", "Your account stays open", before);
  // Past her grace, with a sweep proven to have run since (Ned, who asked
  // after her, is gone), she is still there.
  auto ned = joined_and_stepped_up(daemon, "ned@example.com");
  REQUIRE_STATUS(post_empty(daemon, "/api/v1/me/closure", bearer(ned.session.token)), 202);
  bool ned_gone = false;
  for (int i = 0; i < 150 && !ned_gone; ++i) {
    ned_gone = body_of(daemon.unix_socket()->Get("/api/v1/admin/members?q=ned%40example.com"))["items"].empty();
    if (!ned_gone) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  REQUIRE(ned_gone);
  CHECK_STATUS(me_raw(daemon, back.token), 200);

  // Asked again (a fresh step-up): after the grace, it is gone.
  step_up(daemon, back.token, leaving.account.password, kAnswer);
  REQUIRE_STATUS(post_empty(daemon, "/api/v1/me/closure", bearer(back.token)), 202);
  // Watched through the admin list: a sign-in attempt would itself count
  // against the address.
  bool closed = false;
  for (int i = 0; i < 100 && !closed; ++i) {
    closed = body_of(daemon.unix_socket()->Get("/api/v1/admin/members?q=lea%40example.com"))["items"].empty();
    if (!closed) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  REQUIRE(closed);
  wait_for_mail(daemon, "lea@example.com", "Your account is closed", before);

  // Nothing of Lea in any table: neither her id nor her address, but for
  // the admin audit log (none here) and the last mail, on its way to her.
  CHECK(rows_naming(daemon, id) == std::vector<std::string>{});
  for (const auto& row : rows_naming(daemon, "lea@example.com")) {
    INFO(row);
    CHECK(row.rfind("mail_outbox: ", 0) == 0);
    CHECK(row.find("Your account is closed") != std::string::npos);
  }
  CHECK_PROBLEM(sign_in_raw(daemon, "lea@example.com", kPassword), 401, "bad_credentials");

  // Sam is untouched, and Lea's address may join again.
  CHECK_STATUS(me_raw(daemon, staying.session.token), 200);
  CHECK(body_of(get(daemon, "/api/v1/hello/greetings", bearer(staying.session.token))).dump().find("Hello from Sam") !=
        std::string::npos);
  CHECK_FALSE(rows_naming(daemon, staying.account.member_id).empty());
  CHECK_STATUS(join_raw(daemon, "lea@example.com", "lea@example.com", kPassword, kPassword), 201);
}

TEST_CASE("an event about a member whose account is gone or being erased reaches no plugin", "[member-data][closure]") {
  // An event still on its way when the erasure begins (a subscriber that
  // was failing, another daemon's late publish) must not write back what
  // the erasure removes: security_level would record a sign-in.
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess daemon(with_member_data(backend));
  auto ann = joined_and_stepped_up(daemon, "ann@example.com");
  auto ben = joined_and_stepped_up(daemon, "ben@example.com");
  auto db = memberd::test::open_database(daemon.database_url());
  auto records_of = [&](const std::string& member_id) {
    int n = -1;
    *db << "SELECT COUNT(*) FROM security_level_sign_ins WHERE member_id = :m", soci::use(member_id), soci::into(n);
    return n;
  };
  auto wait_for_records = [&](const std::string& member_id, int at_least) {
    for (int i = 0; i < 200 && records_of(member_id) < at_least; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return records_of(member_id);
  };
  REQUIRE(wait_for_records(ann.account.member_id, 1) >= 1);
  const int ann_before = records_of(ann.account.member_id);
  const int ben_before = wait_for_records(ben.account.member_id, 1);

  // Ann's erasure has begun; the third id is an account already gone.
  const long long now = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch()).count();
  *db << "UPDATE members SET closes_at = :n, erasing_since = :n2 WHERE member_id = :m", soci::use(now),
      soci::use(now), soci::use(ann.account.member_id);
  const std::string gone = "00000000-0000-4000-8000-00000000dead";
  for (const auto& id : {ann.account.member_id, gone, ben.account.member_id}) {
    const std::string payload = json{{"member_id", id}, {"session_id", "late-" + id.substr(0, 8)},
                                     {"ip", "127.0.0.1"}, {"user_agent", "Late/1.0"}}.dump();
    *db << "INSERT INTO events (type, payload, occurred_at) VALUES ('session.created', :p, :t)", soci::use(payload),
        soci::use(now);
  }
  // A sign-in of Ben's wakes the bus (the rows above went in behind its back).
  sign_in(daemon, ben.account);
  CHECK(wait_for_records(ben.account.member_id, ben_before + 2) == ben_before + 2);
  CHECK(records_of(ann.account.member_id) == ann_before);
  CHECK(records_of(gone) == 0);
}

TEST_CASE("no account closes while an enabled plugin is not serving, and it closes once the plugin is back",
          "[member-data][closure]") {
  DaemonProcess daemon(with_member_data("sqlite", {"accounts.closure_grace=1s", "retention.interval=1s"}));
  auto leaving = joined_and_stepped_up(daemon, "una@example.com");
  leave_traces(daemon, leaving.session.token, "Greetings from Una");
  REQUIRE_STATUS(daemon.unix_socket()->Post("/api/v1/admin/plugins/hello/unload"), 200);
  REQUIRE_STATUS(post_empty(daemon, "/api/v1/me/closure", bearer(leaving.session.token)), 202);
  auto listed = [&] {
    return !body_of(daemon.unix_socket()->Get("/api/v1/admin/members?q=una%40example.com"))["items"].empty();
  };
  // Her day passes, and several rounds with it: hello could not erase its
  // part (her greeting), so she stays, and so does the greeting.
  std::this_thread::sleep_for(std::chrono::seconds(4));
  CHECK(listed());
  CHECK_FALSE(rows_naming(daemon, leaving.account.member_id).empty());
  CHECK(daemon.output().find("closing accounts waits") != std::string::npos);

  REQUIRE_STATUS(daemon.unix_socket()->Post("/api/v1/admin/plugins/hello/reload"), 200);
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {
    gone = !listed();
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  REQUIRE(gone);
  CHECK(rows_naming(daemon, leaving.account.member_id) == std::vector<std::string>{});
}
