// GET /api/v1/admin/audit: the admin audit log, newest first, filtered, as
// JSON pages or one CSV file. There is no route that changes or deletes a
// record (audit/admin_audit_log.hpp); retention.audit ages them out.
// Also the names of the core's own admin actions.
#include "api/core_services.hpp"
#include "audit/admin_audit_log.hpp"
#include "storage/row_values.hpp"

#include <memberd/database.hpp>
#include <memberd/json.hpp>
#include <memberd/list_query.hpp>
#include <memberd/problem.hpp>
#include <memberd/utc_time.hpp>

#include <optional>

namespace memberd {

namespace {

constexpr int kMaxCsvRows = 100000;
constexpr int kCsvPage = 500;

struct AuditFilter {
  std::optional<std::string> admin, action, member_id, result;
  std::optional<long long> since, until;
  std::optional<long long> before_id;  // the cursor: rows older than this one
  int limit = 50;
};

struct AuditRow {
  long long id = 0, at = 0;
  std::string admin_id, admin, action, member_id, ip, reason, result, detail;
};

// Text as a CSV cell; one that a spreadsheet would run as a formula is
// defused with a leading apostrophe (OWASP's CSV injection advice).
std::string csv_cell(const std::string& text) {
  std::string value = text;
  if (!value.empty() && std::string("=+-@\t\r").find(value.front()) != std::string::npos) value.insert(0, "'");
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::optional<Response> read_filter(const Request& req, AuditFilter& filter) {
  std::vector<std::pair<std::string, std::string>> errors;
  auto text = [&](const char* name, std::optional<std::string>& into, std::size_t most) {
    auto value = req.query(name);
    if (!value || value->empty()) return;
    if (value->size() > most) errors.emplace_back(name, "That is longer than any " + std::string(name) + ".");
    else into = *value;
  };
  text("admin", filter.admin, 320);
  text("action", filter.action, 100);
  text("member_id", filter.member_id, 36);
  text("result", filter.result, 16);
  if (filter.result && *filter.result != "done" && *filter.result != "refused" && *filter.result != "failed")
    errors.emplace_back("result", "Give done, refused or failed.");
  auto range = list_time_range(req, errors);
  filter.since = range.since;
  filter.until = range.until;
  filter.limit = list_limit(req, errors);
  if (auto cursor = req.query("cursor"); cursor && !cursor->empty()) {
    auto parsed = parse_page_cursor(*cursor, "0123456789");
    auto id = parsed ? whole_number(parsed->key) : std::nullopt;
    if (!id) errors.emplace_back("cursor", "This is not a cursor from a previous page.");
    else filter.before_id = *id;
  }
  if (!errors.empty()) return problem(422, "validation", "Some parameters need attention", {}, errors);
  return std::nullopt;
}

Result<std::vector<AuditRow>> find_rows(UnitOfWork& work, const AuditFilter& filter, int limit) {
  auto connection = work.connection();
  if (!connection) return connection.failure();
  auto& sql = **connection;
  // Every filter is bound; an absent one matches all through its flag.
  std::string admin = filter.admin.value_or(""), action = filter.action.value_or(""),
              member = filter.member_id.value_or(""), result = filter.result.value_or("");
  int has_admin = filter.admin ? 1 : 0, has_action = filter.action ? 1 : 0, has_member = filter.member_id ? 1 : 0,
      has_result = filter.result ? 1 : 0;
  long long since = filter.since.value_or(0), until = filter.until.value_or(0), before = filter.before_id.value_or(0);
  int has_since = filter.since ? 1 : 0, has_until = filter.until ? 1 : 0, has_before = filter.before_id ? 1 : 0;
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT id, at, admin_id, admin, action, member_id, ip, reason, result, detail FROM admin_audit"
                      " WHERE (:ha = 0 OR admin = :a OR admin_id = :a2)"
                      " AND (:hc = 0 OR action = :c) AND (:hm = 0 OR member_id = :m) AND (:hr = 0 OR result = :r)"
                      " AND (:hs = 0 OR at >= :s) AND (:hu = 0 OR at <= :u) AND (:hb = 0 OR id < :b)"
                      " ORDER BY id DESC LIMIT :l",
       soci::use(has_admin), soci::use(admin), soci::use(admin), soci::use(has_action), soci::use(action),
       soci::use(has_member), soci::use(member), soci::use(has_result), soci::use(result), soci::use(has_since),
       soci::use(since), soci::use(has_until), soci::use(until), soci::use(has_before), soci::use(before),
       soci::use(limit));
  std::vector<AuditRow> out;
  for (const auto& row : rows) {
    AuditRow r;
    r.id = row_int64(row, 0);
    r.at = row_int64(row, 1);
    r.admin_id = row.get<std::string>(2);
    r.admin = row.get<std::string>(3);
    r.action = row.get<std::string>(4);
    r.member_id = row.get_indicator(5) == soci::i_null ? std::string() : row.get<std::string>(5);
    r.ip = row.get<std::string>(6);
    r.reason = row.get<std::string>(7);
    r.result = row.get<std::string>(8);
    r.detail = row.get<std::string>(9);
    out.push_back(std::move(r));
  }
  return out;
}

nlohmann::json row_json(const AuditRow& r, const Clock& clock) {
  auto detail = nlohmann::json::parse(r.detail, nullptr, false);
  if (!detail.is_object()) detail = nlohmann::json::object();
  return {{"id", r.id},
          {"at", clock.format(TimePoint(std::chrono::seconds(r.at)))},
          {"admin_id", r.admin_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.admin_id)},
          {"admin", r.admin},
          {"action", r.action},
          {"member_id", r.member_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.member_id)},
          {"ip", r.ip},
          {"reason", r.reason},
          {"result", r.result},
          {"detail", detail}};
}

Response list_audit(CoreServices& core, const Request& req) {
  AuditFilter filter;
  if (auto refused = read_filter(req, filter)) return *refused;
  bool csv = false;
  if (auto format = req.query("format"); format && !format->empty()) {
    if (*format == "csv") csv = true;
    else if (*format != "json")
      return problem(422, "validation", "Some parameters need attention", {}, {{"format", "Give json or csv."}});
  }
  auto& work = req.work();
  if (!csv) {
    auto rows = find_rows(work, filter, filter.limit);
    if (!rows) return refusal_problem(rows.failure());
    nlohmann::json items = nlohmann::json::array();
    for (const auto& r : *rows) items.push_back(row_json(r, core.clock));
    nlohmann::json next = nullptr;
    if (static_cast<int>(rows->size()) == filter.limit && !rows->empty())
      next = page_cursor(rows->back().at, std::to_string(rows->back().id));
    return json_response(200, {{"items", items}, {"next_cursor", next}});
  }
  std::string out = "at,admin_id,admin,action,member_id,ip,reason,result,detail\r\n";
  int written = 0;
  while (written < kMaxCsvRows) {
    auto rows = find_rows(work, filter, kCsvPage);
    if (!rows) return refusal_problem(rows.failure());
    for (const auto& r : *rows)
      out += csv_cell(core.clock.format(TimePoint(std::chrono::seconds(r.at)))) + "," + csv_cell(r.admin_id) + "," +
             csv_cell(r.admin) + "," + csv_cell(r.action) + "," + csv_cell(r.member_id) + "," + csv_cell(r.ip) + "," +
             csv_cell(r.reason) + "," + r.result + "," + csv_cell(r.detail) + "\r\n";
    written += static_cast<int>(rows->size());
    if (static_cast<int>(rows->size()) < kCsvPage) break;
    filter.before_id = rows->back().id;
  }
  Response response{200, "text/csv; charset=utf-8", std::move(out), {}};
  response.with_header("Content-Disposition", "attachment; filename=\"audit.csv\"");
  return response;
}

}  // namespace

void name_core_admin_actions(AdminAuditLog& audit) {
  struct Named {
    const char *method, *pattern, *action;
  };
  static const Named core[] = {
      {"POST", "/api/v1/admin/members", "member.create"},
      {"DELETE", "/api/v1/admin/members/{member_id}/sessions", "member.sessions_end"},
      {"POST", "/api/v1/admin/members/{member_id}/unlock", "member.unlock"},
      {"POST", "/api/v1/admin/members/{member_id}/disable", "member.disable"},
      {"POST", "/api/v1/admin/members/{member_id}/enable", "member.enable"},
      {"PUT", "/api/v1/admin/members/{member_id}/roles/admin", "member.admin_grant"},
      {"DELETE", "/api/v1/admin/members/{member_id}/roles/admin", "member.admin_remove"},
      {"POST", "/api/v1/admin/members/{member_id}/close", "member.close"},
      {"POST", "/api/v1/admin/plugins/{name}/reload", "plugin.reload"},
      {"POST", "/api/v1/admin/plugins/{name}/unload", "plugin.unload"},
      {"POST", "/api/v1/admin/cluster/plugins/{name}/reload", "cluster.plugin_reload"},
      {"POST", "/api/v1/admin/cluster/plugins/{name}/unload", "cluster.plugin_unload"},
      {"POST", "/api/v1/admin/outbox/{id}/retry", "outbox.retry"},
      {"POST", "/api/v1/admin/reviews/approve", "review.approve_many"},
      {"POST", "/api/v1/admin/reviews/{revision_id}/claim", "review.claim"},
      {"POST", "/api/v1/admin/reviews/{revision_id}/approve", "review.approve"},
      {"POST", "/api/v1/admin/reviews/{revision_id}/reject", "review.reject"},
  };
  for (const auto& n : core) audit.name(n.method, n.pattern, n.action);
}

std::vector<Route> admin_audit_routes(CoreServices& core) {
  return {{"GET", "/api/v1/admin/audit", Access::admin, Body::none,
           [&core](const Request& req) { return list_audit(core, req); }}};
}

}  // namespace memberd
