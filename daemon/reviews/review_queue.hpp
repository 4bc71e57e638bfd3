#pragma once
// The review queue (SDK 2.6 Reviews) and what the admin routes do with it.
// Plugins submit revisions; admins list, claim and decide them; each
// decision is a review.approved / review.rejected event in the decision's
// transaction, so the submitting plugin publishes exactly what was
// approved even across a hot swap or restart. Tables: review_items and
// review_history (core migration 006).
#include <memberd/host.hpp>
#include <memberd/list_query.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace memberd {

class EventBus;
class LogSink;

struct ReviewListQuery {
  std::string status = "pending";  // pending|approved|rejected|superseded|withdrawn
  std::vector<std::string> kinds;  // empty: every kind
  bool overdue_only = false;
  int limit = 50;
  std::string cursor;  // from a previous page's next_cursor
};

struct ReviewDecision {
  bool approve = true;
  std::string reason;  // a rejection's reason (required then)
};

struct ReviewFigures {
  long long pending = 0, overdue = 0;
  long long oldest_pending_seconds = 0;  // 0 when nothing is pending
};

class ReviewQueue final : public Reviews {
 public:
  // `log` takes what fails unexpectedly inside a call (service_boundary.hpp).
  ReviewQueue(EventBus& events, const Clock& clock, LogSink& log) : events_(events), clock_(clock), log_(log) {}

  // --- Reviews (for plugins) ---
  Result<ReviewReceipt> submit(UnitOfWork& work, std::string_view kind, std::string_view member_id,
                               const nlohmann::json& pending, const nlohmann::json& published,
                               std::chrono::seconds review_window) override;
  Result<std::optional<ReviewRevision>> pending(UnitOfWork& work, std::string_view kind,
                                                std::string_view member_id) override;
  Result<std::optional<ReviewRevision>> last_decision(UnitOfWork& work, std::string_view kind,
                                                      std::string_view member_id) override;
  Result<bool> withdraw(UnitOfWork& work, std::string_view kind, std::string_view member_id) override;

  // --- for the admin routes ---
  // {"items": [...], "next_cursor"}: oldest first. A malformed cursor is
  // not_found (the route says 422 before it gets here).
  Result<nlohmann::json> list(UnitOfWork& work, const ReviewListQuery& query);
  // One item with its history and the member's email. Fails: not_found.
  Result<nlohmann::json> item(UnitOfWork& work, std::string_view revision_id);
  // Claims a pending item for `admin_id`. Another admin's claim is a
  // conflict unless `take_over` (recorded). Fails: not_found, conflict
  // (decided, superseded, or claimed by another), busy.
  Result<void> claim(UnitOfWork& work, std::string_view revision_id, std::string_view admin_id, bool take_over);
  // Approves or rejects the pending revision `revision_id` — the one the
  // admin saw: a superseded or decided revision is a conflict, as is one
  // another admin has claimed. Exactly one of two concurrent decisions wins.
  // Fails: not_found, conflict, busy.
  Result<void> decide(UnitOfWork& work, std::string_view revision_id, std::string_view admin_id,
                      const ReviewDecision& decision);
  Result<ReviewFigures> figures(UnitOfWork& work);
  // Deletes up to `batch` superseded or withdrawn items submitted before
  // `superseded_before`, and decided ones decided before `decided_before`
  // (nullopt: decided items are kept), each with its history
  // (retention.superseded_reviews, retention.decided_reviews). Returns how many.
  Result<int> purge(UnitOfWork& work, TimePoint superseded_before, std::optional<TimePoint> decided_before,
                    int batch = 1000);

  // A `next_cursor` this queue wrote ("<submitted_at>.<revision_id>"), or
  // nullopt for anything else (answer 422).
  static std::optional<PageCursor> parse_cursor(std::string_view text);
  // A kind as the queue stores it: [a-z0-9_.], 1 to 64 characters.
  static bool is_kind(std::string_view kind);

 private:
  EventBus& events_;
  const Clock& clock_;
  LogSink& log_;
};

}  // namespace memberd
