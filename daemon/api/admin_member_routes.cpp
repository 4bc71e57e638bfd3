#include "api/acting_admin.hpp"
#include "audit/admin_audit_log.hpp"
#include "api/core_services.hpp"
#include "auth/accounts_service.hpp"
#include "auth/email_identity.hpp"
#include <memberd/email_address.hpp>
#include "auth/session_store.hpp"
#include "events/event_bus.hpp"
#include "storage/database.hpp"
#include "util/sql_like.hpp"
#include "util/time_format.hpp"

#include <memberd/json.hpp>
#include "storage/row_values.hpp"

#include <memberd/database.hpp>
#include <memberd/list_query.hpp>
#include <memberd/problem.hpp>
#include <soci/soci.h>

#include <optional>

namespace memberd {

namespace {


// A nullable time column as RFC 3339, or null.
nlohmann::json time_or_null(const std::optional<long long>& unix_seconds) {
  return unix_seconds ? nlohmann::json(format_rfc3339(from_unix(*unix_seconds))) : nlohmann::json(nullptr);
}

std::optional<long long> nullable_time(const soci::row& row, std::size_t column) {
  if (row.get_indicator(column) != soci::i_ok) return std::nullopt;
  return row_int64(row, column);
}

// The members' columns every view reads, in this order.
constexpr const char* kMemberColumns = "member_id, email, created_at, locked_until, disabled_at, closes_at";

struct MemberRow {
  std::string id, email;
  long long created = 0;
  std::optional<long long> locked_until, disabled_at, closes_at;
};

MemberRow member_row(const soci::row& row) {
  MemberRow m{row.get<std::string>(0), row.get<std::string>(1), row_int64(row, 2), nullable_time(row, 3),
              nullable_time(row, 4), nullable_time(row, 5)};
  if (m.locked_until && *m.locked_until <= 0) m.locked_until.reset();  // 0: unlocked
  return m;
}

nlohmann::json member_json(soci::session& sql, const MemberRow& m) {
  const std::string& id = m.id;
  nlohmann::json roles = nlohmann::json::array();
  soci::rowset<std::string> rows = (sql.prepare << "SELECT role FROM roles WHERE member_id = :m ORDER BY role", soci::use(id));
  for (const auto& r : rows) roles.push_back(r);
  return {{"member_id", id},
          {"email", m.email},
          {"roles", roles},
          {"created_at", format_rfc3339(from_unix(m.created))},
          {"locked_until", time_or_null(m.locked_until)},
          {"disabled_at", time_or_null(m.disabled_at)},
          {"closes_at", time_or_null(m.closes_at)}};
}

// It reads the members table through the request's own unit of work.
Response list_members(const Request& req) {
  std::vector<std::pair<std::string, std::string>> errors;
  const int limit = list_limit(req, errors);
  if (!errors.empty()) return problem(422, "validation", "Invalid query", {}, errors);
  std::string q = canonical_email(req.query("q").value_or(""));
  std::string after = req.query("cursor").value_or("");
  auto connection = req.work().connection();
  if (!connection) return refusal_problem(connection.failure());
  auto& sql = **connection;
  std::string pattern = like_literal(q) + "%";  // a literal prefix
  int fetch = limit + 1;
  // The page is read whole before each member's roles are: one statement
  // at a time on the connection.
  std::vector<MemberRow> found;
  {
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT " << kMemberColumns << " FROM members"
                        " WHERE email LIKE :p ESCAPE '\\' AND email > :a ORDER BY email LIMIT :l",
         soci::use(pattern), soci::use(after), soci::use(fetch));
    for (const auto& row : rows) found.push_back(member_row(row));
  }
  nlohmann::json items = nlohmann::json::array();
  nlohmann::json next = nullptr;
  for (std::size_t i = 0; i < found.size() && i < static_cast<std::size_t>(limit); ++i)
    items.push_back(member_json(sql, found[i]));
  if (found.size() > static_cast<std::size_t>(limit)) next = found[limit - 1].email;
  return json_response(200, {{"items", items}, {"next_cursor", next}});
}

Response create_member(CoreServices& core, const Request& req) {
  const auto& body = req.json();
  auto email = string_field(body, "email");
  auto password = string_field(body, "password");
  std::vector<std::pair<std::string, std::string>> errors;
  if (!email || !looks_like_email(normalize_email(*email))) errors.emplace_back("email", "Enter a valid email address.");
  // The same policy as a member choosing their own (issue 8, item 10).
  if (!password || password->empty())
    errors.emplace_back("password", "Enter a password.");
  else if (auto weak = core.password_rules.problem(*password, email ? normalize_email(*email) : std::string()))
    errors.emplace_back("password", *weak);
  std::vector<std::string> roles;
  if (body.contains("roles")) {
    const auto& r = body["roles"];
    bool ok = r.is_array();
    if (ok)
      for (const auto& role : r) {
        if (!role.is_string() || role.get<std::string>() != "admin") ok = false;
        else if (std::find(roles.begin(), roles.end(), "admin") == roles.end()) roles.push_back("admin");
      }
    if (!ok) errors.emplace_back("roles", "Roles must be a list; the only role is \"admin\".");
  }
  if (!errors.empty()) return problem(422, "validation", "Some fields need attention", {}, errors);

  auto& work = req.work();
  auto hash = core.accounts.hash_password(work, *password);
  if (!hash) return refusal_problem(hash.failure());
  auto tx = WriteTransaction::open(work);
  if (!tx) return refusal_problem(tx.failure());
  auto id = core.accounts.create_member(work, *email, *hash, roles);
  if (!id && id.failure().refusal == Refusal::taken)
    return problem(409, "email_taken", "Email already registered", "Another member uses this address.",
                   {{"email", "This address is already registered."}});
  if (!id) return refusal_problem(id.failure());
  auto published = core.events.publish(
      work, "member.created",
      {{"member_id", *id}, {"roles", roles},
       {"by", acting_admin(req)},
       {"ip", req.client_ip()}});
  if (!published) return refusal_problem(published.failure());
  if (auto recorded = core.audit->record(work, nlohmann::json{{"member_id", *id}, {"roles", roles}}.dump()); !recorded)
    return refusal_problem(recorded.failure());
  if (auto done = tx->commit(); !done) return refusal_problem(done.failure());
  auto r = json_response(201, {{"member_id", *id}});
  r.headers.emplace_back("Location", "/api/v1/admin/members/" + *id);
  return r;
}

Response get_member(CoreServices& core, const Request& req) {
  std::string id = req.path_param("member_id");
  auto connection = req.work().connection();
  if (!connection) return refusal_problem(connection.failure());
  auto& sql = **connection;
  soci::row row;
  sql << "SELECT " << kMemberColumns << " FROM members WHERE member_id = :id", soci::use(id), soci::into(row);
  if (!sql.got_data()) return problem(404, "not_found", "No such member");
  auto member = member_json(sql, member_row(row));
  auto listed = core.sessions.list(req.work(), id);
  if (!listed) return refusal_problem(listed.failure());
  nlohmann::json sessions = nlohmann::json::array();
  for (const auto& s : *listed)
    sessions.push_back({{"session_id", s.session_id}, {"created_at", s.created_at}, {"last_seen_at", s.last_seen_at},
                        {"expires_at", s.expires_at}, {"ip", s.ip}, {"user_agent", s.user_agent}});
  member["sessions"] = sessions;
  return json_response(200, member);
}

Response revoke_member_sessions(CoreServices& core, const Request& req) {
  std::string id = req.path_param("member_id");
  auto& work = req.work();
  auto member = core.accounts.find_by_id(work, id);
  if (!member && member.failure().refusal == Refusal::not_found) return problem(404, "not_found", "No such member");
  if (!member) return refusal_problem(member.failure());
  auto tx = WriteTransaction::open(work);
  if (!tx) return refusal_problem(tx.failure());
  auto revoked = core.accounts.revoke_sessions(work, id, "");
  if (!revoked) return refusal_problem(revoked.failure());
  auto published = core.events.publish(
      work, "sessions.revoked",
      {{"member_id", id}, {"count", *revoked},
       {"by", acting_admin(req)},
       {"ip", req.client_ip()}});
  if (!published) return refusal_problem(published.failure());
  if (auto recorded = core.audit->record(work, nlohmann::json{{"count", *revoked}}.dump()); !recorded)
    return refusal_problem(recorded.failure());
  if (auto done = tx->commit(); !done) return refusal_problem(done.failure());
  return Response{204, "application/json; charset=utf-8", "", {}};
}

}  // namespace

std::vector<Route> admin_member_routes(CoreServices& core) {
  std::vector<Route> routes;
  routes.push_back({"GET", "/api/v1/admin/members", Access::admin, Body::none,
                    [](const Request& req) { return list_members(req); }});
  routes.push_back({"POST", "/api/v1/admin/members", Access::admin, Body::json,
                    [&core](const Request& req) { return create_member(core, req); }});
  routes.push_back({"GET", "/api/v1/admin/members/{member_id}", Access::admin, Body::none,
                    [&core](const Request& req) { return get_member(core, req); }});
  routes.push_back({"DELETE", "/api/v1/admin/members/{member_id}/sessions", Access::admin, Body::none,
                    [&core](const Request& req) { return revoke_member_sessions(core, req); }});
  return routes;
}

}  // namespace memberd
