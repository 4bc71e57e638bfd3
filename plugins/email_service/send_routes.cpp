// The marketplace's category sends (openapi.yaml beside it):
//   POST /api/v1/admin/messages             queue a send (named members now, every subscriber in pages)
//   GET  /api/v1/admin/messages             recent sends and their progress
//   GET  /api/v1/admin/messages/{send_id}   one send
//   GET  /api/v1/admin/messages/audience    how many a send to a category's subscribers reaches
#include "category_message.hpp"
#include "routes.hpp"
#include "send_pages.hpp"
#include "sends.hpp"

#include <memberd/json.hpp>
#include <memberd/list_query.hpp>
#include <memberd/problem.hpp>

#include <set>

namespace memberd::email_service {

namespace {

using FieldErrors = std::vector<std::pair<std::string, std::string>>;

constexpr std::size_t kMaxSubjectBytes = 200;
constexpr std::size_t kMaxTextBytes = 100'000;
constexpr std::size_t kMaxHtmlBytes = 200'000;
constexpr std::size_t kMaxNamedMembers = 1000;

nlohmann::json time_json(const Clock& clock, std::optional<std::int64_t> unix_time) {
  if (!unix_time) return nullptr;
  return clock.format(TimePoint(std::chrono::seconds(*unix_time)));
}

nlohmann::json send_json(const Clock& clock, const SendRecord& s, bool with_bodies) {
  nlohmann::json j{{"id", s.send_id},
                   {"batch", "email_service:" + batch_of(s.send_id)},
                   {"category", s.category_id},
                   {"subject", s.subject},
                   {"audience", s.audience},
                   {"status", s.status},
                   {"queued", s.queued},
                   {"skipped_unsubscribed", s.skipped},
                   {"expected", s.expected},
                   {"created_at", time_json(clock, s.created_at)},
                   {"created_by", s.created_by},
                   {"finished_at", time_json(clock, s.finished_at)}};
  if (with_bodies) {
    j["text"] = s.text;
    j["html"] = s.html;
  }
  return j;
}

void check_text(const nlohmann::json& body, const char* field, std::size_t max, bool required, FieldErrors& errors) {
  if (!body.contains(field)) {
    if (required) errors.emplace_back(field, "This is required.");
    return;
  }
  const auto& v = body[field];
  if (!v.is_string()) {
    errors.emplace_back(field, "Give text.");
    return;
  }
  const auto& text = v.get_ref<const std::string&>();
  if (required && text.find_first_not_of(" \t\r\n") == std::string::npos) {
    errors.emplace_back(field, "This is required.");
    return;
  }
  if (text.size() > max) {
    errors.emplace_back(field, "At most " + std::to_string(max) + " bytes.");
    return;
  }
  if (auto unknown = unknown_placeholder(text, send_placeholders()))
    errors.emplace_back(field, "There is no placeholder {{" + *unknown + "}}; the one you may use is {{email}}.");
}

// Which members a send names: the ids given (deduplicated), or every
// subscriber (nullopt).
std::optional<std::vector<std::string>> recipients_of(const nlohmann::json& body, FieldErrors& errors) {
  bool named = body.contains("member_ids");
  bool everyone = body.contains("subscribers");
  if (named == everyone) {
    errors.emplace_back("member_ids", "Give either member_ids (a list) or \"subscribers\": true.");
    return std::nullopt;
  }
  if (everyone) {
    if (body["subscribers"] != true) errors.emplace_back("subscribers", "Give true to send to every subscriber.");
    return std::nullopt;
  }
  const auto& ids = body["member_ids"];
  if (!ids.is_array() || ids.empty() || ids.size() > kMaxNamedMembers) {
    errors.emplace_back("member_ids", "Give a list of 1 to " + std::to_string(kMaxNamedMembers) + " member ids.");
    return std::nullopt;
  }
  std::set<std::string> unique;
  for (const auto& id : ids) {
    if (!id.is_string() || id.get_ref<const std::string&>().empty() || id.get_ref<const std::string&>().size() > 36 ||
        id.get_ref<const std::string&>().find_first_not_of("0123456789abcdefABCDEF-") != std::string::npos) {
      errors.emplace_back("member_ids", "Each entry is a member id, as GET /api/v1/admin/members lists them.");
      return std::nullopt;
    }
    unique.insert(id.get<std::string>());
  }
  return std::vector<std::string>(unique.begin(), unique.end());
}

Response post_message(Context& ctx, const Request& req) {
  const auto& body = req.json();
  if (!body.is_object()) return problem(422, "validation", "Some fields need attention", "Send a JSON object.");
  FieldErrors errors;
  for (const auto& [key, value] : body.items())
    if (key != "category" && key != "member_ids" && key != "subscribers" && key != "subject" && key != "text" &&
        key != "html")
      errors.emplace_back(key, "Unknown field (category, member_ids or subscribers, subject, text, html).");
  const Category* category = nullptr;
  if (!body.contains("category") || !body["category"].is_string())
    errors.emplace_back("category", "Choose a mail category.");
  else if (!(category = ctx.settings.category(body["category"].get<std::string>())))
    errors.emplace_back("category", "There is no such mail category.");
  check_text(body, "subject", kMaxSubjectBytes, true, errors);
  if (body.contains("subject") && body["subject"].is_string() &&
      body["subject"].get_ref<const std::string&>().find_first_of("\r\n") != std::string::npos)
    errors.emplace_back("subject", "A subject is one line: remove the line breaks.");
  check_text(body, "text", kMaxTextBytes, true, errors);
  check_text(body, "html", kMaxHtmlBytes, false, errors);
  auto named = recipients_of(body, errors);
  if (!errors.empty()) return problem(422, "validation", "Some fields need attention", {}, errors);

  auto& work = req.work();
  auto id = ctx.host.secrets().random_token(12);
  if (!id) return refusal_problem(id.failure());
  SendRecord send;
  send.send_id = *id;
  send.category_id = category->id;
  send.subject = body["subject"].get<std::string>();
  send.text = body["text"].get<std::string>();
  send.html = body.value("html", "");
  send.created_at = ctx.host.clock().unix_now();
  send.created_by = req.caller().socket_operator ? "operator" : req.caller().member_id;

  std::vector<Member> members;
  if (named) {
    // Read before the write transaction: at most two pages of 500.
    for (std::size_t at = 0; at < named->size(); at += 500) {
      std::vector<std::string> chunk(named->begin() + static_cast<long>(at),
                                     named->begin() + static_cast<long>(std::min(named->size(), at + 500)));
      auto found = ctx.host.accounts().find_by_ids(work, chunk);
      if (!found) return refusal_problem(found.failure());
      members.insert(members.end(), found->begin(), found->end());
    }
    send.audience = "members";
    send.expected = static_cast<std::int64_t>(members.size());
  } else {
    auto audience = audience_of(ctx, work, *category);
    if (!audience) return refusal_problem(audience.failure());
    send.audience = "subscribers";
    send.expected = audience->subscribed;
  }

  auto tx = WriteTransaction::open(work);
  if (!tx) return refusal_problem(tx.failure());
  std::int64_t unknown = 0;
  if (named) {
    // Up to 1,000 named members fit one short transaction.
    auto key = signing_key(ctx, work);
    if (!key) return refusal_problem(key.failure());
    auto outcome = mail_page(ctx, work, send, members, *key);
    if (!outcome) return refusal_problem(outcome.failure());
    send.queued = outcome->queued;
    send.skipped = outcome->skipped;
    send.status = "done";
    send.finished_at = send.created_at;
    unknown = static_cast<std::int64_t>(named->size() - members.size());
  }
  MEMBERD_TRY(insert_send(work, send));
  MEMBERD_TRY(ctx.host.events().publish(work, kSendStarted,
                                        {{"send_id", send.send_id},
                                         {"category", send.category_id},
                                         {"audience", send.audience},
                                         {"by", send.created_by},
                                         {"ip", req.client_ip()}}));
  MEMBERD_TRY(ctx.host.record_admin_action(
      work, nlohmann::json{{"send_id", send.send_id}, {"category", send.category_id}, {"audience", send.audience}}.dump()));
  MEMBERD_TRY(tx->commit());
  auto out = send_json(ctx.host.clock(), send, false);
  out["unknown_members"] = unknown;
  return json_response(202, out);
}

Response list_sends(Context& ctx, const Request& req) {
  FieldErrors errors;
  int limit = list_limit(req, errors, 100, 20);
  if (!errors.empty()) return problem(422, "validation", "Some fields need attention", {}, errors);
  auto sends = recent_sends(req.work(), limit);
  if (!sends) return refusal_problem(sends.failure());
  nlohmann::json list = nlohmann::json::array();
  for (const auto& s : *sends) list.push_back(send_json(ctx.host.clock(), s, false));
  return json_response(200, {{"sends", list}});
}

Response get_send(Context& ctx, const Request& req) {
  auto send = load_send(req.work(), req.path_param("send_id"));
  if (!send) return refusal_problem(send.failure());
  return json_response(200, send_json(ctx.host.clock(), *send, true));
}

// ?category=<id>: that category's audience; without it, every category's.
Response get_audience(Context& ctx, const Request& req) {
  auto id = req.query("category");
  if (id && !ctx.settings.category(*id))
    return problem(422, "validation", "Some fields need attention", {}, {{"category", "There is no such mail category."}});
  nlohmann::json list = nlohmann::json::array();
  for (const auto& category : ctx.settings.categories) {
    if (id && category.id != *id) continue;
    auto audience = audience_of(ctx, req.work(), category);
    if (!audience) return refusal_problem(audience.failure());
    list.push_back({{"id", category.id},
                    {"label", category.label},
                    {"members", audience->members},
                    {"subscribed", audience->subscribed},
                    {"unsubscribed", audience->unsubscribed}});
  }
  return json_response(200, {{"categories", list}});
}

}  // namespace

void add_send_routes(Context& ctx) {
  ctx.host.add_route({"POST", "/api/v1/admin/messages", Access::admin, Body::json,
                      [&ctx](const Request& r) { return post_message(ctx, r); }});
  ctx.host.name_admin_action("POST", "/api/v1/admin/messages", "email_service.send");
  ctx.host.add_route({"GET", "/api/v1/admin/messages", Access::admin, Body::none,
                      [&ctx](const Request& r) { return list_sends(ctx, r); }});
  ctx.host.add_route({"GET", "/api/v1/admin/messages/audience", Access::admin, Body::none,
                      [&ctx](const Request& r) { return get_audience(ctx, r); }});
  ctx.host.add_route({"GET", "/api/v1/admin/messages/{send_id}", Access::admin, Body::none,
                      [&ctx](const Request& r) { return get_send(ctx, r); }});
}

}  // namespace memberd::email_service
