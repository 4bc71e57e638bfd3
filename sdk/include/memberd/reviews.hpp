#pragma once
// Reviews: the host's moderation queue (since SDK 2.6).
//
// What a member publishes (a profile, a photo, a third party's kind) waits
// for an admin when your plugin submits it here instead of publishing it.
// The host keeps the queue, its due times and every item's history, shows
// it in the console and the admin API (/api/v1/admin/reviews), and tells
// your plugin each decision as a durable event, published in the
// decision's own transaction:
//
//   review.approved  {"revision_id", "kind", "member_id", "fields", "decided_by", "decided_at"}
//   review.rejected  {"revision_id", "kind", "member_id", "fields", "reason", "decided_by", "decided_at"}
//
// `fields` is the JSON object you submitted. Subscribe to both (Events::
// subscribe) and publish on `review.approved` for your kind: the event
// outlives a hot swap or a restart between the decision and your handler,
// and your handler's writes commit with the cursor's advance, so the
// publication happens exactly once.
#include <memberd/result.hpp>
#include <memberd/unit_of_work.hpp>

#include <nlohmann/json_fwd.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace memberd {

// What submit() queued. Times are RFC 3339 UTC.
struct ReviewReceipt {
  std::string revision_id;
  std::string submitted_at;
  std::string due_at;      // submitted_at + the review window
  std::string superseded;  // the revision this one replaced, or empty
};

// One revision of a member's item, as pending() and last_decision() give it.
struct ReviewRevision {
  std::string revision_id;
  std::string kind;
  std::string member_id;
  std::string status;  // "pending", "approved", "rejected", "superseded" or (2.7) "withdrawn"
  std::string fields;  // the submitted JSON object, as text
  std::string submitted_at;
  std::string due_at;
  std::string decided_at;  // empty while pending
  std::string reason;      // a rejection's reason, else empty
};

// FROZEN from 2.9 (crosses the boundary; see version.hpp).
// How the console shows one of your kinds (Host::add_review_kind, 2.9). The
// console names no plugin: the queue's kind filter, an item's heading, the
// reasons offered when rejecting and the view of what would change all come
// from here. A kind nobody declared is shown by its name, with its fields
// as a table of published and pending values.
struct ReviewKind {
  std::string kind;   // your plugin's name or "<plugin>.<word>" (a-z, 0-9, _ and ., at most 64), as submit() takes it
  std::string title;  // a singular noun, 1 to 40 bytes: "Photo" ("Photo of sue@example.com")
  // Offered when rejecting (the admin may also write a reason): at most 50,
  // each 1 to 500 bytes.
  std::vector<std::string> reject_reasons;
  // A console ES module among your UI files (Host::add_ui_files) that shows
  // an item, or empty for the field table. It exports
  //   render(item, kit)    -> the element that shows what would change
  //   thumbnail(item, kit) -> (optional) a small element for the item's row
  // `item` is GET /api/v1/admin/reviews/{id}'s answer (a row of the list,
  // for thumbnail); `kit` is the console's (docs/web.md).
  std::string module;
  // Style sheets among your UI files, loaded before the module runs.
  std::vector<std::string> styles;
};

class Reviews {
 public:
  virtual ~Reviews() = default;
  // Queues `pending` (a JSON object: what would be published) for an admin,
  // beside `published` (what members see now, or null), due
  // `review_window` from now. `kind` is your plugin's name or
  // "<plugin>.<word>" (anything else: std::logic_error, a bug). A pending
  // revision of the same kind and member is superseded by this one (its
  // history says so); one member has at most one pending revision per kind.
  // Submit inside the write transaction of the change it belongs to.
  // DB: writes. Fails: not_found (no such member), busy.
  virtual Result<ReviewReceipt> submit(UnitOfWork& work, std::string_view kind, std::string_view member_id,
                                       const nlohmann::json& pending, const nlohmann::json& published,
                                       std::chrono::seconds review_window) = 0;
  // The member's pending revision of `kind`, if any. DB: reads. Fails: busy.
  virtual Result<std::optional<ReviewRevision>> pending(UnitOfWork& work, std::string_view kind,
                                                        std::string_view member_id) = 0;
  // The member's most recently decided revision of `kind` (approved or
  // rejected), if any. DB: reads. Fails: busy.
  virtual Result<std::optional<ReviewRevision>> last_decision(UnitOfWork& work, std::string_view kind,
                                                              std::string_view member_id) = 0;

  // --- SDK 2.7 ---
  // The member took back what they submitted (they deleted the photo): the
  // member's pending revision of `kind` leaves the queue with status
  // "withdrawn", recorded in its history; an admin's decision on it is
  // then a conflict. True when there was one. Call inside the write
  // transaction of the change it belongs to. DB: writes. Fails: busy.
  virtual Result<bool> withdraw(UnitOfWork& work, std::string_view kind, std::string_view member_id) = 0;
};

}  // namespace memberd
