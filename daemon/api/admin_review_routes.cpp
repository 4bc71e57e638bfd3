// The review queue for admins (api/openapi.yaml, /api/v1/admin/reviews; SDK 2.6 Reviews): list
// oldest first with kind and overdue filters, one item with its history,
// claim, approve, reject with a reason, bulk approve, and the queue's
// figures for the console's header.
#include "api/acting_admin.hpp"
#include "api/recorded_change.hpp"
#include "api/core_services.hpp"
#include "metrics/registry.hpp"
#include "plugin_host/plugin_host.hpp"
#include "reviews/review_queue.hpp"

#include <memberd/json.hpp>
#include <memberd/list_query.hpp>
#include <memberd/problem.hpp>
#include <memberd/text.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>

namespace memberd {

namespace {

using FieldErrors = std::vector<std::pair<std::string, std::string>>;

constexpr std::size_t kMaxReasonCharacters = 500;
constexpr std::size_t kMaxBulk = 100;

std::string trimmed(const std::string& text) {
  auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

// A reason the member will read in a mail: well-formed UTF-8, line breaks
// allowed, no other controls, at most kMaxReasonCharacters characters.
bool fit_reason(const std::string& text) {
  std::size_t characters = 0;
  for (std::size_t at = 0; at < text.size(); ++characters) {
    char32_t code_point = 0;
    std::size_t length = utf8_decode(text, at, code_point);
    if (length == 0 || (is_control_character(code_point) && code_point != U'\n')) return false;
    at += length;
  }
  return characters <= kMaxReasonCharacters;
}

Response list_reviews(CoreServices& core, const Request& req) {
  FieldErrors errors;
  ReviewListQuery query;
  query.limit = list_limit(req, errors);
  query.status = req.query("status").value_or("pending");
  if (query.status != "pending" && query.status != "approved" && query.status != "rejected" &&
      query.status != "superseded" && query.status != "withdrawn")
    errors.emplace_back("status", "Give pending, approved, rejected, superseded or withdrawn.");
  if (auto kinds = req.query("kind"); kinds && !kinds->empty()) {
    std::size_t start = 0;
    while (start <= kinds->size()) {
      auto comma = kinds->find(',', start);
      std::string kind = kinds->substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (!ReviewQueue::is_kind(kind) || query.kinds.size() >= 20) {
        errors.emplace_back("kind", "Give kinds (a-z, 0-9, _ and ., as the plugins name them), separated by commas.");
        break;
      }
      query.kinds.push_back(kind);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  if (auto overdue = req.query("overdue"); overdue && !overdue->empty()) {
    if (*overdue == "true") query.overdue_only = true;
    else if (*overdue != "false") errors.emplace_back("overdue", "Give true or false.");
  }
  query.cursor = req.query("cursor").value_or("");
  if (!query.cursor.empty() && !ReviewQueue::parse_cursor(query.cursor))
    errors.emplace_back("cursor", "This is not a cursor from a previous page.");
  if (!errors.empty()) return problem(422, "validation", "Some parameters need attention", {}, errors);
  auto page = core.reviews.list(req.work(), query);
  if (!page) return refusal_problem(page.failure());
  return json_response(200, *page);
}

Response review_summary(CoreServices& core, const Request& req) {
  auto figures = core.reviews.figures(req.work());
  if (!figures) return refusal_problem(figures.failure());
  return json_response(200, {{"pending", figures->pending},
                             {"overdue", figures->overdue},
                             {"oldest_pending_seconds", figures->oldest_pending_seconds}});
}

// The kinds the serving plugins declared (Host::add_review_kind): what the
// console's filter, headings, reject reasons and item views come from. No
// database: a plugin's version carries them.
Response review_kinds(CoreServices& core, const Request&) {
  auto kinds = core.plugins.review_kinds();
  std::sort(kinds.begin(), kinds.end(), [](const auto& a, const auto& b) { return a.kind.kind < b.kind.kind; });
  nlohmann::json out = nlohmann::json::array();
  for (const auto& k : kinds)
    out.push_back({{"kind", k.kind.kind},
                   {"plugin", k.plugin},
                   {"title", k.kind.title},
                   {"reject_reasons", k.kind.reject_reasons},
                   {"module", k.module_url.empty() ? nlohmann::json(nullptr) : nlohmann::json(k.module_url)},
                   {"styles", k.style_urls}});
  return json_response(200, {{"kinds", std::move(out)}});
}

Response no_such_item() {
  return problem(404, "not_found", "No such review item", "There is no review item with that id.");
}

Response show_review(CoreServices& core, const Request& req) {
  auto found = core.reviews.item(req.work(), req.path_param("revision_id"));
  if (!found) return found.failure().refusal == Refusal::not_found ? no_such_item() : refusal_problem(found.failure());
  return json_response(200, *found);
}

// 200 with the item as it is after the change.
Response item_after(CoreServices& core, const Request& req, const Result<void>& done) {
  if (!done) return done.failure().refusal == Refusal::not_found ? no_such_item() : refusal_problem(done.failure());
  return show_review(core, req);
}

Response claim_review(CoreServices& core, const Request& req) {
  const auto& body = req.json();
  bool take_over = false;
  if (body.is_object() && body.contains("take_over")) {
    if (!body["take_over"].is_boolean())
      return problem(422, "validation", "Some fields need attention", {}, {{"take_over", "Give true or false."}});
    take_over = body["take_over"].get<bool>();
  }
  return item_after(core, req, recorded_change(*core.audit, req.work(), [&] {
                      return core.reviews.claim(req.work(), req.path_param("revision_id"), acting_admin(req), take_over);
                    }, {{"take_over", take_over}}));
}

void count_decision(CoreServices& core, bool approved) {
  core.metrics
      .counter("memberd_reviews_decisions_total", "Review decisions, by outcome",
               {{"outcome", approved ? "approved" : "rejected"}})
      .inc();
}

// Decides, and counts the decision by outcome once it stands.
Result<void> decide(CoreServices& core, const Request& req, const std::string& revision_id, ReviewDecision decision) {
  auto done = core.reviews.decide(req.work(), revision_id, acting_admin(req), decision);
  if (done && !req.work().in_transaction()) count_decision(core, decision.approve);
  return done;
}

// One decision and its audit record commit together.
Result<void> decide_recorded(CoreServices& core, const Request& req, ReviewDecision decision) {
  auto done = recorded_change(*core.audit, req.work(),
                              [&] { return decide(core, req, req.path_param("revision_id"), decision); },
                              {{"decision", decision.approve ? "approve" : "reject"}});
  if (done) count_decision(core, decision.approve);  // committed with its record
  return done;
}

Response approve_review(CoreServices& core, const Request& req) {
  return item_after(core, req, decide_recorded(core, req, {true, {}}));
}

Response reject_review(CoreServices& core, const Request& req) {
  const auto& body = req.json();
  std::string reason;
  if (body.is_object() && body.contains("reason") && body["reason"].is_string())
    reason = trimmed(body["reason"].get<std::string>());
  if (reason.empty())
    return problem(422, "validation", "Some fields need attention", {},
                   {{"reason", "Say why, in words the member will read."}});
  if (!fit_reason(reason))
    return problem(422, "validation", "Some fields need attention", {},
                   {{"reason", "Use at most " + std::to_string(kMaxReasonCharacters) + " characters of plain text."}});
  return item_after(core, req, decide_recorded(core, req, {false, reason}));
}

// Each item is decided on its own: one that changed meanwhile does not stop
// the rest.
Response bulk_approve(CoreServices& core, const Request& req) {
  const auto& body = req.json();
  const nlohmann::json* ids = body.is_object() && body.contains("revision_ids") ? &body["revision_ids"] : nullptr;
  bool shaped = ids && ids->is_array() && !ids->empty() && ids->size() <= kMaxBulk;
  if (shaped)
    for (const auto& id : *ids) shaped = shaped && id.is_string() && !id.get<std::string>().empty() && id.get<std::string>().size() <= 64;
  if (!shaped)
    return problem(422, "validation", "Some fields need attention", {},
                   {{"revision_ids", "Give a list of 1 to " + std::to_string(kMaxBulk) + " review item ids."}});
  nlohmann::json results = nlohmann::json::array();
  int approved = 0;
  for (const auto& id : *ids) {
    auto done = decide(core, req, id.get<std::string>(), {true, {}});
    nlohmann::json outcome = {{"revision_id", id}};
    if (done) {
      outcome["status"] = "approved";
      ++approved;
    } else if (done.failure().refusal == Refusal::not_found) {
      outcome["status"] = "not_found";
    } else if (done.failure().refusal == Refusal::conflict) {
      outcome["status"] = "conflict";
      outcome["detail"] = done.failure().detail;
    } else {
      return refusal_problem(done.failure());  // an outage: what was approved stays approved
    }
    results.push_back(std::move(outcome));
    // Each decision commits on its own; the one record of the bulk action
    // (written after the answer) says which were made, even if an outage
    // stops the rest.
    core.audit->describe(req.work(), {{"results", results}});
  }
  return json_response(200, {{"approved", approved}, {"results", results}});
}

}  // namespace

std::vector<Route> admin_review_routes(CoreServices& core) {
  auto with = [&core](Response (*handler)(CoreServices&, const Request&)) {
    return [&core, handler](const Request& req) { return handler(core, req); };
  };
  return {
      {"GET", "/api/v1/admin/reviews", Access::admin, Body::none, with(list_reviews)},
      {"GET", "/api/v1/admin/reviews/summary", Access::admin, Body::none, with(review_summary)},
      {"GET", "/api/v1/admin/reviews/kinds", Access::admin, Body::none, with(review_kinds)},
      {"POST", "/api/v1/admin/reviews/approve", Access::admin, Body::json, with(bulk_approve)},
      {"GET", "/api/v1/admin/reviews/{revision_id}", Access::admin, Body::none, with(show_review)},
      {"POST", "/api/v1/admin/reviews/{revision_id}/claim", Access::admin, Body::json, with(claim_review)},
      {"POST", "/api/v1/admin/reviews/{revision_id}/approve", Access::admin, Body::none, with(approve_review)},
      {"POST", "/api/v1/admin/reviews/{revision_id}/reject", Access::admin, Body::json, with(reject_review)},
  };
}

}  // namespace memberd
