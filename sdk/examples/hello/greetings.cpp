#include "greetings.hpp"

#include <memberd/database.hpp>
#include <memberd/json.hpp>
#include <memberd/database.hpp>
#include <soci/soci.h>

namespace hello {

memberd::Response list_greetings(memberd::Host& host) {
  auto lease = host.database().lease();
  soci::rowset<soci::row> rows = (lease->sql().prepare << "SELECT member_id, text FROM hello_greetings ORDER BY id DESC LIMIT 20");
  nlohmann::json items = nlohmann::json::array();
  for (const auto& row : rows) items.push_back({{"member_id", row.get<std::string>(0)}, {"text", row.get<std::string>(1)}});
  return memberd::json_response(200, {{"items", items}});
}

memberd::Response add_greeting(memberd::Host& host, const memberd::Request& request, std::size_t max_length) {
  auto text = memberd::string_field(request.json(), "text");
  if (!text || text->empty() || text->size() > max_length)
    return memberd::problem(422, "validation", "Some fields need attention", {},
                            {{"text", "Write 1 to " + std::to_string(max_length) + " characters."}});
  std::string member = request.caller().member_id;
  long long now = std::chrono::duration_cast<std::chrono::seconds>(host.clock().now().time_since_epoch()).count();
  auto lease = host.database().lease();
  // The row and its event commit together: subscribers see exactly the greetings that exist.
  memberd::Transaction tx(*lease);
  tx.sql() << "INSERT INTO hello_greetings (member_id, text, created_at) VALUES (:m, :t, :c)", soci::use(member),
      soci::use(*text), soci::use(now);
  host.events().publish(tx.sql(), "hello.greeted", {{"member_id", member}});
  tx.commit();
  host.metrics().increment("greetings_total", "Greetings left by members");
  return memberd::json_response(201, {{"text", *text}});
}

}  // namespace hello
