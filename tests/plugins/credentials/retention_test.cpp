// What the stores keep, and for how long (issue 8, item 5): delivered mail
// keeps no body, old mail rows, expired tokens and stale trusted devices are
// deleted. The rows are aged in the database between two daemons on one
// state; the second daemon's housekeeping (within seconds of its start) or
// its next token does the rest.
#include "support/credentials_client.hpp"

#include <catch2/catch.hpp>
#include <soci/soci.h>

#include <thread>

using memberd::test::DaemonProcess;
using namespace memberd::test::credentials;

namespace {

long long count(soci::session& sql, const std::string& query) {
  long long n = -1;
  sql << query, soci::into(n);
  return n;
}

// Polls `query` until it counts `expected` or a few housekeeping rounds passed.
long long eventually(const KeptState& state, const std::string& query, long long expected) {
  long long n = -1;
  for (int i = 0; i < 100 && n != expected; ++i) {
    if (i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    n = count(*state.open(), query);
  }
  return n;
}

}  // namespace

TEST_CASE("mail bodies, old mail, expired tokens and stale devices do not stay", "[credentials][retention][storage]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  KeptState state(backend);
  {
    DaemonProcess first(state.options());
    join(first, "pia@example.com");
    sign_in(first, "pia@example.com", kPassword);
    reset_token(first, "pia@example.com", "pia@example.com");
    // Delivered: the reset link is gone from the outbox at once.
    CHECK(eventually(state, "SELECT COUNT(*) FROM mail_outbox WHERE status <> 'sent'", 0) == 0);
    CHECK(count(*state.open(), "SELECT COUNT(*) FROM mail_outbox WHERE body_text <> '' OR body_html <> ''") == 0);
  }
  {
    auto sql = state.open();
    REQUIRE(count(*sql, "SELECT COUNT(*) FROM mail_outbox") >= 2);  // welcome, reset
    REQUIRE(count(*sql, "SELECT COUNT(*) FROM trusted_devices") == 1);
    // The welcome mail's confirmation link and the reset link.
    REQUIRE(count(*sql, "SELECT COUNT(*) FROM credentials_tokens") == 2);
    // Thirty-one days later, as far as the rows can tell.
    long long month_ago = std::chrono::duration_cast<std::chrono::seconds>(
                              std::chrono::system_clock::now().time_since_epoch()).count() - 31 * 86400;
    *sql << "UPDATE mail_outbox SET created_at = :t, finished_at = :t2", soci::use(month_ago), soci::use(month_ago);
    *sql << "UPDATE credentials_tokens SET created_at = :t, expires_at = :t2", soci::use(month_ago),
        soci::use(month_ago);
    long long half_year_ago = month_ago - 160 * 86400;
    *sql << "UPDATE trusted_devices SET last_used_at = :t", soci::use(half_year_ago);
  }
  DaemonProcess second(state.options());
  CHECK(eventually(state, "SELECT COUNT(*) FROM mail_outbox", 0) == 0);
  CHECK(eventually(state, "SELECT COUNT(*) FROM trusted_devices", 0) == 0);
  // The next token issued sweeps the expired ones, whoever they were for.
  join(second, "quin@example.com");
  reset_token(second, "quin@example.com", "quin@example.com");
  // Left: the new member's confirmation link and reset link.
  CHECK(count(*state.open(), "SELECT COUNT(*) FROM credentials_tokens") == 2);
  // What was just sent stays (for support questions) until its own month is up.
  CHECK(eventually(state, "SELECT COUNT(*) FROM mail_outbox WHERE status = 'sent'", 2) == 2);
}

TEST_CASE("a client's oversized User-Agent is stored bounded", "[credentials][retention][security]") {
  KeptState state("sqlite");
  DaemonProcess daemon(state.options({kNoAddressLimit}));
  join(daemon, "ray@example.com");
  httplib::Headers agent{{"User-Agent", std::string(7000, 'U')}};
  CHECK_PROBLEM(post(daemon, "/api/v1/session", {{"email", "ray@example.com"}, {"password", kWrongPassword}}, agent),
                401, "bad_credentials");
  CHECK_STATUS(post(daemon, "/api/v1/session", {{"email", "ray@example.com"}, {"password", kPassword}}, agent), 201);
  auto sql = state.open();
  CHECK(count(*sql, "SELECT COUNT(*) FROM events WHERE type = 'signin.failed'") == 1);
  CHECK(count(*sql, "SELECT MAX(LENGTH(payload)) FROM events WHERE type IN ('signin.failed', 'session.created')") < 1024);
  CHECK(count(*sql, "SELECT MAX(LENGTH(user_agent)) FROM sessions") == 512);
}
