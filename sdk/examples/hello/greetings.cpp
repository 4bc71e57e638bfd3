#include "greetings.hpp"

#include <memberd/database.hpp>
#include <memberd/json.hpp>

namespace hello {

memberd::Response list_greetings(const memberd::Request& request) {
  auto sql = request.work().connection();
  if (!sql) return memberd::refusal_problem(sql.failure());
  soci::rowset<soci::row> rows =
      ((*sql)->prepare << "SELECT member_id, text FROM hello_greetings ORDER BY id DESC LIMIT 20");
  nlohmann::json items = nlohmann::json::array();
  for (const auto& row : rows) items.push_back({{"member_id", row.get<std::string>(0)}, {"text", row.get<std::string>(1)}});
  return memberd::json_response(200, {{"items", items}});
}

memberd::Response add_greeting(memberd::Host& host, const memberd::Request& request, std::size_t max_length) {
  // The socket operator passes Access::member but is no member.
  if (request.caller().member_id.empty())
    return memberd::problem(403, "member_only", "Members only", "Sign in as a member.");
  auto text = memberd::string_field(request.json(), "text");
  if (!text || text->empty() || text->size() > max_length)
    return memberd::problem(422, "validation", "Some fields need attention", {},
                            {{"text", "Write 1 to " + std::to_string(max_length) + " characters."}});
  std::string member = request.caller().member_id;
  long long now = host.clock().unix_now();
  // The row and its event commit together: subscribers see exactly the greetings that exist.
  auto& work = request.work();
  auto tx = memberd::WriteTransaction::open(work);
  if (!tx) return memberd::refusal_problem(tx.failure());
  tx->sql() << "INSERT INTO hello_greetings (member_id, text, created_at) VALUES (:m, :t, :c)", soci::use(member),
      soci::use(*text), soci::use(now);
  MEMBERD_TRY(host.events().publish(work, "hello.greeted", {{"member_id", member}}));
  MEMBERD_TRY(tx->commit());
  host.metrics().increment("greetings_total", "Greetings left by members");
  return memberd::json_response(201, {{"text", *text}});
}

}  // namespace hello
