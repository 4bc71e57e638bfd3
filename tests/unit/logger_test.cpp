#include "log/logger.hpp"

#include "log_capture.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

using memberd::ComponentLogger;
using memberd::LogFormat;
using memberd::LogLevel;
using memberd::LogSink;

namespace {

// 2026-11-29T12:17:00.123Z
std::chrono::system_clock::time_point fixed_time() {
  using namespace std::chrono;
  return sys_days{year{2026} / November / 29} + hours{12} + minutes{17} + milliseconds{123};
}

using Capture = memberd::test::LogCapture;

LogSink text_sink(Capture& c, LogLevel level = LogLevel::debug) {
  return LogSink(level, LogFormat::text, c.file, fixed_time);
}

}  // namespace

TEST_CASE("text lines have timestamp, padded level, component, message and fields") {
  Capture c;
  LogSink sink(LogLevel::debug, LogFormat::text, c.file, fixed_time);
  sink.write(LogLevel::info, "http", "listening", {{"addr", "127.0.0.1:8080"}, {"tls", "off"}});
  sink.write(LogLevel::error, "db", "query failed", {{"error", "database is locked"}});
  sink.write(LogLevel::debug, "x", "d");
  sink.write(LogLevel::warn, "x", "w");
  CHECK(c.text() ==
        "2026-11-29T12:17:00.123Z INFO  [http] listening addr=127.0.0.1:8080 tls=off\n"
        "2026-11-29T12:17:00.123Z ERROR [db] query failed error=\"database is locked\"\n"
        "2026-11-29T12:17:00.123Z DEBUG [x] d\n"
        "2026-11-29T12:17:00.123Z WARN  [x] w\n");
}

TEST_CASE("the threshold drops lower levels and can change at run time") {
  Capture c;
  LogSink sink(LogLevel::warn, LogFormat::text, c.file, fixed_time);
  CHECK_FALSE(sink.enabled(LogLevel::info));
  CHECK(sink.enabled(LogLevel::error));
  sink.write(LogLevel::debug, "a", "no");
  sink.write(LogLevel::info, "a", "no");
  sink.write(LogLevel::warn, "a", "yes");
  sink.set_level(LogLevel::debug);
  CHECK(sink.level() == LogLevel::debug);
  sink.write(LogLevel::debug, "a", "now yes");
  CHECK(c.text() ==
        "2026-11-29T12:17:00.123Z WARN  [a] yes\n"
        "2026-11-29T12:17:00.123Z DEBUG [a] now yes\n");
}

TEST_CASE("text values are quoted and escaped, no raw newline ever") {
  Capture c;
  auto sink = text_sink(c);
  sink.write(LogLevel::info, "c\nd", "line1\nline2\r\tend\x01 back\\slash",
             {{"empty", ""},
              {"space", "a b"},
              {"quote", "say \"hi\""},
              {"eq", "a=b"},
              {"bs", "C:\\dir"},
              {"nl", "x\ny"},
              {"utf8", "Zürich"},
              {"bad_utf8", "\xff\xfe"},
              {"nel", "a\xc2\x85" "b"},
              {"k e=y", "v"}});
  const std::string out = c.text();
  CHECK(out ==
        "2026-11-29T12:17:00.123Z INFO  [c\\nd] line1\\nline2\\r\\tend\\u0001 back\\slash"
        " empty=\"\" space=\"a b\" quote=\"say \\\"hi\\\"\" eq=\"a=b\" bs=\"C:\\\\dir\" nl=\"x\\ny\""
        " utf8=Zürich bad_utf8=\"\\xff\\xfe\" nel=\"a\\u0085b\" k_e_y=v\n");
  CHECK(out.find('\n') == out.size() - 1);
  CHECK(out.find('\r') == std::string::npos);
}

TEST_CASE("json lines are one valid object each, with escaping") {
  Capture c;
  LogSink sink(LogLevel::info, LogFormat::json, c.file, fixed_time);
  sink.write(LogLevel::warn, "credentials", "sign-in \"failed\"\n",
             {{"email", "a@b.example"}, {"ip", "203.0.113.9"}, {"msg", "shadow"}, {"path", "C:\\x"}, {"bad", "\xc3"},
              {"ctl", "\x1f\x7f"}, {"sep", "\xe2\x80\xa8"}, {"ok", "日本"}});
  CHECK(c.text() ==
        R"({"ts":"2026-11-29T12:17:00.123Z","level":"warn","component":"credentials","msg":"sign-in \"failed\"\n",)"
        R"("email":"a@b.example","ip":"203.0.113.9","_msg":"shadow","path":"C:\\x","bad":"\ufffd",)"
        R"("ctl":"\u001f\u007f","sep":"\u2028","ok":"日本"})"
        "\n");
}

TEST_CASE("json levels are lower case") {
  Capture c;
  LogSink sink(LogLevel::debug, LogFormat::json, c.file, fixed_time);
  sink.write(LogLevel::debug, "a", "1");
  sink.write(LogLevel::error, "a", "2");
  const std::string out = c.text();
  CHECK(out.find(R"("level":"debug")") != std::string::npos);
  CHECK(out.find(R"("level":"error")") != std::string::npos);
}

TEST_CASE("sensitive fields are redacted in both formats") {
  for (LogFormat format : {LogFormat::text, LogFormat::json}) {
    Capture c;
    LogSink sink(LogLevel::debug, format, c.file, fixed_time);
    sink.write(LogLevel::info, "auth", "attempt",
               {{"Password", "hunter2"},
                {"new_password", "hunter3"},
                {"client_secret", "s1"},
                {"session_token", "t1"},
                {"security_answer", "fluffy"},
                {"Authorization", "Bearer abc"},
                {"Set-Cookie", "sid=xyz"},
                {"db_passwd", "pw"},
                {"member_id", "m-1"}});
    const std::string out = c.text();
    INFO(out);
    for (const char* secret : {"hunter2", "hunter3", "s1\"", "=s1", "t1", "fluffy", "Bearer", "sid=xyz", "\"pw\"", "=pw"}) {
      CHECK(out.find(secret) == std::string::npos);
    }
    CHECK(out.find("m-1") != std::string::npos);
    if (format == LogFormat::text) {
      CHECK(out.find("Password=[redacted]") != std::string::npos);
      CHECK(out.find("Set-Cookie=[redacted]") != std::string::npos);
    } else {
      CHECK(out.find(R"("Password":"[redacted]")") != std::string::npos);
      CHECK(out.find(R"("security_answer":"[redacted]")") != std::string::npos);
    }
  }
  CHECK(memberd::is_sensitive_key("X-CSRF-TOKEN"));
  CHECK_FALSE(memberd::is_sensitive_key("request_id"));
}

TEST_CASE("long messages and values are cut, and say so") {
  Capture c;
  auto sink = text_sink(c);
  sink.write(LogLevel::info, "x", std::string(100000, 'm'), {{"ua", std::string(100000, 'u')}});
  const std::string out = c.text();
  CHECK(out.size() < 12000);
  CHECK(out.find("m...[truncated] ua=\"u") != std::string::npos);
  CHECK(out.find("u...[truncated]\"\n") != std::string::npos);
}

TEST_CASE("ComponentLogger tags lines with its component") {
  Capture c;
  LogSink sink(LogLevel::info, LogFormat::text, c.file, fixed_time);
  ComponentLogger logger(sink, "photo");
  memberd::Logger& as_sdk = logger;
  as_sdk.info("stored", {{"bytes", "1234"}});
  as_sdk.debug("hidden");
  as_sdk.error("failed");
  CHECK(logger.component() == "photo");
  CHECK(c.text() ==
        "2026-11-29T12:17:00.123Z INFO  [photo] stored bytes=1234\n"
        "2026-11-29T12:17:00.123Z ERROR [photo] failed\n");
}

TEST_CASE("lines from many threads never interleave") {
  Capture c;
  LogSink sink(LogLevel::info, LogFormat::json, c.file, fixed_time);
  constexpr int threads = 4, per_thread = 500;
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        sink.write(LogLevel::info, "t" + std::to_string(t), std::string(200, char('a' + t)), {{"i", std::to_string(i)}});
      }
    });
  }
  for (auto& t : pool) t.join();
  const std::string out = c.text();
  std::size_t lines = 0, start = 0;
  bool all_whole = true;
  for (std::size_t nl; (nl = out.find('\n', start)) != std::string::npos; start = nl + 1) {
    const std::string line = out.substr(start, nl - start);
    ++lines;
    const bool whole = line.rfind("{\"ts\":", 0) == 0 && line.back() == '}' && line.find("{\"ts\":", 1) == std::string::npos;
    all_whole = all_whole && whole;
  }
  CHECK(all_whole);
  CHECK(lines == threads * per_thread);
}

TEST_CASE("real clock timestamps have milliseconds and a Z") {
  Capture c;
  LogSink sink(LogLevel::info, LogFormat::text, c.file);
  sink.write(LogLevel::info, "x", "y");
  const std::string out = c.text();
  REQUIRE(out.size() > 25);
  CHECK(out[4] == '-');
  CHECK(out[10] == 'T');
  CHECK(out[19] == '.');
  CHECK(out[23] == 'Z');
  CHECK(out.substr(24, 8) == " INFO  [");
}

TEST_CASE("parse_log_level and parse_log_format") {
  CHECK(memberd::parse_log_level("debug") == LogLevel::debug);
  CHECK(memberd::parse_log_level("info") == LogLevel::info);
  CHECK(memberd::parse_log_level("warn") == LogLevel::warn);
  CHECK(memberd::parse_log_level("warning") == LogLevel::warn);
  CHECK(memberd::parse_log_level("error") == LogLevel::error);
  CHECK_FALSE(memberd::parse_log_level("INFO"));
  CHECK_FALSE(memberd::parse_log_level("verbose"));
  CHECK(memberd::parse_log_format("text") == LogFormat::text);
  CHECK(memberd::parse_log_format("json") == LogFormat::json);
  CHECK_FALSE(memberd::parse_log_format("yaml"));
}
