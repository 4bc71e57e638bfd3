// The plugin's API (openapi.yaml beside it).
#include "context.hpp"
#include "levels.hpp"
#include "local_time.hpp"
#include "member_facts.hpp"
#include "records.hpp"

#include <memberd/json.hpp>
#include <memberd/list_query.hpp>
#include <memberd/problem.hpp>

#include <map>
#include <set>
#include <string_view>

namespace memberd::security_level {

namespace {

constexpr int kDefaultPage = 50;
constexpr int kMaxPage = 500;
constexpr int kMaxCsvRows = 100000;  // one export; narrow the filter for more
constexpr int kFailuresCounted = 1000;

using FieldErrors = std::vector<std::pair<std::string, std::string>>;

Response validation_failed(const FieldErrors& errors) {
  return problem(422, "validation", "Some parameters need attention", {}, errors);
}

// ?limit= and ?cursor=, shared by both listings.
void read_page(const Request& req, RecordFilter& filter, FieldErrors& errors) {
  if (auto limit = req.query("limit")) {
    bool digits = !limit->empty() && limit->size() <= 4 && limit->find_first_not_of("0123456789") == std::string::npos;
    int n = digits ? std::stoi(*limit) : 0;
    if (n < 1 || n > kMaxPage) errors.emplace_back("limit", "Give a number from 1 to " + std::to_string(kMaxPage) + ".");
    else filter.limit = n;
  }
  if (auto cursor = req.query("cursor"); cursor && !cursor->empty()) {
    filter.after = decode_cursor(*cursor);
    if (!filter.after) errors.emplace_back("cursor", "This is not a cursor from a previous page.");
  }
}

nlohmann::json page_json(Context& ctx, const std::vector<SignInRecord>& records, int limit) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& r : records) items.push_back(record_json(r, ctx.host.clock(), ctx.settings.whois_url));
  nlohmann::json next = nullptr;
  if (static_cast<int>(records.size()) == limit && !records.empty())
    next = encode_cursor({records.back().at, records.back().id});
  return {{"items", items}, {"next_cursor", next}};
}

Response my_security(Context& ctx, const Request& req) {
  const auto& caller = req.caller();
  if (caller.member_id.empty()) return problem(403, "member_only", "Members only", "Sign in as the member.");
  auto& work = req.work();
  auto now = ctx.host.clock().unix_now();
  Evidence evidence;
  evidence.now = now;
  auto facts = member_facts(work, caller.member_id);
  if (!facts) return refusal_problem(facts.failure());
  evidence.facts = *facts;
  evidence.member_since = parse_rfc3339_utc(caller.member_since).value_or(0);

  RecordFilter successes;
  successes.member_id = caller.member_id;
  successes.outcome = "success";
  successes.limit = kDefaultPage;
  auto latest = find_records(work, successes);
  if (!latest) return refusal_problem(latest.failure());
  for (const auto& r : *latest)
    if (r.at >= now - ctx.settings.recent.count()) evidence.recent_successes.push_back(r);

  RecordFilter failures;
  failures.member_id = caller.member_id;
  failures.outcome = "failure";
  // Tries to get in: a mistyped password inside a session, or a guess with
  // a reset link, is no sign of someone trying to sign in.
  failures.kind = "sign_in";
  failures.since = now - ctx.settings.recent.count();
  failures.limit = kFailuresCounted;
  auto failed = find_records(work, failures);
  if (!failed) return refusal_problem(failed.failure());
  evidence.recent_failures = static_cast<int>(failed->size());

  // This session's sign-in, and the one before it. Sign-ins are recorded
  // from events a moment after they happen: until this one is, the newest
  // recorded is the last.
  const SignInRecord* current = nullptr;
  const SignInRecord* last = nullptr;
  for (std::size_t i = 0; i < latest->size(); ++i) {
    if (!caller.session_id.empty() && (*latest)[i].session_id == caller.session_id) {
      current = &(*latest)[i];
      if (i + 1 < latest->size()) last = &(*latest)[i + 1];
      break;
    }
  }
  if (!current && !latest->empty()) last = &latest->front();

  auto assessment = assess(evidence, ctx.settings);
  nlohmann::json checks = nlohmann::json::array();
  for (const auto& c : assessment.checks)
    checks.push_back({{"id", c.id},
                      {"ok", c.ok},
                      {"suggestion", c.suggestion},
                      {"advice", c.advice.empty() ? nlohmann::json(nullptr) : nlohmann::json(c.advice)}});
  auto shown = [&](const SignInRecord* r) {
    return r ? record_json(*r, ctx.host.clock(), ctx.settings.whois_url) : nlohmann::json(nullptr);
  };
  return json_response(200, {{"level", assessment.level},
                             {"checks", checks},
                             {"last_sign_in", shown(last)},
                             {"current_sign_in", shown(current)},
                             // The member's own zone (from their approved profile) for local
                             // times; null: the browser's.
                             {"time_zone", facts->time_zone.empty() ? nlohmann::json(nullptr)
                                                                    : nlohmann::json(facts->time_zone)}});
}

Response my_sign_ins(Context& ctx, const Request& req) {
  const auto& caller = req.caller();
  if (caller.member_id.empty()) return problem(403, "member_only", "Members only", "Sign in as the member.");
  RecordFilter filter;
  filter.member_id = caller.member_id;
  filter.limit = kDefaultPage;
  FieldErrors errors;
  read_page(req, filter, errors);
  if (!errors.empty()) return validation_failed(errors);
  auto records = find_records(req.work(), filter);
  if (!records) return refusal_problem(records.failure());
  return json_response(200, page_json(ctx, *records, filter.limit));
}

// Whether a spreadsheet could read a cell starting so as a formula: = + - @,
// a tab or a CR, and the fullwidth forms ＝ ＋ － ＠
// (U+FF1D, U+FF0B, U+FF0D, U+FF20), which spreadsheets in CJK locales take
// for the ASCII ones (issue 27).
bool starts_like_formula(const std::string& cell) {
  if (cell.empty()) return false;
  if (std::string_view("=+-@\t\r").find(cell[0]) != std::string_view::npos) return true;
  for (std::string_view fullwidth : {"\uFF1D", "\uFF0B", "\uFF0D", "\uFF20"})
    if (cell.compare(0, fullwidth.size(), fullwidth) == 0) return true;
  return false;
}

// A CSV cell: quoted, and a leading formula character defused with an
// apostrophe (OWASP CSV injection).
std::string csv_cell(const std::string& value) {
  std::string cell = value;
  if (starts_like_formula(cell)) cell.insert(cell.begin(), '\'');
  std::string out = "\"";
  for (char c : cell) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// The admin's filters (?member_id, email, ip, country, anonymous, outcome,
// kind, since, until). False in `matches_someone` for an email no member has.
struct AdminQuery {
  RecordFilter filter;
  bool matches_someone = true;
};

std::optional<Response> read_admin_filter(Context& ctx, const Request& req, AdminQuery& query, FieldErrors& errors) {
  auto& filter = query.filter;
  auto& work = req.work();
  if (auto member = req.query("member_id"); member && !member->empty()) filter.member_id = *member;
  if (auto email = req.query("email"); email && !email->empty()) {
    auto found = ctx.host.accounts().find_by_email(work, *email);
    if (found) filter.member_id = found->member_id;
    else if (found.failure().refusal == Refusal::not_found) query.matches_someone = false;
    else return refusal_problem(found.failure());
  }
  if (auto ip = req.query("ip"); ip && !ip->empty()) {
    filter.ip_keys = ip_key_range(*ip);
    if (!filter.ip_keys) errors.emplace_back("ip", "Give an IP address or a network such as 81.2.69.0/24.");
  }
  if (auto country = req.query("country"); country && !country->empty()) {
    std::string code = *country;
    for (auto& c : code) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (code.size() != 2 || code.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string::npos)
      errors.emplace_back("country", "Give a two-letter country code such as GB.");
    else filter.country_code = code;
  }
  if (auto anonymous = req.query("anonymous"); anonymous && !anonymous->empty()) {
    if (*anonymous == "true") filter.anonymous = true;
    else if (*anonymous == "false") filter.anonymous = false;
    else errors.emplace_back("anonymous", "Give true or false.");
  }
  if (auto outcome = req.query("outcome"); outcome && !outcome->empty()) {
    if (*outcome == "success" || *outcome == "failure") filter.outcome = *outcome;
    else errors.emplace_back("outcome", "Give success or failure.");
  }
  if (auto kind = req.query("kind"); kind && !kind->empty()) {
    // A kind is a failure's: asking for one asks for failures.
    if (filter.outcome == "success") {
      errors.emplace_back("kind", "Only failed attempts have a kind: leave the result as failures or any.");
    } else if (*kind == "sign_in" || *kind == "in_session" || *kind == "mailed_link") {
      filter.kind = *kind;
      filter.outcome = "failure";
    } else {
      errors.emplace_back("kind", "Give sign_in, in_session or mailed_link.");
    }
  }
  auto range = list_time_range(req, errors);
  filter.since = range.since;
  filter.until = range.until;
  return std::nullopt;
}

// The admin sees who each record belongs to: one lookup for the page.
std::optional<Response> add_emails(Context& ctx, UnitOfWork& work, nlohmann::json& items) {
  std::set<std::string> ids;
  for (const auto& item : items)
    if (item["member_id"].is_string()) ids.insert(item["member_id"].get<std::string>());
  auto members = ctx.host.accounts().find_by_ids(work, {ids.begin(), ids.end()});
  if (!members) return refusal_problem(members.failure());
  std::map<std::string, std::string> emails;
  for (const auto& m : *members) emails[m.member_id] = m.email;
  for (auto& item : items) {
    auto found = item["member_id"].is_string() ? emails.find(item["member_id"].get<std::string>()) : emails.end();
    item["email"] = found == emails.end() ? nlohmann::json(nullptr) : nlohmann::json(found->second);
  }
  return std::nullopt;
}

Response admin_summary(Context& ctx, const Request& req) {
  AdminQuery query;
  FieldErrors errors;
  if (auto refused = read_admin_filter(ctx, req, query, errors)) return *refused;
  std::int64_t bucket = 3600;
  if (auto b = req.query("bucket"); b && !b->empty()) {
    if (*b == "hour") bucket = 3600;
    else if (*b == "day") bucket = 86400;
    else errors.emplace_back("bucket", "Give hour or day.");
  }
  if (!errors.empty()) return validation_failed(errors);
  auto& filter = query.filter;
  // Without a range, the last 30 days (or 48 hours by the hour): a chart, not an archive.
  auto now = ctx.host.clock().unix_now();
  if (!filter.until) filter.until = now;
  if (!filter.since) filter.since = *filter.until - (bucket == 3600 ? 48 * 3600 : 30 * 86400);
  nlohmann::json buckets = nlohmann::json::array();
  if (query.matches_someone) {
    auto counts = count_by_bucket(req.work(), filter, bucket);
    if (!counts) return refusal_problem(counts.failure());
    for (const auto& c : *counts)
      buckets.push_back({{"start", ctx.host.clock().format(TimePoint(std::chrono::seconds(c.start)))},
                         {"success", c.success},
                         {"failure", c.failure}});
  }
  return json_response(200, {{"bucket_seconds", bucket},
                             {"since", ctx.host.clock().format(TimePoint(std::chrono::seconds(*filter.since)))},
                             {"until", ctx.host.clock().format(TimePoint(std::chrono::seconds(*filter.until)))},
                             {"buckets", buckets}});
}

Response admin_sign_ins(Context& ctx, const Request& req) {
  AdminQuery query;
  auto& filter = query.filter;
  filter.limit = kDefaultPage;
  FieldErrors errors;
  auto& work = req.work();
  if (auto refused = read_admin_filter(ctx, req, query, errors)) return *refused;
  bool nobody = !query.matches_someone;
  bool csv = false;
  if (auto format = req.query("format"); format && !format->empty()) {
    if (*format == "csv") csv = true;
    else if (*format != "json") errors.emplace_back("format", "Give json or csv.");
  }
  read_page(req, filter, errors);
  if (!errors.empty()) return validation_failed(errors);

  if (!csv) {
    if (nobody) return json_response(200, {{"items", nlohmann::json::array()}, {"next_cursor", nullptr}});
    auto records = find_records(work, filter);
    if (!records) return refusal_problem(records.failure());
    auto page = page_json(ctx, *records, filter.limit);
    if (auto refused = add_emails(ctx, work, page["items"])) return *refused;
    return json_response(200, page);
  }
  // The whole filtered set, page by page.
  std::string out = "at,member_id,ip,outcome,country_code,country,city,time_zone,label,anonymous_proxy,vpn,tor,"
                    "public_proxy,hosting,residential_proxy,new_location,user_agent,kind,what\r\n";
  filter.limit = kMaxPage;
  int rows = 0;
  while (!nobody && rows < kMaxCsvRows) {
    auto records = find_records(work, filter);
    if (!records) return refusal_problem(records.failure());
    for (const auto& r : *records) {
      const auto& l = r.location;
      const auto& a = l.anonymity;
      auto flag = [](bool b) { return std::string(b ? "true" : "false"); };
      out += csv_cell(ctx.host.clock().format(TimePoint(std::chrono::seconds(r.at)))) + "," + csv_cell(r.member_id) +
             "," + csv_cell(r.ip) + "," + r.outcome + "," + csv_cell(l.country_code) + "," + csv_cell(l.country) + "," +
             csv_cell(l.city) + "," + csv_cell(l.time_zone) + "," + csv_cell(l.label) + "," + flag(a.anonymous) + "," +
             flag(a.vpn) + "," + flag(a.tor) + "," + flag(a.public_proxy) + "," + flag(a.hosting) + "," +
             flag(a.residential_proxy) + "," + flag(r.new_location) + "," + csv_cell(r.user_agent) + "," +
             (r.outcome == "failure" ? r.kind + "," + csv_cell(r.what) : std::string(",")) + "\r\n";
    }
    rows += static_cast<int>(records->size());
    if (static_cast<int>(records->size()) < filter.limit) break;
    filter.after = Cursor{records->back().at, records->back().id};
  }
  Response response{200, "text/csv; charset=utf-8", std::move(out), {}};
  response.with_header("Content-Disposition", "attachment; filename=\"sign-ins.csv\"");
  return response;
}

}  // namespace

void add_routes(Context& ctx) {
  ctx.host.add_route({"GET", "/api/v1/me/security", Access::member, Body::none,
                      [&ctx](const Request& r) { return my_security(ctx, r); }});
  ctx.host.add_route({"GET", "/api/v1/me/sign-ins", Access::member, Body::none,
                      [&ctx](const Request& r) { return my_sign_ins(ctx, r); }});
  ctx.host.add_route({"GET", "/api/v1/admin/sign-ins", Access::admin, Body::none,
                      [&ctx](const Request& r) { return admin_sign_ins(ctx, r); }});
  ctx.host.add_route({"GET", "/api/v1/admin/sign-ins/summary", Access::admin, Body::none,
                      [&ctx](const Request& r) { return admin_summary(ctx, r); }});
}

}  // namespace memberd::security_level
