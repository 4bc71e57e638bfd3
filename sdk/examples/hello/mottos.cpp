#include "mottos.hpp"

#include <memberd/database.hpp>
#include <memberd/json.hpp>

#include <nlohmann/json.hpp>

#include <optional>

namespace hello {

namespace {

// The member's published motto, if an admin approved one.
memberd::Result<std::optional<std::string>> published_motto(memberd::UnitOfWork& work, const std::string& member_id) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  std::string text;
  soci::indicator found = soci::i_null;
  **sql << "SELECT text FROM hello_mottos WHERE member_id = :m", soci::use(member_id), soci::into(text, found);
  if (!(*sql)->got_data() || found != soci::i_ok) return std::optional<std::string>();
  return std::optional<std::string>(text);
}

nlohmann::json text_or_null(const std::optional<std::string>& text) {
  return text ? nlohmann::json(*text) : nlohmann::json(nullptr);
}

memberd::Response show_motto(memberd::Host& host, const memberd::Request& request) {
  const std::string member = request.caller().member_id;
  // The socket operator passes Access::member but is no member.
  if (member.empty()) return memberd::problem(403, "member_only", "Members only", "Sign in as a member.");
  auto& work = request.work();
  auto published = published_motto(work, member);
  if (!published) return memberd::refusal_problem(published.failure());
  auto pending = host.reviews().pending(work, kMottoKind, member);
  if (!pending) return memberd::refusal_problem(pending.failure());
  auto decided = host.reviews().last_decision(work, kMottoKind, member);
  if (!decided) return memberd::refusal_problem(decided.failure());

  nlohmann::json body{{"published", text_or_null(*published)}, {"pending", nullptr}, {"last_decision", nullptr}};
  if (*pending) {
    auto fields = nlohmann::json::parse((*pending)->fields, nullptr, false);
    body["pending"] = {{"text", fields.is_object() ? fields.value("text", "") : ""},
                       {"submitted_at", (*pending)->submitted_at},
                       {"due_at", (*pending)->due_at}};
  }
  if (*decided)
    body["last_decision"] = {{"status", (*decided)->status},
                             {"reason", (*decided)->reason},
                             {"decided_at", (*decided)->decided_at}};
  return memberd::json_response(200, body);
}

memberd::Response submit_motto(memberd::Host& host, const memberd::Request& request, const MottoRules& rules) {
  if (request.caller().member_id.empty())
    return memberd::problem(403, "member_only", "Members only", "Sign in as a member.");
  auto text = memberd::string_field(request.json(), "text");
  if (!text || text->empty() || text->size() > rules.max_length)
    return memberd::problem(422, "validation", "Some fields need attention", {},
                            {{"text", "Write 1 to " + std::to_string(rules.max_length) + " characters."}});
  const std::string member = request.caller().member_id;
  auto& work = request.work();
  auto tx = memberd::WriteTransaction::open(work);
  if (!tx) return memberd::refusal_problem(tx.failure());
  auto published = published_motto(work, member);
  if (!published) return memberd::refusal_problem(published.failure());
  // What the admin compares: the new motto beside the one others see now.
  auto receipt = host.reviews().submit(work, kMottoKind, member, {{"text", *text}},
                                       *published ? nlohmann::json{{"text", **published}} : nlohmann::json(nullptr),
                                       rules.review_window);
  if (!receipt) return memberd::refusal_problem(receipt.failure());
  MEMBERD_TRY(tx->commit());
  return memberd::json_response(202, {{"revision_id", receipt->revision_id}, {"due_at", receipt->due_at}});
}

// A rejected motto is told to its member, with the admin's reason, from the
// template mail/motto-rejected.txt (which an operator may replace).
memberd::Result<void> tell_rejected(memberd::Host& host, memberd::UnitOfWork& work, const std::string& member,
                                    const std::string& text, const nlohmann::json& payload) {
  auto account = host.accounts().find_by_id(work, member);
  if (!account) return account.failure().refusal == memberd::Refusal::not_found ? memberd::Result<void>{}
                                                                               : memberd::Result<void>(account.failure());
  const auto reason = payload.find("reason");
  return host.mail().enqueue_template(
      work, account->email, "motto-rejected",
      {{"motto", text},
       {"reason", reason != payload.end() && reason->is_string() ? reason->get<std::string>() : ""},
       {"motto_url", host.public_url() + "/account/#/hello/greetings"}});
}

memberd::Result<void> on_decision(memberd::Host& host, const memberd::Event& event, memberd::UnitOfWork& work) {
  auto payload = nlohmann::json::parse(event.payload, nullptr, false);
  if (!payload.is_object() || payload.value("kind", "") != kMottoKind) return {};
  const std::string member = payload.value("member_id", "");
  const std::string revision = payload.value("revision_id", "");
  auto fields = payload.find("fields");
  if (member.empty() || fields == payload.end() || !fields->is_object() || !(*fields)["text"].is_string()) return {};
  const std::string text = (*fields)["text"].get<std::string>();
  if (event.type == "review.rejected") return tell_rejected(host, work, member, text, payload);
  const long long now = host.clock().unix_now();
  auto sql = work.connection();
  if (!sql) return sql.failure();
  // Delivered at least once: a redelivery writes the same row again.
  **sql << "DELETE FROM hello_mottos WHERE member_id = :m", soci::use(member);
  **sql << "INSERT INTO hello_mottos (member_id, text, revision_id, published_at) VALUES (:m, :t, :r, :p)",
      soci::use(member), soci::use(text), soci::use(revision), soci::use(now);
  return {};
}

}  // namespace

void add_motto_routes(memberd::Host& host, MottoRules rules) {
  host.add_route({"GET", "/api/v1/hello/motto", memberd::Access::member, memberd::Body::none,
                  [&host](const memberd::Request& r) { return show_motto(host, r); }});
  host.add_route({"PUT", "/api/v1/hello/motto", memberd::Access::member, memberd::Body::json,
                  [&host, rules](const memberd::Request& r) { return submit_motto(host, r, rules); }});
}

void subscribe_to_motto_decisions(memberd::Host& host) {
  host.events().subscribe("hello.motto_decisions", {"review.approved", "review.rejected"},
                          [&host](const memberd::Event& event, memberd::UnitOfWork& work) {
                            return on_decision(host, event, work);
                          });
}

}  // namespace hello
