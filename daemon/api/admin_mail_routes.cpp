// The outbox for admins (api/openapi.yaml, /api/v1/admin/outbox): what is queued, sent and
// failed, with attempts, the last error and the next retry; a summary for the
// console's chart and a send's progress; a retry for failed messages.
#include "audit/admin_audit_log.hpp"
#include "api/core_services.hpp"
#include "mail/outbox.hpp"
#include "storage/row_values.hpp"
#include "util/time_format.hpp"

#include <memberd/json.hpp>
#include <memberd/list_query.hpp>
#include <memberd/problem.hpp>
#include <memberd/unit_of_work.hpp>
#include <soci/soci.h>

#include <limits>
#include <map>
#include <optional>

namespace memberd {

namespace {

using FieldErrors = std::vector<std::pair<std::string, std::string>>;

// What an admin is shown: a claimed row waits like a queued one.
std::string shown_status(const std::string& status) { return status == "claimed" ? "queued" : status; }

nlohmann::json time_or_null(long long unix_time) {
  return unix_time > 0 ? nlohmann::json(format_rfc3339(from_unix(unix_time))) : nlohmann::json(nullptr);
}

// ?batch= is a send's tag as enqueue_in_batch made it ("plugin:batch").
bool is_batch_tag(const std::string& tag) {
  return !tag.empty() && tag.size() <= 128 &&
         tag.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:-") ==
             std::string::npos;
}

Response list_outbox(const Request& req) {
  FieldErrors errors;
  int limit = list_limit(req, errors);
  std::string status = req.query("status").value_or("");
  if (!status.empty() && status != "queued" && status != "sending" && status != "sent" && status != "failed")
    errors.emplace_back("status", "Give queued, sending, sent or failed.");
  std::string batch = req.query("batch").value_or("");
  if (!batch.empty() && !is_batch_tag(batch)) errors.emplace_back("batch", "This is not a send's batch name.");
  long long before = 0;
  if (auto cursor = req.query("cursor"); cursor && !cursor->empty()) {
    if (auto id = whole_number(*cursor, 18)) before = *id;
    else errors.emplace_back("cursor", "This is not a cursor from a previous page.");
  }
  if (!errors.empty()) return problem(422, "validation", "Some parameters need attention", {}, errors);

  auto connection = req.work().connection();
  if (!connection) return refusal_problem(connection.failure());
  // Newest first. The batch is bound; the status is one of four words checked above.
  std::string where = " WHERE (:b1 = '' OR batch = :b2) AND id < :before";
  if (status == "queued") where += " AND status IN ('queued', 'claimed')";
  else if (!status.empty()) where += " AND status = '" + status + "'";
  long long upper = before > 0 ? before : std::numeric_limits<long long>::max();
  int fetch = limit + 1;
  soci::rowset<soci::row> rows =
      ((*connection)->prepare << "SELECT id, recipient, subject, category, batch, status, attempts, last_error,"
                                 " next_attempt_at, created_at, sent_at, finished_at FROM mail_outbox" +
                                     where + " ORDER BY id DESC LIMIT :l",
       soci::use(batch), soci::use(batch), soci::use(upper), soci::use(fetch));
  nlohmann::json items = nlohmann::json::array();
  nlohmann::json next = nullptr;
  long long last_id = 0;
  for (const auto& row : rows) {
    if (static_cast<int>(items.size()) == limit) {
      next = std::to_string(last_id);
      break;
    }
    last_id = row_int64(row, 0);
    std::string state = shown_status(row.get<std::string>(5));
    long long sent_at = row.get_indicator(10) == soci::i_ok ? row_int64(row, 10) : 0;
    items.push_back({{"id", std::to_string(last_id)},
                     {"to", row.get<std::string>(1)},
                     {"subject", row.get<std::string>(2)},
                     {"category", row.get<std::string>(3)},
                     {"batch", row.get<std::string>(4)},
                     {"status", state},
                     {"attempts", row_int64(row, 6)},
                     {"last_error", row.get<std::string>(7)},
                     {"next_attempt_at", state == "queued" ? time_or_null(row_int64(row, 8)) : nlohmann::json(nullptr)},
                     {"created_at", time_or_null(row_int64(row, 9))},
                     {"sent_at", time_or_null(sent_at)},
                     {"finished_at", time_or_null(row_int64(row, 11))}});
  }
  return json_response(200, {{"items", items}, {"next_cursor", next}});
}

// {"counts": {...}, "hours": [{"hour", "sent", "failed"}, ...]}: the state of
// everything (or of one send), and deliveries per hour for the last `hours`.
Response outbox_summary(CoreServices& core, const Request& req) {
  FieldErrors errors;
  std::string batch = req.query("batch").value_or("");
  if (!batch.empty() && !is_batch_tag(batch)) errors.emplace_back("batch", "This is not a send's batch name.");
  int hours = 24;
  if (auto raw = req.query("hours")) {
    hours = static_cast<int>(whole_number(*raw, 3).value_or(0));
    if (hours < 1 || hours > 168) errors.emplace_back("hours", "Give a whole number of hours from 1 to 168.");
  }
  if (!errors.empty()) return problem(422, "validation", "Some parameters need attention", {}, errors);

  auto connection = req.work().connection();
  if (!connection) return refusal_problem(connection.failure());
  auto& sql = **connection;
  nlohmann::json counts = {{"queued", 0}, {"sending", 0}, {"sent", 0}, {"failed", 0}};
  soci::rowset<soci::row> by_status =
      (sql.prepare << "SELECT status, COUNT(*) FROM mail_outbox WHERE (:b1 = '' OR batch = :b2) GROUP BY status",
       soci::use(batch), soci::use(batch));
  for (const auto& row : by_status) {
    std::string state = shown_status(row.get<std::string>(0));
    counts[state] = counts.value(state, 0LL) + row_int64(row, 1);
  }

  long long now = to_unix(core.clock.now());
  long long first_hour = (now / 3600 - (hours - 1)) * 3600;
  std::map<long long, std::pair<long long, long long>> per_hour;
  soci::rowset<soci::row> finished =
      (sql.prepare << "SELECT finished_at / 3600, status, COUNT(*) FROM mail_outbox"
                      " WHERE (:b1 = '' OR batch = :b2) AND finished_at >= :f AND status IN ('sent', 'failed')"
                      " GROUP BY finished_at / 3600, status",
       soci::use(batch), soci::use(batch), soci::use(first_hour));
  for (const auto& row : finished) {
    auto& bucket = per_hour[row_int64(row, 0) * 3600];
    (row.get<std::string>(1) == "sent" ? bucket.first : bucket.second) += row_int64(row, 2);
  }
  nlohmann::json series = nlohmann::json::array();
  for (long long hour = first_hour; hour <= now; hour += 3600) {
    auto found = per_hour.find(hour);
    series.push_back({{"hour", format_rfc3339(from_unix(hour))},
                      {"sent", found == per_hour.end() ? 0 : found->second.first},
                      {"failed", found == per_hour.end() ? 0 : found->second.second}});
  }
  return json_response(200, {{"counts", counts}, {"hours", series}});
}

Response retry_message(CoreServices& core, const Request& req) {
  std::string id_text = req.path_param("id");
  auto id = whole_number(id_text, 18);
  if (!id) return problem(404, "not_found", "No such message", "There is no failed message with that id.");
  auto& work = req.work();
  auto tx = WriteTransaction::open(work);
  if (!tx) return refusal_problem(tx.failure());
  MEMBERD_TRY(core.mail.retry(work, *id));
  MEMBERD_TRY(core.audit->record(work, "{}"));
  MEMBERD_TRY(tx->commit());
  return json_response(202, {{"id", id_text}, {"status", "queued"}});
}

}  // namespace

std::vector<Route> admin_mail_routes(CoreServices& core) {
  return {
      {"GET", "/api/v1/admin/outbox", Access::admin, Body::none, [](const Request& req) { return list_outbox(req); }},
      {"GET", "/api/v1/admin/outbox/summary", Access::admin, Body::none,
       [&core](const Request& req) { return outbox_summary(core, req); }},
      {"POST", "/api/v1/admin/outbox/{id}/retry", Access::admin, Body::none,
       [&core](const Request& req) { return retry_message(core, req); }},
  };
}

}  // namespace memberd
