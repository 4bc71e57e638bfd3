// The daemon's configuration: core keys, overrides, error reporting, and
// plugin sections validated against a schema.

#include "config/config_loader.hpp"
#include "config/describe_schema.hpp"
#include "config/duration.hpp"
#include "config/plugin_config.hpp"
#include "config/plugin_section.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <filesystem>
#include <fstream>

using namespace memberd;
using namespace std::chrono_literals;
using Catch::Matchers::Contains;

namespace {

// A YAML file in the temp directory, removed at the end of the test.
class TempFile {
 public:
  explicit TempFile(const std::string& text, const std::string& suffix = ".yaml") {
    static int counter = 0;
    path_ = (std::filesystem::temp_directory_path() /
             ("memberd_config_test_" + std::to_string(getpid()) + "_" + std::to_string(counter++) + suffix))
                .string();
    std::ofstream(path_) << text;
  }
  ~TempFile() { std::filesystem::remove(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The message of the ConfigError that `load` throws; fails the test if none.
template <class F>
std::string config_error_of(F&& load) {
  try {
    load();
  } catch (const ConfigError& e) {
    return e.what();
  }
  FAIL("expected a ConfigError");
  return {};
}

std::string error_of_yaml(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  TempFile file(yaml);
  std::string message = config_error_of([&] { load_config(file.path(), overrides); });
  // Tests compare without the temp directory.
  for (auto at = message.find(file.path()); at != std::string::npos; at = message.find(file.path())) {
    message.replace(at, file.path().size(), "cfg");
  }
  return message;
}

CoreConfig load_yaml(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  TempFile file(yaml);
  return load_config(file.path(), overrides);
}

}  // namespace

TEST_CASE("defaults are the documented values", "[config]") {
  const CoreConfig config;
  REQUIRE(config.http.listen == HostPort{"127.0.0.1", 8080});
  CHECK(config.http.max_body_bytes == 1048576);
  CHECK(config.http.max_header_bytes == 8192);
  CHECK(config.http.read_timeout == 10s);
  CHECK(config.http.threads == 128);
  CHECK(config.http.io_threads == 0);
  CHECK(config.http.worker_queue == 1024);
  CHECK(config.http.worker_concurrency == 0);
  CHECK(config.http.header_timeout == std::chrono::seconds(10));
  CHECK(config.http.max_connections == 10000);
  CHECK(config.socket.path == "run/memberd.sock");
  CHECK(config.socket.mode == 0660);
  CHECK(config.database.url == "sqlite:var/memberd.db");
  CHECK(config.database.busy_timeout == 5s);
  CHECK(config.plugins.watch_interval == 1s);
  CHECK(config.sessions.idle_timeout == 30min);
  CHECK(config.sessions.absolute_timeout == 12h);
  CHECK(config.sessions.cookie_secure == CookieSecure::automatic);
  CHECK(config.passwords.argon2_memory_kib == 19456);
  CHECK(config.mail.from == "memberd <no-reply@localhost>");
  CHECK(config.bootstrap.admin_email == "admin@memberd.local");
  CHECK(public_base_url(config.http) == "http://127.0.0.1:8080");

  CHECK(load_config("", {}) == config);
  CHECK(load_yaml("") == config);
  CHECK(load_yaml("# only a comment\n") == config);
}

TEST_CASE("the shipped etc/memberd.yaml loads to exactly the defaults", "[config]") {
  CoreConfig loaded = load_config(MEMBERD_SOURCE_DIR "/etc/memberd.yaml", {});
  CHECK(loaded.http == HttpConfig{});
  CHECK(loaded.socket == SocketConfig{});
  CHECK(loaded.database == DatabaseConfig{});
  // The one deliberate difference: the shipped file enables the plugins we build.
  CHECK(loaded.plugins.enabled ==
        std::vector<std::string>{"credentials", "profile", "photo", "security_level", "email_service", "two_step"});
  loaded.plugins.enabled.clear();
  CHECK(loaded.plugins == PluginsConfig{});
  CHECK(loaded.sessions == SessionsConfig{});
  CHECK(loaded.passwords == PasswordsConfig{});
  CHECK(loaded.mail == MailConfig{});
  // ...and documents the credentials, photo, profile, email_service and
  // two_step sections (the plugins check their values; two_step's names the
  // key file scripts/run.sh makes).
  CHECK(loaded.plugin_sections.size() == 5);
  CHECK(loaded.plugin_sections.count("two_step") == 1);
  CHECK(loaded.plugin_sections.count("credentials") == 1);
  CHECK(loaded.plugin_sections.count("photo") == 1);
  CHECK(loaded.plugin_sections.count("profile") == 1);
  CHECK(loaded.plugin_sections.count("email_service") == 1);
  loaded.plugin_sections.clear();
  CHECK(loaded == CoreConfig{});
}

TEST_CASE("values from the file are typed", "[config]") {
  const CoreConfig config = load_yaml(R"(
http:
  listen: "[::1]:9090"
  tls: {}
  read_timeout: 90
  trusted_proxies: [10.0.0.0/8, "fd00::/8", 192.168.1.7, "::1"]
socket:
  mode: 0600
database:
  url: postgresql://memberd@db/memberd
  busy_timeout: 250ms
log: {level: debug, format: json}
sessions: {idle_timeout: 1h, absolute_timeout: 7d, cookie_secure: always}
mail: {transport: "smtp://relay.example.org:25"}
)");
  REQUIRE(config.http.listen == HostPort{"::1", 9090});
  CHECK(public_base_url(config.http) == "http://[::1]:9090");
  CHECK(config.http.read_timeout == 90s);
  CHECK(config.http.trusted_proxies ==
        std::vector<std::string>{"10.0.0.0/8", "fd00::/8", "192.168.1.7", "::1"});
  CHECK(config.socket.mode == 0600);
  CHECK(config.database.url == "postgresql://memberd@db/memberd");
  CHECK(config.database.busy_timeout == 250ms);
  CHECK(config.log.level == LogLevel::debug);
  CHECK(config.log.format == LogFormat::json);
  CHECK(config.sessions.absolute_timeout == 7 * 24h);
  CHECK(config.sessions.cookie_secure == CookieSecure::always);
  CHECK(config.mail.transport == "smtp://relay.example.org:25");
}

TEST_CASE("socket.mode is read as octal digits, quoted or not", "[config]") {
  CHECK(load_yaml("socket: {mode: 0660}").socket.mode == 0660);
  CHECK(load_yaml("socket: {mode: 660}").socket.mode == 0660);
  CHECK(load_yaml("socket: {mode: '0640'}").socket.mode == 0640);
  CHECK(load_yaml("socket: {mode: 0o700}").socket.mode == 0700);
  CHECK_THAT(error_of_yaml("socket: {mode: 01777}"), Contains("is not an octal mode between 0 and 0777"));
  CHECK_THAT(error_of_yaml("socket: {mode: 0680}"), Contains("socket.mode: \"0680\" is not an octal mode"));
}

TEST_CASE("empty listen disables TCP, and then the socket is needed", "[config]") {
  CHECK_FALSE(load_yaml("http: {listen: ''}").http.listen.has_value());
  CHECK_FALSE(load_yaml("http:\n  listen:\n").http.listen.has_value());
  CHECK(error_of_yaml("http: {listen: ''}\nsocket: {path: ''}\n") ==
        "cfg:1:16: http.listen: is empty, and so is socket.path: the daemon would be unreachable");
  CHECK(config_error_of([] { load_config("", {"socket.path=", "http.listen="}); }) ==
        "--set http.listen: is empty, and so is socket.path: the daemon would be unreachable");
}

TEST_CASE("overrides replace values, lists included, and create maps", "[config]") {
  const CoreConfig config = load_yaml("http:\n  threads: 4\n  max_connections: 8\n",
                                      {"http.threads=6", "http.trusted_proxies=[127.0.0.1, '::1']",
                                       "plugins.enabled=[hello]", "hello.greeting=hi", "log.level=warn",
                                       "log.level=error"});
  CHECK(config.http.threads == 6);
  CHECK(config.http.max_connections == 8);  // untouched by the overrides
  CHECK(config.http.trusted_proxies == std::vector<std::string>{"127.0.0.1", "::1"});
  CHECK(config.plugins.enabled == std::vector<std::string>{"hello"});
  CHECK(config.log.level == LogLevel::error);  // the last override wins
  REQUIRE(config.plugin_sections.count("hello") == 1);
  CHECK(config.plugin_sections.at("hello")->node["greeting"].as<std::string>() == "hi");

  // No file: defaults plus overrides; an empty value is null, here "" (disabled).
  const CoreConfig bare = load_config("", {"socket.path=", "http.listen=\"[::1]:8081\""});
  CHECK(bare.socket.path.empty());
  CHECK(bare.http.listen == HostPort{"::1", 8081});
}

TEST_CASE("errors in overrides are located at --set", "[config]") {
  CHECK(config_error_of([] { load_config("", {"http.listen=abc"}); }) ==
        "--set http.listen: \"abc\" is not host:port (missing :port, as in 127.0.0.1:8080)");
  CHECK(config_error_of([] { load_config("", {"http={listen: abc}"}); }) ==
        "--set http: http.listen: \"abc\" is not host:port (missing :port, as in 127.0.0.1:8080)");
  CHECK(config_error_of([] { load_config("", {"http.listen"}); }) ==
        "--set http.listen: expected key.path=value");
  CHECK_THAT(config_error_of([] { load_config("", {"http.listen=[::1]:8080"}); }),
             Contains("--set http.listen: the value is not one YAML value; quote it"));
  // The defaults are not in the tree: data_dir.x creates a map, refused as data_dir.
  CHECK(config_error_of([] { load_config("", {"data_dir.x=1"}); }) ==
        "--set data_dir.x: data_dir: expected a string, got a map");
  CHECK(error_of_yaml("data_dir: var\n", {"data_dir.x=1"}) ==
        "--set data_dir.x: data_dir is \"var\", not a map: cannot set data_dir.x");
  CHECK(config_error_of([] { load_config("", {"nosuch.key=1"}); }) ==
        "--set nosuch.key: nosuch: unknown key \"nosuch\" (not an enabled plugin)");
}

TEST_CASE("malformed YAML is reported with the parser's line:column", "[config]") {
  CHECK(error_of_yaml("http:\n  listen: [1, 2\nsocket: {}\n") == "cfg:3:7: end of sequence flow not found");
  CHECK(error_of_yaml("a: 1\n---\nb: 2\n") == "cfg:3:1: only one YAML document is allowed");
  CHECK(error_of_yaml("- a\n- b\n") == "cfg:1:1: expected a map of sections, got a list");
  CHECK_THAT(config_error_of([] { load_config("/nonexistent/memberd.yaml", {}); }),
             Contains("/nonexistent/memberd.yaml: cannot read: No such file or directory"));
}

// Issue 26, F2: yaml-cpp's LoadAll yields empty documents forever on a
// lone ',' and `memberd --check-config` grew until the kernel killed it.
// These return at once, with an error, in bounded memory.
TEST_CASE("text the YAML parser cannot move past is an error, not a hang", "[config]") {
  CHECK(error_of_yaml(",") == "cfg:1:1: cannot read the text here (a stray ',', ']' or '}'?)");
  CHECK(error_of_yaml("http:\n  threads: 4\n,\n") == "cfg:3:1: end of map not found");
  CHECK(error_of_yaml("# settings\n\n  ,") == "cfg:3:3: cannot read the text here (a stray ',', ']' or '}'?)");
  CHECK_THAT(config_error_of([] { load_config("", {"http.listen=,"}); }),
             Contains("--set http.listen: the value is not one YAML value (cannot read the text here"));
  CHECK_THAT(config_error_of([] { load_config("", {"data_dir=,,,"}); }),
             Contains("--set data_dir: the value is not one YAML value"));
}

TEST_CASE("aliases are refused: they would expand exponentially", "[config]") {
  // Ten levels of ten aliases each: 10^10 leaves once expanded.
  std::string yaml = "x0: &a0 [v, v, v, v, v, v, v, v, v, v]\n";
  for (int level = 1; level <= 10; ++level) {
    std::string ref = "*a" + std::to_string(level - 1);
    yaml += "x" + std::to_string(level) + ": &a" + std::to_string(level) + " [";
    for (int i = 0; i < 10; ++i) yaml += (i ? ", " : "") + ref;
    yaml += "]\n";
  }
  CHECK(error_of_yaml(yaml) == "cfg:2:10: aliases (*name) are not supported here; write the value out");
  CHECK_THAT(config_error_of([] { load_config("", {"hello.x=[&a v, *a]"}); }), Contains("aliases (*name)"));
}

TEST_CASE("a config file larger than 1 MiB is refused without reading it all", "[config]") {
  std::string yaml = "# " + std::string(2 * 1024 * 1024, 'x') + "\n";
  CHECK(error_of_yaml(yaml) == "cfg: larger than 1024 KiB; a memberd config is a few KiB");
}

TEST_CASE("unknown keys are refused at every level", "[config]") {
  CHECK(error_of_yaml("http:\n  listen: 127.0.0.1:80\n  lisen: x\n") == "cfg:3:3: http.lisen: unknown key \"lisen\"");
  CHECK(error_of_yaml("http:\n  tls:\n    crt: a\n") == "cfg:3:5: http.tls.crt: unknown key \"crt\"");
  CHECK(error_of_yaml("\nfoo: 1\n") == "cfg:2:1: foo: unknown key \"foo\" (not an enabled plugin)");
  CHECK(error_of_yaml("log:\n  level: info\n  level: debug\n") == "cfg:3:3: log.level: duplicate key \"level\"");
}

TEST_CASE("values of the wrong type are refused", "[config]") {
  CHECK(error_of_yaml("http:\n  threads: many\n") == "cfg:2:12: http.threads: expected an integer, got \"many\"");
  CHECK(error_of_yaml("http:\n  threads: '8'\n") ==
        "cfg:2:12: http.threads: expected an integer, got the string \"8\"");
  CHECK(error_of_yaml("http:\n  listen: {host: a}\n") == "cfg:2:11: http.listen: expected a string, got a map");
  CHECK(error_of_yaml("http: 8080\n") == "cfg:1:7: http: expected a map, got \"8080\"");
  CHECK(error_of_yaml("passwords:\n  hashing_queue: -5\n") ==
        "cfg:2:18: passwords.hashing_queue: must be at least 1, got -5");
  CHECK(error_of_yaml("http:\n  max_body_bytes: 99999999999999999999\n") ==
        "cfg:2:19: http.max_body_bytes: \"99999999999999999999\" is out of range");
  CHECK(error_of_yaml("plugins:\n  watch: yes\n") == "cfg:2:10: plugins.watch: expected true or false, got \"yes\"");
  CHECK(error_of_yaml("log: {level: loud}\n") == "cfg:1:14: log.level: \"loud\" is not one of debug|info|warn|error");
  CHECK(error_of_yaml("http:\n  read_timeout: 1500ms\n") ==
        "cfg:2:17: http.read_timeout: \"1500ms\" is not a whole number of seconds");
  CHECK(error_of_yaml("plugins:\n  enabled: [hello, {a: b}]\n") ==
        "cfg:2:20: plugins.enabled[1]: expected a string, got a map");
}

TEST_CASE("bad values are refused with what is wrong", "[config]") {
  CHECK(error_of_yaml("http:\n  listen: abc\n") ==
        "cfg:2:11: http.listen: \"abc\" is not host:port (missing :port, as in 127.0.0.1:8080)");
  CHECK(error_of_yaml("http: {listen: '127.0.0.1:70000'}") ==
        "cfg:1:16: http.listen: \"127.0.0.1:70000\" is not host:port (port must be between 0 and 65535)");
  CHECK_THAT(error_of_yaml("http: {listen: '::1:8080'}"), Contains("write an IPv6 address in brackets"));
  CHECK_THAT(error_of_yaml("http: {listen: '127.0.0.1:'}"), Contains("(the port is missing)"));
  CHECK_THAT(error_of_yaml("http: {listen: ':8080'}"), Contains("(the host is missing"));
  CHECK_THAT(error_of_yaml("http: {listen: '999.1.1.1:80'}"), Contains("not an IP address or a host name"));
  CHECK(error_of_yaml("http:\n  trusted_proxies: [10.0.0.0/8, 10.0.0.0/33, 'fd00::/129', 10.1.0.0/8, nope]\n") ==
        "cfg:2:33: http.trusted_proxies[1]: \"10.0.0.0/33\" is not an IP address or CIDR block "
        "(the prefix length must be 0..32)\n"
        "cfg:2:46: http.trusted_proxies[2]: \"fd00::/129\" is not an IP address or CIDR block "
        "(the prefix length must be 0..128)\n"
        "cfg:2:60: http.trusted_proxies[3]: \"10.1.0.0/8\" is not an IP address or CIDR block "
        "(host bits are set after the /8 prefix)\n"
        "cfg:2:72: http.trusted_proxies[4]: \"nope\" is not an IP address or CIDR block (not an IP address)");
  CHECK(error_of_yaml("http: {threads: 64, max_connections: 32}") ==
        "cfg:1:38: http.max_connections: must be at least http.threads (64), got 32");
  CHECK(error_of_yaml("http: {threads: 8, worker_concurrency: 9}") ==
        "cfg:1:40: http.worker_concurrency: must be at most http.threads (8), got 9");
  CHECK(load_yaml("http: {threads: 8, worker_concurrency: 8}").http.worker_concurrency == 8);
  CHECK(error_of_yaml("http: {max_header_bytes: 70000}") ==
        "cfg:1:26: http.max_header_bytes: must be between 1024 and 65536, got 70000");
  CHECK(error_of_yaml("sessions: {idle_timeout: 2h, absolute_timeout: 1h}") ==
        "cfg:1:48: sessions.absolute_timeout: must be at least sessions.idle_timeout (2h), got 1h");
  CHECK(error_of_yaml("database: {url: 'mysql://x'}") ==
        "cfg:1:17: database.url: \"mysql://x\" is not sqlite:PATH or a postgresql:// URL");
  CHECK(error_of_yaml("bootstrap: {admin_email: admin}") ==
        "cfg:1:26: bootstrap.admin_email: \"admin\" is not an email address");
  // The admin is a member: the account system's check applies, and it wants a
  // dot in the domain. mail.from may use a local relay's domain.
  CHECK_THAT(error_of_yaml("bootstrap: {admin_email: admin@localhost}"), Contains("is not an email address"));
  CHECK(load_yaml("mail: {from: 'Members <members@localhost>'}").mail.from == "Members <members@localhost>");
  CHECK_THAT(error_of_yaml("mail: {from: \"x <a@b\\r\\nBcc: c@d>\"}"), Contains("mail.from: "));
  CHECK(error_of_yaml("mail: {transport: 'smtp://relay'}") ==
        "cfg:1:19: mail.transport: \"smtp://relay\" is not file, smtp://host:port or smtps://host:port "
        "(missing :port, as in 127.0.0.1:8080)");
  CHECK(error_of_yaml("mail: {transport: sendmail}") ==
        "cfg:1:19: mail.transport: \"sendmail\" is not file, smtp://host:port or smtps://host:port");
  CHECK(load_yaml("mail: {transport: 'smtps://relay.example.org:465'}").mail.transport ==
        "smtps://relay.example.org:465");
  auto smtp = load_yaml("mail: {smtp: {require_tls: true, username: u, password_env: P, timeout: 5s}}").mail.smtp;
  CHECK(smtp.require_tls);
  CHECK(smtp.password_env == "P");
  CHECK(smtp.timeout == 5s);
  CHECK_THAT(error_of_yaml("mail: {smtp: {password: secret}}"), Contains("a password is set, and AUTH needs a username"));
  CHECK_THAT(error_of_yaml("mail: {smtp: {username: u, password: a, password_env: B}}"),
             Contains("password and password_env are both set"));
  CHECK_THAT(error_of_yaml("mail: {smtp: {username: \"u\\r\\nRSET\"}}"), Contains("may not contain a line break"));
  CHECK_THAT(error_of_yaml("mail: {retry_first_delay: 1h, retry_max_delay: 1m}"),
             Contains("mail.retry_max_delay"));
  // The password is a secret: a refused config never repeats it.
  CHECK(error_of_yaml("mail: {smtp: {password: hunter2-Secret}}").find("hunter2-Secret") == std::string::npos);
  CHECK(error_of_yaml("plugins: {enabled: [hello, Bad, hello, http]}") ==
        "cfg:1:28: plugins.enabled[1]: \"Bad\" is not a plugin name ([a-z][a-z0-9_]*)\n"
        "cfg:1:33: plugins.enabled[2]: \"hello\" is listed twice\n"
        "cfg:1:40: plugins.enabled[3]: \"http\" is a core section, not a plugin");
}

TEST_CASE("TLS needs both files, and readable ones", "[config]") {
  const TempFile cert("-----BEGIN CERTIFICATE-----\n", ".pem");
  const TempFile key("-----BEGIN PRIVATE KEY-----\n", ".pem");

  const CoreConfig config = load_yaml("http:\n  tls:\n    cert: " + cert.path() + "\n    key: " + key.path() + "\n");
  CHECK(config.http.tls.enabled());
  CHECK(public_base_url(config.http) == "https://127.0.0.1:8080");

  CHECK(error_of_yaml("http:\n  tls:\n    cert: " + cert.path() + "\n") ==
        "cfg:3:11: http.tls.key: missing: http.tls.cert is set, and TLS needs both or neither");
  CHECK(error_of_yaml("http:\n  tls:\n    key: " + key.path() + "\n") ==
        "cfg:3:10: http.tls.cert: missing: http.tls.key is set, and TLS needs both or neither");
  CHECK(error_of_yaml("http:\n  tls:\n    cert: /nonexistent/cert.pem\n    key: " + key.path() + "\n") ==
        "cfg:3:11: http.tls.cert: cannot read \"/nonexistent/cert.pem\": no such file");
}

TEST_CASE("plugin sections belong to enabled plugins", "[config]") {
  CHECK(error_of_yaml("plugins:\n  dir: /nonexistent\nhello:\n  greeting: hi\n") ==
        "cfg:3:1: hello: unknown key \"hello\" (not an enabled plugin)");

  const CoreConfig config = load_yaml("plugins:\n  enabled: [hello, quiet]\nhello:\n  greeting: hi\n");
  REQUIRE(config.plugin_sections.size() == 1);  // quiet has no section: no entry
  const PluginSection& hello = *config.plugin_sections.at("hello");
  CHECK(hello.node["greeting"].as<std::string>() == "hi");
  CHECK(hello.origin.locate("hello.greeting", hello.node["greeting"].Mark()).ends_with(":4:13"));
}

TEST_CASE("a section of a plugin installed but not enabled is kept for later, a typo is not", "[config]") {
  // The shipped file has a section per plugin; `--set plugins.enabled=[hello]`
  // must still start.
  auto dir = std::filesystem::temp_directory_path() / ("memberd-config-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  { std::ofstream(dir / "email_service.so") << "not read"; }
  const std::string yaml = "plugins:\n  dir: " + dir.string() + "\n  enabled: [hello]\nemail_service:\n  x: 1\n";
  const CoreConfig config = load_yaml(yaml);
  CHECK(config.plugin_sections.empty());  // not read: not enabled
  CHECK(error_of_yaml(yaml + "emial_service:\n  x: 1\n") ==
        "cfg:6:1: emial_service: unknown key \"emial_service\" (not an enabled plugin)");
  std::filesystem::remove_all(dir);
}

TEST_CASE("all errors are reported at once, one per line", "[config]") {
  CHECK(error_of_yaml("http:\n  listen: abc\n  threads: 1\nlog:\n  format: xml\nfoo: 1\n") ==
        "cfg:2:11: http.listen: \"abc\" is not host:port (missing :port, as in 127.0.0.1:8080)\n"
        "cfg:3:12: http.threads: must be between 2 and 1024, got 1\n"
        "cfg:5:11: log.format: \"xml\" is not one of text|json\n"
        "cfg:6:1: foo: unknown key \"foo\" (not an enabled plugin)");
  try {
    load_yaml("http: {threads: 1}", {"log.level=loud"});
    FAIL("expected a ConfigError");
  } catch (const ConfigError& e) {
    CHECK(e.problems().size() == 2);
  }
}

TEST_CASE("durations", "[config][duration]") {
  CHECK(parse_duration("250ms") == 250ms);
  CHECK(parse_duration("90s") == 90s);
  CHECK(parse_duration("15m") == 15min);
  CHECK(parse_duration("24h") == 24h);
  CHECK(parse_duration("7d") == 7 * 24h);
  CHECK(parse_duration("30") == 30s);
  CHECK(parse_duration("0s") == 0ms);
  for (const char* bad : {"", "10x", "-5s", "+5s", "5 s", "1.5h", "1h30m", "s", "ms", "10S",
                          "99999999999999999999d", "9999999999999999d"}) {
    INFO(bad);
    CHECK_FALSE(parse_duration(bad).has_value());
  }
  CHECK(format_duration(1000ms) == "1s");
  CHECK(format_duration(1800s) == "30m");
  CHECK(format_duration(1500ms) == "1500ms");
  CHECK(format_duration(7 * 24h) == "7d");
  CHECK(error_of_yaml("shutdown: {lame_duck: 6m}") == "cfg:1:23: shutdown.lame_duck: must be at most 5m, got 6m");
  CHECK(error_of_yaml("shutdown: {drain_timeout: 10x}") ==
        "cfg:1:27: shutdown.drain_timeout: \"10x\" is not a duration "
        "(use 90s, 15m, 24h, 7d, 250ms or a number of seconds)");
}

namespace {

std::vector<ConfigKey> hello_schema() {
  return {
      {"greeting", ConfigType::string, "\"hello\"", "what the plugin says",
       [](const nlohmann::json& value) -> std::optional<std::string> {
         if (value.get<std::string>().size() > 10) return "must be at most 10 characters";
         return std::nullopt;
       }},
      {"repeat", ConfigType::integer, "1", "how many times"},
      {"ratio", ConfigType::number, "0.5", "a fraction"},
      {"loud", ConfigType::boolean, "false", "shout"},
      {"ttl", ConfigType::duration, "15m", "how long"},
      {"names", ConfigType::string_list, "[a, b]", "who"},
      {"extra", ConfigType::any, "{}", "anything"},
  };
}

PluginSection section_of(const std::string& yaml) { return PluginSection{YAML::Load(yaml), Origin("cfg")}; }

}  // namespace

TEST_CASE("plugin section: defaults fill absent keys", "[config][plugin]") {
  const SectionConfig config = load_plugin_config("hello", hello_schema(), nullptr);
  CHECK(config.string("greeting") == "hello");
  CHECK(config.integer("repeat") == 1);
  CHECK(config.number("ratio") == 0.5);
  CHECK_FALSE(config.boolean("loud"));
  CHECK(config.duration("ttl") == 15min);
  CHECK(config.string_list("names") == std::vector<std::string>{"a", "b"});
  CHECK(config.json("extra") == nlohmann::json::object());
  CHECK(config.json("ttl") == 900);

  const PluginSection empty = section_of("~");
  CHECK(load_plugin_config("hello", hello_schema(), &empty).integer("repeat") == 1);
}

TEST_CASE("plugin section: values are typed, YAML 1.2 style", "[config][plugin]") {
  const PluginSection section = section_of(R"(
greeting: 42
repeat: 0x10
ratio: 2
loud: true
ttl: 90
names: [x, 7]
extra: {mode: 0660, quoted: "12", flag: false, pi: 3.5, none: ~, list: [1, two], when: 2024-01-01}
)");
  const SectionConfig config = load_plugin_config("hello", hello_schema(), &section);
  CHECK(config.string("greeting") == "42");
  CHECK(config.integer("repeat") == 16);
  CHECK(config.number("ratio") == 2.0);
  CHECK(config.boolean("loud"));
  CHECK(config.duration("ttl") == 90s);
  CHECK(config.string_list("names") == std::vector<std::string>{"x", "7"});
  const nlohmann::json expected = {
      {"mode", 660},  {"quoted", "12"}, {"flag", false},           {"pi", 3.5},
      {"none", nullptr}, {"list", {1, "two"}}, {"when", "2024-01-01"},
  };
  CHECK(config.json("extra") == expected);
  CHECK(config.json("extra")["mode"].is_number_integer());
}

TEST_CASE("plugin section: every problem is reported with its location", "[config][plugin]") {
  const PluginSection section = section_of(
      "greeting: a very long greeting\nrepeat: '3'\nttl: 250ms\nnames: {a: b}\nvolume: 11\n");
  CHECK(config_error_of([&] { load_plugin_config("hello", hello_schema(), &section); }) ==
        "cfg:1:11: hello.greeting: must be at most 10 characters\n"
        "cfg:2:9: hello.repeat: expected an integer, got the string \"3\"\n"
        "cfg:3:6: hello.ttl: \"250ms\" is not a whole number of seconds\n"
        "cfg:4:8: hello.names: expected a list, got a map\n"
        "cfg:5:1: hello.volume: unknown key \"volume\"");

  const PluginSection not_a_map = section_of("[1, 2]");
  CHECK(config_error_of([&] { load_plugin_config("hello", hello_schema(), &not_a_map); }) ==
        "cfg:1:1: hello: expected a map, got a list");
}

TEST_CASE("plugin section: overrides are located at --set", "[config][plugin]") {
  const CoreConfig core = load_config("", {"plugins.enabled=[hello]", "hello.repeat=many"});
  CHECK(config_error_of([&] { load_plugin_config("hello", hello_schema(), core.plugin_sections.at("hello").get()); }) ==
        "--set hello.repeat: expected an integer, got \"many\"");
}

TEST_CASE("plugin section: checks run on defaults, bad schemas are plugin bugs", "[config][plugin]") {
  const std::vector<ConfigKey> required = {
      {"city_db", ConfigType::string, "\"\"", "path to the city database",
       [](const nlohmann::json& value) -> std::optional<std::string> {
         if (value.get<std::string>().empty()) return "must be set";
         return std::nullopt;
       }},
  };
  CHECK(config_error_of([&] { load_plugin_config("geo", required, nullptr); }) ==
        "geo.city_db: must be set (not set; the default is \"\")");

  const std::vector<ConfigKey> broken = {
      {"count", ConfigType::integer, "ten", "a count"},
      {"count", ConfigType::integer, "1", "again"},
      {"Bad", ConfigType::string, "", "bad name"},
  };
  CHECK(config_error_of([&] { load_plugin_config("oops", broken, nullptr); }) ==
        "bug in plugin \"oops\": config key \"count\" is declared twice\n"
        "bug in plugin \"oops\": config key \"Bad\" is not a name ([a-z][a-z0-9_]*)\n"
        "bug in plugin \"oops\": the default \"ten\" of oops.count is not a valid integer "
        "(oops.count: expected an integer, got \"ten\")");

  const std::vector<ConfigKey> throwing = {
      {"n", ConfigType::integer, "1", "n",
       [](const nlohmann::json&) -> std::optional<std::string> { throw std::runtime_error("boom"); }},
  };
  CHECK_THAT(config_error_of([&] { load_plugin_config("t", throwing, nullptr); }),
             Contains("t.n: the plugin's check failed: boom"));
}

TEST_CASE("plugin section: reading undeclared keys or the wrong type is a logic error", "[config][plugin]") {
  const SectionConfig config = load_plugin_config("hello", hello_schema(), nullptr);
  CHECK_THROWS_AS(config.string("nope"), std::logic_error);
  CHECK_THROWS_WITH(config.integer("greeting"),
                    "config key hello.greeting is declared as string, read as integer");
  CHECK_THROWS_AS(config.string_list("extra"), std::logic_error);
  CHECK_NOTHROW(config.json("greeting"));
  const Config& through_sdk = config;
  CHECK(through_sdk.string("greeting") == "hello");
}

TEST_CASE("describe_schema prints one line per key", "[config][plugin]") {
  CHECK(describe_schema("hello", hello_schema()) ==
        "hello.greeting (string, default \"hello\"): what the plugin says\n"
        "hello.repeat (integer, default 1): how many times\n"
        "hello.ratio (number, default 0.5): a fraction\n"
        "hello.loud (boolean, default false): shout\n"
        "hello.ttl (duration, default 15m): how long\n"
        "hello.names (string_list, default [a, b]): who\n"
        "hello.extra (any, default {}): anything\n");
  CHECK(describe_schema("x", {{"list", ConfigType::string_list, "- a\n- b\n", "block style"}}) ==
        "x.list (string_list, default [a, b]): block style\n");
}
