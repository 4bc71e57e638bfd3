#include "audit/admin_audit_log.hpp"

#include "log/logger.hpp"

#include <memberd/database.hpp>
#include <memberd/text.hpp>

#include <nlohmann/json.hpp>

#include <stdexcept>

namespace memberd {

namespace {

constexpr std::size_t kMaxReasonBytes = 2000;
constexpr std::size_t kMaxDetailBytes = 8000;

// JSON as text, with any bytes that are not UTF-8 (a path's %FF) replaced
// rather than thrown over: a record must never fail on what it quotes.
std::string text_of(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The detail as stored: whole JSON, never text cut mid-way (which would
// read back as nothing). Past the limit, each list gives way to its length
// ("results": [...] becomes "results_count": n) and "truncated" says so;
// past it still, only that.
std::string bounded_detail(const nlohmann::json& detail) {
  std::string text = text_of(detail);
  if (text.size() <= kMaxDetailBytes || !detail.is_object()) return text.size() <= kMaxDetailBytes ? text : "{}";
  nlohmann::json smaller = nlohmann::json::object();
  for (const auto& [key, value] : detail.items()) {
    if (value.is_array()) smaller[key + "_count"] = value.size();
    else if (!value.is_object()) smaller[key] = value;
  }
  smaller["truncated"] = true;
  text = text_of(smaller);
  return text.size() <= kMaxDetailBytes ? text : std::string(R"({"truncated":true})");
}

// A member id as the core makes them (a UUID's characters, at most 36);
// anything else a client sent stays in the detail, not in the column.
bool looks_like_member_id(std::string_view id) {
  return !id.empty() && id.size() <= 36 &&
         id.find_first_not_of("0123456789abcdefABCDEF-") == std::string_view::npos;
}

std::string route_key(std::string_view method, std::string_view pattern) {
  return std::string(method) + " " + std::string(pattern);
}

// A string field of a JSON body, or "".
std::string body_text(const nlohmann::json& body, const char* name) {
  if (!body.is_object()) return {};
  auto it = body.find(name);
  return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Cut to `limit` bytes without splitting a UTF-8 sequence.
std::string clipped(std::string text, std::size_t limit) {
  if (text.size() <= limit) return text;
  std::size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  text.resize(end);
  return text;
}

}  // namespace

AdminAuditLog::AdminAuditLog(const Clock& clock, LogSink& log) : clock_(clock), log_(log) {}

void AdminAuditLog::name(std::string_view method, std::string_view pattern, std::string_view action) {
  std::lock_guard lock(mutex_);
  names_[route_key(method, pattern)] = std::string(action);
}

bool AdminAuditLog::valid_plugin_action(std::string_view plugin, std::string_view action) {
  if (action.empty() || action.size() > 64) return false;
  if (action.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_.") != std::string_view::npos) return false;
  if (action == plugin) return true;
  return action.size() > plugin.size() + 1 && action.substr(0, plugin.size()) == plugin &&
         action[plugin.size()] == '.';
}

void AdminAuditLog::begin(UnitOfWork& work, const Request& req, std::string_view method, std::string_view pattern,
                          const std::vector<std::pair<std::string, std::string>>& path_params,
                          const nlohmann::json& body) {
  Open open;
  {
    std::lock_guard lock(mutex_);
    auto named = names_.find(route_key(method, pattern));
    open.entry.action = named != names_.end() ? named->second : route_key(method, pattern);
  }
  // Whom and why, as the request says them: the path's {member_id}, else
  // the body's; the body's "reason".
  nlohmann::json detail = nlohmann::json::object();
  std::string member = req.path_param("member_id");
  if (member.empty()) member = body_text(body, "member_id");
  if (looks_like_member_id(member)) open.entry.member_id = member;
  else if (!member.empty()) detail["member_id_given"] = clipped(member, 200);
  open.entry.reason = clipped(body_text(body, "reason"), kMaxReasonBytes);
  for (const auto& [name, value] : path_params)
    if (name != "member_id") detail[name] = clipped(value, 200);
  open.entry.detail = text_of(detail);
  open.request = &req;
  std::lock_guard lock(mutex_);
  open_[&work] = std::move(open);
}

void AdminAuditLog::describe(UnitOfWork& work, const nlohmann::json& detail) {
  std::lock_guard lock(mutex_);
  auto it = open_.find(&work);
  if (it == open_.end() || !detail.is_object()) return;
  auto merged = nlohmann::json::parse(it->second.entry.detail, nullptr, false);
  if (!merged.is_object()) merged = nlohmann::json::object();
  merged.update(detail);
  it->second.entry.detail = bounded_detail(merged);
}

Result<void> AdminAuditLog::record(UnitOfWork& work, std::string_view detail) {
  AuditEntry entry;
  const Request* req = nullptr;
  {
    std::lock_guard lock(mutex_);
    auto it = open_.find(&work);
    const char* misuse = it == open_.end()         ? "record_admin_action outside an admin route's request that changes something"
                         : it->second.recorded ? "record_admin_action called twice in one request"
                                               : nullptr;
    if (misuse) {
      // A bug in the caller: said in the log, answered as a 500.
      log_.write(LogLevel::error, "audit", misuse, {});
      return Failure{Refusal::internal, {}, misuse};
    }
    entry = it->second.entry;
    req = it->second.request;
  }
  if (!work.in_transaction()) {
    log_.write(LogLevel::error, "audit", "record_admin_action outside the transaction of the change",
               {{"action", entry.action}});
    return Failure{Refusal::internal, {}, "record_admin_action outside the transaction of the change"};
  }
  // The handler's words on what it did, over the path's.
  auto given = nlohmann::json::parse(detail.empty() ? std::string_view("{}") : detail, nullptr, false);
  // The member the action made (a new member has no id in the path).
  if (given.is_object() && given.contains("member_id") && given["member_id"].is_string()) {
    if (looks_like_member_id(given["member_id"].get<std::string>())) entry.member_id = given["member_id"].get<std::string>();
    given.erase("member_id");
  }
  auto merged = nlohmann::json::parse(entry.detail, nullptr, false);
  if (!merged.is_object()) merged = nlohmann::json::object();
  if (given.is_object()) merged.update(given);
  entry.detail = bounded_detail(merged);
  if (auto written = insert(work, *req, entry, "done"); !written) return written;
  {
    std::lock_guard lock(mutex_);
    if (auto it = open_.find(&work); it != open_.end()) {
      it->second.entry = entry;
      it->second.recorded = true;
    }
  }
  // Only a commit makes the record real: rolled back, the host writes the
  // request's own record after the handler (end).
  work.after_commit([this, unit = &work] {
    std::lock_guard lock(mutex_);
    if (auto it = open_.find(unit); it != open_.end()) it->second.committed = true;
  });
  return {};
}

void AdminAuditLog::end(UnitOfWork& work, const Request& req, int status, std::string_view problem_type) {
  Open open;
  {
    std::lock_guard lock(mutex_);
    auto it = open_.find(&work);
    if (it == open_.end()) return;
    open = std::move(it->second);
    open_.erase(it);
  }
  // The handler's record committed with its change: that is the record,
  // whatever the handler answered after (a read that failed once the
  // change stood is no failure of the action).
  if (open.committed) return;
  auto detail = nlohmann::json::parse(open.entry.detail, nullptr, false);
  if (!detail.is_object()) detail = nlohmann::json::object();
  if (status >= 400) {
    detail["status"] = status;
    if (!problem_type.empty()) detail["problem"] = std::string(problem_type);
  }
  open.entry.detail = bounded_detail(detail);
  const char* result = status < 400 ? "done" : status < 500 ? "refused" : "failed";
  // Its own transaction: the handler's is over (committed, or rolled back
  // with whatever it wrote).
  std::string error;
  try {
    auto tx = WriteTransaction::open(work);
    if (!tx) {
      error = tx.failure().detail;
    } else if (auto written = insert(work, req, open.entry, result); !written) {
      error = written.failure().detail;
    } else if (auto done = tx->commit(); !done) {
      error = done.failure().detail;
    }
  } catch (const std::exception& e) {
    error = e.what();
  }
  if (!error.empty())
    log_.write(LogLevel::error, "audit", "an admin action could not be recorded",
               {{"action", open.entry.action}, {"result", result}, {"error", error}});
}

Result<void> AdminAuditLog::write(UnitOfWork& work, const Row& row) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  long long at = clock_.unix_now();
  const AuditEntry& entry = row.entry;
  std::string result(row.result);
  soci::indicator member_ind = entry.member_id.empty() ? soci::i_null : soci::i_ok;
  **sql << "INSERT INTO admin_audit (at, admin_id, admin, action, member_id, ip, reason, result, detail)"
           " VALUES (:at, :aid, :a, :act, :m, :ip, :r, :res, :d)",
      soci::use(at), soci::use(row.admin_id), soci::use(row.admin), soci::use(entry.action),
      soci::use(entry.member_id, member_ind), soci::use(row.ip), soci::use(entry.reason), soci::use(result),
      soci::use(entry.detail);
  return {};
}

Result<void> AdminAuditLog::insert(UnitOfWork& work, const Request& req, const AuditEntry& entry,
                                   std::string_view result) {
  const auto& caller = req.caller();
  return write(work, {caller.socket_operator ? std::string() : caller.member_id,
                      caller.socket_operator ? std::string("operator") : caller.email, std::string(req.client_ip()),
                      entry, result});
}

Result<void> AdminAuditLog::record_sign_in(UnitOfWork& work, const Request& req, const Member& admin,
                                           std::string_view method) {
  const AuditEntry entry{"console.sign_in", "", "", nlohmann::json{{"method", method}}.dump()};
  return write(work, {admin.member_id, admin.email, std::string(req.client_ip()), entry, "done"});
}

Result<void> AdminAuditLog::record_operator(UnitOfWork& work, const AuditEntry& entry, std::string_view result) {
  return write(work, {"", "operator", "", entry, result});
}

Result<int> AdminAuditLog::delete_before(UnitOfWork& work, long long before, int batch) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  // By id, in batches: a sweep never holds the writer for long.
  soci::statement st = ((*sql)->prepare << "DELETE FROM admin_audit WHERE id IN (SELECT id FROM admin_audit"
                                              " WHERE at < :b ORDER BY id LIMIT :n)",
                        soci::use(before), soci::use(batch));
  st.execute(true);
  return static_cast<int>(st.get_affected_rows());
}

}  // namespace memberd
