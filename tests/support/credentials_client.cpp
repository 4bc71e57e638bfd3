#include "support/credentials_client.hpp"

#include <soci/soci.h>

#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <regex>
#include <sstream>
#include <thread>
#include <utility>

namespace memberd::test::credentials {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const char* kJson = "application/json";

std::string read_whole(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// "<created_at>-<id>.eml": the order in which the outbox took the messages.
std::pair<long long, long long> mail_order(const std::string& name) {
  long long created = 0, id = 0;
  auto dash = name.find('-');
  try {
    created = std::stoll(name.substr(0, dash));
    if (dash != std::string::npos) id = std::stoll(name.substr(dash + 1));
  } catch (const std::exception&) {
  }
  return {created, id};
}

std::vector<fs::path> mail_paths(const DaemonProcess& d) {
  std::vector<fs::path> out;
  fs::path dir = fs::path(d.data_dir()) / "mail";
  std::error_code ec;
  if (!fs::exists(dir, ec)) return out;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.path().extension() == ".eml") out.push_back(entry.path());
  std::sort(out.begin(), out.end(), [](const fs::path& a, const fs::path& b) {
    return mail_order(a.filename().string()) < mail_order(b.filename().string());
  });
  return out;
}

}  // namespace

DaemonOptions options(const std::string& backend, std::vector<std::string> sets) {
  DaemonOptions o;
  o.backend = backend;
  o.sets = std::move(sets);
  o.plugins = {"credentials"};
  return o;
}

// ---------------------------------------------------------------------------
httplib::Headers bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

httplib::Result get(const DaemonProcess& d, const std::string& path, const httplib::Headers& headers) {
  return d.http()->Get(path, headers);
}

httplib::Result post(const DaemonProcess& d, const std::string& path, const json& body, const httplib::Headers& headers) {
  return d.http()->Post(path, headers, body.dump(), kJson);
}

httplib::Result put(const DaemonProcess& d, const std::string& path, const json& body, const httplib::Headers& headers) {
  return d.http()->Put(path, headers, body.dump(), kJson);
}

httplib::Result post_empty(const DaemonProcess& d, const std::string& path, const httplib::Headers& headers) {
  return d.http()->Post(path, headers, std::string(), kJson);
}

httplib::Result del(const DaemonProcess& d, const std::string& path, const httplib::Headers& headers) {
  return d.http()->Delete(path, headers);
}

httplib::Result del(const DaemonProcess& d, const std::string& path, const json& body, const httplib::Headers& headers) {
  return d.http()->Delete(path, headers, body.dump(), kJson);
}

int status_of(const httplib::Result& res) { return res ? res->status : -1; }

std::string describe(const httplib::Result& res) {
  if (!res) return "no response: " + httplib::to_string(res.error());
  std::string text = std::to_string(res->status) + " " + res->body;
  auto retry = res->get_header_value("Retry-After");
  if (!retry.empty()) text += " (Retry-After: " + retry + ")";
  return text;
}

json body_of(const httplib::Result& res) {
  if (!res) return nullptr;
  auto parsed = json::parse(res->body, nullptr, false);
  return parsed.is_discarded() ? json(nullptr) : parsed;
}

std::string problem_type(const httplib::Result& res) {
  auto body = body_of(res);
  if (!body.is_object() || !body.contains("type") || !body["type"].is_string()) return {};
  return body["type"].get<std::string>();
}

int retry_after(const httplib::Result& res) {
  if (!res || !res->has_header("Retry-After")) return -1;
  const std::string value = res->get_header_value("Retry-After");
  if (value.empty() || !std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isdigit(c); }))
    return -1;
  try {
    return std::stoi(value);
  } catch (const std::exception&) {
    return -1;
  }
}

std::string set_cookie_header(const httplib::Result& res, const std::string& name) {
  if (!res) return {};
  for (const auto& [k, v] : res->headers)
    if (lower(k) == "set-cookie" && v.rfind(name + "=", 0) == 0) return v;
  return {};
}

std::string cookie_value(const httplib::Result& res, const std::string& name) {
  std::string header = set_cookie_header(res, name);
  if (header.empty()) return {};
  std::string value = header.substr(name.size() + 1);
  return value.substr(0, value.find(';'));
}

std::optional<std::chrono::system_clock::time_point> parse_rfc3339(const std::string& text) {
  static const std::regex pattern(R"((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?Z)");
  std::smatch m;
  if (!std::regex_match(text, m, pattern)) return std::nullopt;
  std::tm tm{};
  tm.tm_year = std::stoi(m[1].str()) - 1900;
  tm.tm_mon = std::stoi(m[2].str()) - 1;
  tm.tm_mday = std::stoi(m[3].str());
  tm.tm_hour = std::stoi(m[4].str());
  tm.tm_min = std::stoi(m[5].str());
  tm.tm_sec = std::stoi(m[6].str());
  std::time_t t = timegm(&tm);
  return std::chrono::system_clock::from_time_t(t);
}

bool is_rfc3339(const json& value) { return value.is_string() && parse_rfc3339(value.get<std::string>()).has_value(); }

bool has_field_error(const json& problem, const std::string& field) {
  return problem.is_object() && problem.contains("errors") && problem["errors"].is_object() &&
         problem["errors"].contains(field);
}

std::string lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// ---------------------------------------------------------------------------
httplib::Result join_raw(const DaemonProcess& d, const std::string& email, const std::string& email_confirm,
                         const std::string& password, const std::string& password_confirm) {
  return post(d, "/api/v1/members",
              {{"email", email}, {"email_confirm", email_confirm}, {"password", password},
               {"password_confirm", password_confirm}});
}

Account join(const DaemonProcess& d, const std::string& email, const std::string& password) {
  auto res = join_raw(d, email, email, password, password);
  INFO("joining " << email << ": " << describe(res));
  REQUIRE(status_of(res) == 201);
  auto body = body_of(res);
  REQUIRE(body.is_object());
  REQUIRE(body.contains("member_id"));
  REQUIRE(body["member_id"].is_string());
  REQUIRE_FALSE(body["member_id"].get<std::string>().empty());
  return Account{email, password, body["member_id"].get<std::string>()};
}

void confirm_email(const DaemonProcess& d, const std::string& email) {
  std::string welcome = wait_for_mail(d, email, "confirm-email?token=");
  std::string token = extract_token(welcome, "confirm-email");
  INFO("welcome mail:\n" << welcome);
  REQUIRE(is_token(token));
  auto res = post_empty(d, "/api/v1/email-confirmations/" + token);
  INFO("POST /api/v1/email-confirmations: " << describe(res));
  REQUIRE(status_of(res) == 200);
}

Account join_confirmed(const DaemonProcess& d, const std::string& email, const std::string& password) {
  Account account = join(d, email, password);
  confirm_email(d, email);
  return account;
}

httplib::Result sign_in_raw(const DaemonProcess& d, const std::string& email, const std::string& password) {
  return post(d, "/api/v1/session", {{"email", email}, {"password", password}});
}

Session sign_in(const DaemonProcess& d, const std::string& email, const std::string& password) {
  auto res = sign_in_raw(d, email, password);
  INFO("signing in " << email << ": " << describe(res));
  REQUIRE(status_of(res) == 201);
  auto body = body_of(res);
  REQUIRE(body.is_object());
  REQUIRE(body.contains("token"));
  REQUIRE(body["token"].is_string());
  REQUIRE(body.contains("csrf_token"));
  REQUIRE(body["csrf_token"].is_string());
  REQUIRE(body.contains("member_id"));
  REQUIRE(body["member_id"].is_string());
  Session s;
  s.token = body["token"].get<std::string>();
  s.csrf_token = body["csrf_token"].get<std::string>();
  s.member_id = body["member_id"].get<std::string>();
  s.session_cookie = cookie_value(res, "memberd_session");
  s.csrf_cookie = cookie_value(res, "memberd_csrf");
  s.body = body;
  REQUIRE_FALSE(s.token.empty());
  return s;
}

Session sign_in(const DaemonProcess& d, const Account& account) { return sign_in(d, account.email, account.password); }

httplib::Result me_raw(const DaemonProcess& d, const std::string& token) { return get(d, "/api/v1/me", bearer(token)); }

json me(const DaemonProcess& d, const std::string& token) {
  auto res = me_raw(d, token);
  INFO("GET /api/v1/me: " << describe(res));
  REQUIRE(status_of(res) == 200);
  auto body = body_of(res);
  REQUIRE(body.is_object());
  return body;
}

httplib::Result set_question_raw(const DaemonProcess& d, const std::string& token, const std::string& question_id,
                                 const std::string& answer, const std::string& current_password) {
  return put(d, "/api/v1/me/security-question",
             {{"question_id", question_id}, {"answer", answer}, {"current_password", current_password}}, bearer(token));
}

void set_question(const DaemonProcess& d, std::string& token, const std::string& question_id,
                  const std::string& answer, const std::string& current_password) {
  auto res = set_question_raw(d, token, question_id, answer, current_password);
  INFO("PUT /api/v1/me/security-question: " << describe(res));
  if (status_of(res) == 204) return;  // a replacement inside the step-up window
  // A first question counts as the step-up, on a new token.
  REQUIRE(status_of(res) == 200);
  auto body = body_of(res);
  REQUIRE(is_rfc3339(body["privileged_until"]));
  REQUIRE(body["token"].is_string());
  REQUIRE(body["token"] != token);
  token = body["token"].get<std::string>();
}

httplib::Result step_up_raw(const DaemonProcess& d, const std::string& token, const std::string& current_password,
                            const std::string& answer) {
  return post(d, "/api/v1/me/step-up", {{"current_password", current_password}, {"answer", answer}}, bearer(token));
}

std::string step_up(const DaemonProcess& d, std::string& token, const std::string& current_password,
                    const std::string& answer) {
  auto res = step_up_raw(d, token, current_password, answer);
  INFO("POST /api/v1/me/step-up: " << describe(res));
  REQUIRE(status_of(res) == 200);
  auto body = body_of(res);
  REQUIRE(body.is_object());
  REQUIRE(is_rfc3339(body["privileged_until"]));
  REQUIRE(body["token"].is_string());
  REQUIRE(body["token"] != token);
  token = body["token"].get<std::string>();
  return body["privileged_until"].get<std::string>();
}

SteppedUp joined_and_stepped_up(const DaemonProcess& d, const std::string& email, const std::string& answer) {
  SteppedUp out;
  out.account = join_confirmed(d, email);
  out.session = sign_in(d, out.account);
  set_question(d, out.session.token, kQuestion, answer, out.account.password);
  step_up(d, out.session.token, out.account.password, answer);
  return out;
}

httplib::Result request_reset(const DaemonProcess& d, const std::string& email) {
  return post(d, "/api/v1/password-resets", {{"email", email}});
}

// Requests a reset for `email` and returns the token mailed to `to`.
std::string reset_token(const DaemonProcess& d, const std::string& email, const std::string& to) {
  auto before = mail_files(d);
  auto res = request_reset(d, email);
  INFO("POST /api/v1/password-resets: " << describe(res));
  REQUIRE(status_of(res) == 202);
  std::string eml = wait_for_mail(d, to, "reset-password?token=", before);
  std::string token = extract_token(eml, "reset-password");
  INFO("reset mail:\n" << eml);
  REQUIRE(is_token(token));
  return token;
}

httplib::Result complete_reset(const DaemonProcess& d, const std::string& token, const std::string& answer,
                               const std::string& new_password, const std::string& confirm) {
  return post(d, "/api/v1/password-resets/" + token,
              {{"answer", answer}, {"new_password", new_password}, {"new_password_confirm", confirm}});
}

httplib::Headers admin(const DaemonProcess& d) {
  static std::mutex mutex;
  static std::map<int, std::string> tokens;
  std::lock_guard lock(mutex);
  auto& token = tokens[d.pid()];
  if (token.empty()) token = d.admin_token();
  return bearer(token);
}

json admin_member_entry(const DaemonProcess& d, const std::string& email) {
  auto res = d.unix_socket()->Get("/api/v1/admin/members?q=" + email);
  INFO("GET /api/v1/admin/members: " << describe(res));
  REQUIRE(status_of(res) == 200);
  auto body = body_of(res);
  REQUIRE(body.is_object());
  for (const auto& item : body["items"])
    if (item["email"] == email) return item;
  FAIL("no member " << email << " in " << body.dump());
  return {};
}

// ---------------------------------------------------------------------------
std::set<std::string> mail_files(const DaemonProcess& d) {
  std::set<std::string> names;
  for (const auto& p : mail_paths(d)) names.insert(p.filename().string());
  return names;
}

std::vector<std::string> mails_to(const DaemonProcess& d, const std::string& to, const std::set<std::string>& ignore) {
  std::vector<std::string> out;
  const std::string header = "To: " + to + "\r\n";
  for (const auto& p : mail_paths(d)) {
    if (ignore.count(p.filename().string())) continue;
    std::string text = read_whole(p);
    // The header block ends at the first empty line; To must be in it.
    auto end = text.find("\r\n\r\n");
    auto at = text.find(header);
    if (at != std::string::npos && (at == 0 || text[at - 1] == '\n') && (end == std::string::npos || at < end))
      out.push_back(std::move(text));
  }
  return out;
}

std::string wait_for_mail(const DaemonProcess& d, const std::string& to, const std::string& contains,
                          const std::set<std::string>& ignore, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    for (auto& text : mails_to(d, to, ignore))
      if (text.find(contains) != std::string::npos) return text;
    if (std::chrono::steady_clock::now() > deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::ostringstream seen;
  for (const auto& p : mail_paths(d)) seen << "\n--- " << p.filename().string() << "\n" << read_whole(p);
  FAIL("no mail to " << to << " containing \"" << contains << "\" within " << timeout.count()
                     << " ms; the mail directory holds:" << seen.str());
  return {};
}

std::string extract_token(const std::string& eml, const std::string& action) {
  const std::string marker = action + "?token=";
  auto at = eml.find(marker);
  if (at == std::string::npos) return {};
  std::string token;
  for (auto i = at + marker.size(); i < eml.size(); ++i) {
    char c = eml[i];
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') token += c;
    else break;
  }
  return token;
}

bool is_token(const std::string& token) {
  static const std::regex pattern("[A-Za-z0-9_-]{40,}");
  return std::regex_match(token, pattern);
}

// ---------------------------------------------------------------------------
void check_log_has_none_of(const DaemonProcess& d, const std::vector<std::string>& secrets) {
  const std::string log = d.output();
  REQUIRE_FALSE(log.empty());
  for (const auto& secret : secrets) {
    if (secret.empty()) continue;
    INFO("the daemon log holds a secret: " << secret);
    CHECK(log.find(secret) == std::string::npos);
  }
}

KeptState::KeptState(std::string backend) : backend_(std::move(backend)) {
  char pattern[] = "/tmp/memberd-credentials-XXXXXX";
  char* made = mkdtemp(pattern);
  REQUIRE(made != nullptr);
  dir_ = made;
  if (backend_ == "postgresql") {
    postgres_ = std::make_unique<ScratchPostgres>();
    url_ = postgres_->url();
  } else {
    url_ = "sqlite:" + dir_ + "/memberd.db";
  }
}

KeptState::~KeptState() {
  std::error_code ignored;
  fs::remove_all(dir_, ignored);
}

std::unique_ptr<soci::session> KeptState::open() const { return open_database(url_); }

DaemonOptions KeptState::options(std::vector<std::string> sets) const {
  DaemonOptions o = credentials::options(backend_, std::move(sets));
  o.data_dir = dir_;
  o.database_url = url_;
  return o;
}

}  // namespace memberd::test::credentials
