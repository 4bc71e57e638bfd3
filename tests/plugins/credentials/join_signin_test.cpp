// The credentials plugin: joining, signing in and out, cookies and CSRF,
// concurrency, the per-address limit, and hot swaps under load.
#include "support/credentials_client.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

using memberd::test::DaemonProcess;
using namespace memberd::test::credentials;
using nlohmann::json;

TEST_CASE("join, sign in, GET /me, sign out", "[credentials][join]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess daemon(options(backend));

  // Emails are trimmed and compared without regard to case, the confirmation too.
  auto joined = join_raw(daemon, " Ann@Example.com ", "ann@example.com", kPassword, kPassword);
  REQUIRE_STATUS(joined, 201);
  auto member_id = body_of(joined)["member_id"];
  REQUIRE(member_id.is_string());
  REQUIRE_FALSE(member_id.get<std::string>().empty());

  auto first = sign_in_raw(daemon, "ANN@example.com", kPassword);
  REQUIRE_STATUS(first, 201);
  auto body = body_of(first);
  std::string token = body["token"].get<std::string>();
  CHECK(token.size() >= 40);
  CHECK(body["csrf_token"].is_string());
  CHECK_FALSE(body["csrf_token"].get<std::string>().empty());
  CHECK(body["member_id"] == member_id);
  CHECK(body["last_sign_in"].is_null());
  REQUIRE(is_rfc3339(body["expires_at"]));
  CHECK(*parse_rfc3339(body["expires_at"].get<std::string>()) > std::chrono::system_clock::now());

  // Browsers get the session as cookies.
  std::string session_cookie = set_cookie_header(first, "memberd_session");
  std::string csrf_cookie = set_cookie_header(first, "memberd_csrf");
  CHECK(cookie_value(first, "memberd_session") == token);
  CHECK(session_cookie.find("HttpOnly") != std::string::npos);
  CHECK(session_cookie.find("SameSite=Strict") != std::string::npos);
  CHECK(cookie_value(first, "memberd_csrf") == body["csrf_token"].get<std::string>());
  CHECK(csrf_cookie.find("HttpOnly") == std::string::npos);  // the page's script reads it

  auto profile = me(daemon, token);
  CHECK(profile["member_id"] == member_id);
  CHECK(profile["email"] == "ann@example.com");
  CHECK(profile["roles"] == json::array());
  CHECK(profile["security_question_set"] == false);
  CHECK(is_rfc3339(profile["created_at"]));

  // The next sign-in tells of the one before: when, from where, with what.
  auto second = sign_in(daemon, "ann@example.com", kPassword);
  CHECK(second.token != token);
  const auto& last = second.body["last_sign_in"];
  REQUIRE(last.is_object());
  CHECK(is_rfc3339(last["at"]));
  CHECK(last["ip"] == "127.0.0.1");
  CHECK(last["location"]["label"] == "Unknown");  // loopback; and no GeoIP database here
  CHECK(last["anonymous_proxy"] == false);
  CHECK(last["user_agent"].is_string());

  CHECK_STATUS(del(daemon, "/api/v1/session", bearer(token)), 204);
  CHECK_PROBLEM(me_raw(daemon, token), 401, "unauthenticated");
  // Only that session ended.
  CHECK(me(daemon, second.token)["email"] == "ann@example.com");
  CHECK_PROBLEM(get(daemon, "/api/v1/me"), 401, "unauthenticated");

  check_log_has_none_of(daemon, {kPassword, token, second.token, second.csrf_token});
}

TEST_CASE("join refuses invalid emails and mismatched confirmations", "[credentials][join]") {
  DaemonProcess daemon(options());

  CHECK_FIELD_ERROR(join_raw(daemon, "not-an-email", "not-an-email", kPassword, kPassword), "email");
  CHECK_FIELD_ERROR(join_raw(daemon, "bea@example.com", "bea@example.org", kPassword, kPassword), "email_confirm");
  CHECK_FIELD_ERROR(join_raw(daemon, "bea@example.com", "bea@example.com", kPassword, kNewPassword),
                    "password_confirm");

  // Several problems at once: one entry each.
  auto many = join_raw(daemon, "not-an-email", "other", "short", "shorter");
  REQUIRE_STATUS(many, 422);
  auto errors = body_of(many)["errors"];
  CHECK(errors.contains("email"));
  CHECK(errors.contains("email_confirm"));
  CHECK(errors.contains("password"));
  CHECK(errors.contains("password_confirm"));

  auto empty = post(daemon, "/api/v1/members", json::object());
  REQUIRE_STATUS(empty, 422);
  CHECK(body_of(empty)["errors"].contains("email"));
  CHECK(body_of(empty)["errors"].contains("password"));

  // The refusals created nobody: the address is still free.
  join(daemon, "bea@example.com");
}

TEST_CASE("join refuses weak passwords", "[credentials][join][password_policy]") {
  DaemonProcess daemon(options());
  auto weak = [&](const std::string& email, const std::string& password) {
    return join_raw(daemon, email, email, password, password);
  };

  SECTION("shorter than 12 characters") {
    CHECK_FIELD_ERROR(weak("cid@example.com", "short pass1"), "password");  // 11
  }
  SECTION("on the common-password list") {
    // Both are in /usr/share/dict/cracklib-small and long enough.
    CHECK_FIELD_ERROR(weak("cid@example.com", "administrator"), "password");
    CHECK_FIELD_ERROR(weak("cid@example.com", "characteristic"), "password");
  }
  SECTION("containing the email's local part") {
    CHECK_FIELD_ERROR(weak("marguerite@example.com", "xx-marguerite-2024-zz"), "password");
    CHECK_FIELD_ERROR(weak("marguerite@example.com", "marguerite"), "password");
    join(daemon, "marguerite@example.com");  // nothing was created by the refusals
  }
  SECTION("longer than 256 characters") {
    std::string phrase = "the quick brown fox jumps over the lazy dog 0123456789 ";
    std::string longest;
    while (longest.size() < 256) longest += phrase;
    longest.resize(256);
    CHECK_FIELD_ERROR(weak("maxlen@example.com", longest + "x"), "password");
    CHECK_STATUS(weak("maxlen@example.com", longest), 201);
  }
  SECTION("lengths count characters, not bytes") {
    // 11 characters in 22 bytes are too short; 12 distinct ones are enough.
    CHECK_FIELD_ERROR(weak("utf@example.com", "üöäßéèàçñøå"), "password");
    CHECK_STATUS(weak("utf@example.com", "üöäßéèàçñøåæ"), 201);
  }
}

TEST_CASE("the minimum length comes from the config, the list still applies", "[credentials][join][password_policy]") {
  // NIST SP 800-63B sets 8 as the floor; the plugin refuses a lower setting.
  DaemonProcess daemon(options("sqlite", {"passwords.min_length=8"}));
  for (const char* common : {"password", "letmein", "qwerty"}) {
    INFO(common);
    CHECK_FIELD_ERROR(join_raw(daemon, "dee@example.com", "dee@example.com", common, common), "password");
  }
  CHECK_FIELD_ERROR(join_raw(daemon, "dee@example.com", "dee@example.com", "vq7-L", "vq7-L"), "password");
  // Eight characters, not on the list: fine under this config.
  auto ok = join_raw(daemon, "dee@example.com", "dee@example.com", "vq7-Lm2x", "vq7-Lm2x");
  CHECK_STATUS(ok, 201);
  CHECK_STATUS(sign_in_raw(daemon, "dee@example.com", "vq7-Lm2x"), 201);
}

TEST_CASE("joining with a taken email is a conflict, whatever its case", "[credentials][join]") {
  DaemonProcess daemon(options());
  join(daemon, "eve@example.com");
  CHECK_PROBLEM(join_raw(daemon, " EVE@Example.COM", "eve@example.com", kNewPassword, kNewPassword), 409,
                "email_taken");
  // Members made by the core count too (the bootstrap admin).
  CHECK_PROBLEM(join_raw(daemon, "Admin@memberd.local", "admin@memberd.local", kNewPassword, kNewPassword), 409,
                "email_taken");
  // The first member keeps the password they chose.
  CHECK_STATUS(sign_in_raw(daemon, "eve@example.com", kPassword), 201);
  CHECK_PROBLEM(sign_in_raw(daemon, "eve@example.com", kNewPassword), 401, "bad_credentials");
}

TEST_CASE("a wrong password and an unknown email get the same 401", "[credentials][sign_in]") {
  DaemonProcess daemon(options());
  join(daemon, "fay@example.com");
  auto wrong = sign_in_raw(daemon, "fay@example.com", kWrongPassword);
  auto unknown = sign_in_raw(daemon, "nobody@example.com", kWrongPassword);
  CHECK_PROBLEM(wrong, 401, "bad_credentials");
  CHECK_PROBLEM(unknown, 401, "bad_credentials");
  REQUIRE(wrong);
  REQUIRE(unknown);
  CHECK(wrong->body == unknown->body);
  CHECK(set_cookie_header(wrong, "memberd_session").empty());
  check_log_has_none_of(daemon, {kPassword, kWrongPassword});
}

TEST_CASE("a cookie-authenticated sign-out needs the CSRF token", "[credentials][sign_in][csrf]") {
  DaemonProcess daemon(options());
  join(daemon, "gus@example.com");
  auto s = sign_in(daemon, "gus@example.com", kPassword);
  REQUIRE_FALSE(s.session_cookie.empty());
  REQUIRE_FALSE(s.csrf_cookie.empty());
  httplib::Headers cookies{{"Cookie", "memberd_session=" + s.session_cookie + "; memberd_csrf=" + s.csrf_cookie}};

  // Reads need no CSRF token.
  CHECK(body_of(get(daemon, "/api/v1/me", cookies))["email"] == "gus@example.com");

  CHECK_PROBLEM(del(daemon, "/api/v1/session", cookies), 403, "csrf");
  auto forged = cookies;
  forged.emplace("X-CSRF-Token", "forged-value");
  CHECK_PROBLEM(del(daemon, "/api/v1/session", forged), 403, "csrf");
  // The refused sign-outs ended nothing.
  CHECK_STATUS(get(daemon, "/api/v1/me", cookies), 200);

  auto proper = cookies;
  proper.emplace("X-CSRF-Token", s.csrf_cookie);
  CHECK_STATUS(del(daemon, "/api/v1/session", proper), 204);
  CHECK_PROBLEM(get(daemon, "/api/v1/me", cookies), 401, "unauthenticated");
  CHECK_PROBLEM(me_raw(daemon, s.token), 401, "unauthenticated");
}

TEST_CASE("eight concurrent sign-ins of one member all succeed", "[credentials][sign_in][concurrency]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess daemon(options(backend));
  join(daemon, "hal@example.com");

  constexpr int n = 8;
  std::vector<int> statuses(n, 0);
  std::vector<std::string> tokens(n), failures(n);
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      auto http = daemon.http();
      while (!go) std::this_thread::yield();
      auto res = http->Post("/api/v1/session", json{{"email", "hal@example.com"}, {"password", kPassword}}.dump(),
                            "application/json");
      statuses[i] = status_of(res);
      failures[i] = describe(res);
      auto body = body_of(res);
      if (body.is_object() && body.contains("token") && body["token"].is_string())
        tokens[i] = body["token"].get<std::string>();
    });
  }
  go = true;
  for (auto& t : threads) t.join();

  std::set<std::string> distinct;
  for (int i = 0; i < n; ++i) {
    INFO("sign-in " << i << ": " << failures[i]);
    CHECK(statuses[i] == 201);
    CHECK_FALSE(tokens[i].empty());
    distinct.insert(tokens[i]);
  }
  CHECK(distinct.size() == static_cast<std::size_t>(n));
  // Every one of them is a working session.
  for (const auto& token : tokens)
    if (!token.empty()) CHECK_STATUS(me_raw(daemon, token), 200);
}

TEST_CASE("failed sign-ins are limited per client address", "[credentials][sign_in][rate_limit]") {
  DaemonProcess daemon(options("sqlite", {"credentials.address_failures_per_minute=3"}));
  join(daemon, "ida@example.com");
  // Failures spread over several (unknown) accounts: no account lock is involved.
  for (int i = 0; i < 3; ++i)
    CHECK_PROBLEM(sign_in_raw(daemon, "ghost" + std::to_string(i) + "@example.com", kWrongPassword), 401,
                  "bad_credentials");
  auto limited = sign_in_raw(daemon, "ghost9@example.com", kWrongPassword);
  CHECK_PROBLEM(limited, 429, "rate_limited");
  CHECK(retry_after(limited) >= 1);
  CHECK(retry_after(limited) <= 60);
  CHECK_PROBLEM(sign_in_raw(daemon, "ida@example.com", kWrongPassword), 429, "rate_limited");
}

TEST_CASE("hot swaps while members sign in and read /me fail no request", "[credentials][hot_swap]") {
  DaemonProcess daemon(options("sqlite", {"http.threads=16"}));
  join(daemon, "ivy@example.com");

  auto plugin_entry = [&]() {
    auto list = body_of(daemon.unix_socket()->Get("/api/v1/admin/plugins"));
    for (const auto& p : list)
      if (p["name"] == "credentials") return p;
    FAIL("no credentials plugin in " << list.dump());
    return json();
  };
  auto before = plugin_entry();
  REQUIRE(before["state"] == "loaded");

  std::atomic<bool> stop{false};
  std::atomic<int> ok{0}, failed{0}, sign_ins{0}, reads{0};
  std::mutex failure_mutex;
  std::string first_failure;
  auto record_failure = [&](const char* what, const httplib::Result& res) {
    ++failed;
    std::lock_guard lock(failure_mutex);
    if (first_failure.empty()) first_failure = std::string(what) + ": " + describe(res);
  };
  std::vector<std::thread> clients;
  for (int i = 0; i < 4; ++i) {
    clients.emplace_back([&] {
      auto http = daemon.http();
      std::string token;
      while (!stop) {
        auto signed_in = http->Post("/api/v1/session",
                                    json{{"email", "ivy@example.com"}, {"password", kPassword}}.dump(),
                                    "application/json");
        if (status_of(signed_in) == 201) {
          ++ok;
          ++sign_ins;
          auto body = body_of(signed_in);
          if (body.is_object() && body["token"].is_string()) token = body["token"].get<std::string>();
        } else {
          record_failure("POST /api/v1/session", signed_in);
        }
        for (int j = 0; j < 3 && !stop; ++j) {
          auto read = http->Get("/api/v1/me", bearer(token));
          if (status_of(read) == 200 && body_of(read)["email"] == "ivy@example.com") {
            ++ok;
            ++reads;
          } else {
            record_failure("GET /api/v1/me", read);
          }
        }
      }
    });
  }

  auto socket = daemon.unix_socket();
  std::vector<std::string> reload_failures;
  for (int i = 0; i < 10; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    auto res = socket->Post("/api/v1/admin/plugins/credentials/reload", std::string(), "application/json");
    if (status_of(res) != 200) reload_failures.push_back(describe(res));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  stop = true;
  for (auto& t : clients) t.join();

  INFO("reload failures: " << reload_failures.size() << (reload_failures.empty() ? "" : " " + reload_failures[0]));
  CHECK(reload_failures.empty());
  INFO("first failed request: " << first_failure);
  CHECK(failed == 0);
  CHECK(sign_ins > 10);
  CHECK(reads > 10);
  auto after = plugin_entry();
  CHECK(after["state"] == "loaded");
  CHECK(after["last_error"].is_null());
  CHECK(after["generation"].get<long long>() == before["generation"].get<long long>() + 10);
  // Still serving after the last swap.
  CHECK_STATUS(sign_in_raw(daemon, "ivy@example.com", kPassword), 201);
}

TEST_CASE("joins are limited per client network, taken addresses included", "[credentials][join][rate_limit]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess daemon(options(backend, {"credentials.joins_per_network_per_hour=3"}));
  join(daemon, "jay@example.com");
  // Probing for registered addresses costs the same budget as joining.
  CHECK_PROBLEM(join_raw(daemon, "jay@example.com", "jay@example.com", kPassword, kPassword), 409, "email_taken");
  join(daemon, "kay@example.com");
  auto limited = join_raw(daemon, "lee@example.com", "lee@example.com", kPassword, kPassword);
  CHECK_PROBLEM(limited, 429, "rate_limited");
  CHECK(retry_after(limited) >= 1);
  CHECK(retry_after(limited) <= 3600);
  // Nothing was created for the refused join, and the probe learns nothing more.
  CHECK_PROBLEM(join_raw(daemon, "jay@example.com", "jay@example.com", kPassword, kPassword), 429, "rate_limited");
  CHECK(sign_in_raw(daemon, "lee@example.com", kPassword)->status == 401);
  // A form with mistakes is answered without counting (it never reached the check).
  CHECK_PROBLEM(join_raw(daemon, "not-an-email", "not-an-email", kPassword, kPassword), 422, "validation");
}

TEST_CASE("failed sign-ins with huge emails store nothing of their size", "[credentials][sign_in][security]") {
  // Before SDK 2 each failure kept "account:<the whole email>" as a counter
  // key: 900 KB "emails" grew the database by megabytes. Keys are now
  // bounded (hashed past 200 bytes), no event carries the email, and an
  // address longer than any valid one (254 octets) is refused at once.
  DaemonProcess daemon(options("sqlite", {"credentials.address_failures_per_minute=1000"}));
  join(daemon, "size@example.com");
  auto db_bytes = [&] {
    std::uintmax_t total = 0;
    for (const char* suffix : {"", "-wal"}) {
      std::error_code ec;
      auto size = std::filesystem::file_size(daemon.data_dir() + "/memberd.db" + suffix, ec);
      if (!ec) total += size;
    }
    return total;
  };
  // The same ten failures with ordinary addresses say what a failure costs
  // (WAL pages of its counters and its event); huge ones may cost no more.
  auto start = db_bytes();
  for (int i = 0; i < 10; ++i)
    CHECK_PROBLEM(sign_in_raw(daemon, "ghost" + std::to_string(i) + "@example.com", kWrongPassword), 401,
                  "bad_credentials");
  auto ordinary = db_bytes() - start;
  start = db_bytes();
  for (int i = 0; i < 10; ++i) {
    std::string huge = std::string(800 * 1024, static_cast<char>('a' + i)) + "@example.com";
    auto refused = sign_in_raw(daemon, huge, kWrongPassword);
    CHECK_PROBLEM(refused, 422, "validation");
    CHECK(has_field_error(body_of(refused), "email"));
  }
  // A password longer than any the policy allows is refused before hashing.
  auto long_password = sign_in_raw(daemon, "size@example.com", std::string(2000, 'p'));
  CHECK_PROBLEM(long_password, 422, "validation");
  CHECK(has_field_error(body_of(long_password), "password"));
  auto grown = db_bytes() - start;
  INFO("ten ordinary failures grew the database by " << ordinary << " bytes, ten with 800 KB emails by " << grown);
  CHECK(grown < ordinary + 128 * 1024);
}

TEST_CASE("one address however it is typed: Unicode case, composition and IDNA", "[credentials][join][email]") {
  DaemonProcess daemon(options());
  // "ÜNÏ@exämple.com" joins; "ünï@exämple.com" is the same account.
  join(daemon, "\xC3\x9CN\xC3\x8F@ex\xC3\xA4mple.com");
  CHECK_PROBLEM(join_raw(daemon, "\xC3\xBCn\xC3\xAF@ex\xC3\xA4mple.com", "\xC3\xBCn\xC3\xAF@ex\xC3\xA4mple.com",
                         kPassword, kPassword),
                409, "email_taken");
  CHECK_STATUS(sign_in_raw(daemon, "\xC3\xBCn\xC3\xAF@ex\xC3\xA4mple.com", kPassword), 201);
  CHECK_STATUS(sign_in_raw(daemon, "u\xCC\x88n\xC3\xAF@xn--exmple-cua.com", kPassword), 201);
  CHECK_PROBLEM(sign_in_raw(daemon, "unu@ex\xC3\xA4mple.com", kPassword), 401, "bad_credentials");
}
