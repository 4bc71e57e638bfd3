#pragma once
// The admin audit log: one append-only record per admin action (who, what,
// whom, when, from which address, why, and how it ended). The dispatcher
// opens an entry for every request to an Access::admin route with a method
// other than GET or HEAD once the caller is known to be an admin (begin),
// and closes it once the handler has returned (end): unless the handler
// wrote its record in its own transaction (record) and succeeded, the entry
// is written then, with the answer's result. So each such request leaves
// exactly one record, whether it did its work, was refused or failed.
// Nothing here deletes or changes a record but the retention sweep.
#include <memberd/host.hpp>
#include <memberd/http.hpp>
#include <memberd/result.hpp>
#include <memberd/unit_of_work.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace memberd {

class LogSink;

// What one request's record says besides who asked and when.
struct AuditEntry {
  std::string action, member_id, reason, detail;  // detail: a JSON object as text
};

class AdminAuditLog {
 public:
  AdminAuditLog(const Clock& clock, LogSink& log);

  // The action a route performs, by "<METHOD> <pattern>" (core routes at
  // start-up, a plugin's through Host::name_admin_action). A route never
  // named is logged as "<METHOD> <pattern>". Thread-safe.
  void name(std::string_view method, std::string_view pattern, std::string_view action);
  // Whether `action` may be a plugin's name for its route: "<plugin>" or
  // "<plugin>.<word>", a-z 0-9 _ and ., at most 64 characters.
  static bool valid_plugin_action(std::string_view plugin, std::string_view action);

  // The dispatcher, before the handler of an admin write route: the entry
  // for this request (the member and reason from the path and body).
  // `body`: the request's JSON body (for "member_id" and "reason"), or null.
  void begin(UnitOfWork& work, const Request& req, std::string_view method, std::string_view pattern,
             const std::vector<std::pair<std::string, std::string>>& path_params, const nlohmann::json& body);
  // The handler's own record, in its open transaction (it counts once that
  // commits), with what else it names (`detail`, a JSON object as text,
  // over the path's parameters). Fails: busy, unavailable; internal
  // outside a begun entry or a transaction, or when called twice.
  Result<void> record(UnitOfWork& work, std::string_view detail);
  // What else the record the host writes at end() says (a bulk action's
  // outcomes), without writing it. Fails: never.
  void describe(UnitOfWork& work, const nlohmann::json& detail);
  // The dispatcher, once the handler has returned and its transaction is
  // over: writes the entry unless the handler recorded it and `status` is
  // below 400. `problem_type`: the answer's problem type, if any. A write
  // that fails is logged (the answer has been decided already).
  void end(UnitOfWork& work, const Request& req, int status, std::string_view problem_type);

  // An admin's sign-in to the console, in the sign-in's transaction (the
  // request is nobody's yet, so no entry was begun for it). DB: writes.
  // Fails: busy, unavailable.
  // `method`: how the session was made ("password", "second_step",
  // "passkey"), in the detail.
  Result<void> record_sign_in(UnitOfWork& work, const Request& req, const Member& admin, std::string_view method);

  // What the operator did without a request: a plugin reloaded on SIGHUP or
  // by the plugin directory's watcher. Recorded as "operator", from no
  // address, in its own statement. DB: writes. Fails: busy, unavailable.
  Result<void> record_operator(UnitOfWork& work, const AuditEntry& entry, std::string_view result);

  // Deletes records older than `before` (Unix seconds), at most `batch`;
  // how many. DB: writes. Fails: busy, unavailable.
  Result<int> delete_before(UnitOfWork& work, long long before, int batch);

 private:
  struct Open {
    AuditEntry entry;
    const Request* request = nullptr;  // the dispatcher's, alive until end()
    bool recorded = false;   // the handler wrote it in its transaction
    bool committed = false;  // ... and that committed
  };
  Result<void> insert(UnitOfWork& work, const Request& req, const AuditEntry& entry, std::string_view result);
  // The one INSERT every record goes through.
  struct Row {
    std::string admin_id, admin, ip;
    const AuditEntry& entry;
    std::string_view result;
  };
  Result<void> write(UnitOfWork& work, const Row& row);

  const Clock& clock_;
  LogSink& log_;
  std::mutex mutex_;
  std::map<std::string, std::string, std::less<>> names_;  // "<METHOD> <pattern>" -> action
  std::unordered_map<const UnitOfWork*, Open> open_;         // by the request's unit of work
};

}  // namespace memberd
