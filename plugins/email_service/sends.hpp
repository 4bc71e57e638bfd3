#pragma once
// The marketplace's category sends (POST /api/v1/admin/messages): the
// email_service_sends rows, and the queuing of one page of recipients.
#include "routes.hpp"
#include "unsubscribe_links.hpp"

#include <memberd/host.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace memberd::email_service {

struct SendRecord {
  std::string send_id;
  std::string category_id;
  std::string subject;
  std::string text;
  std::string html;
  std::string audience = "members";  // members (named ids) | subscribers (everyone subscribed)
  std::string status = "running";    // running | done
  std::string next_after;            // subscribers: the last member_id handled
  std::int64_t queued = 0;
  std::int64_t skipped = 0;          // not subscribed to the category
  std::int64_t expected = 0;         // the audience when the send began
  std::int64_t created_at = 0;
  std::string created_by;
  std::optional<std::int64_t> finished_at;
};

// How many of `page`'s members got the message and how many were skipped.
struct PageOutcome {
  std::int64_t queued = 0;
  std::int64_t skipped = 0;
};

// The outbox batch that follows the send's messages.
inline std::string batch_of(const std::string& send_id) { return "send." + send_id; }

// Queues the send's message to each member of `page` subscribed to its
// category (their recorded choice, else the category's default), each with
// its own unsubscribe link signed by `key`. DB: reads, writes (joins the
// open transaction). Fails: busy.
Result<PageOutcome> mail_page(Context& ctx, UnitOfWork& work, const SendRecord& send, const std::vector<Member>& page,
                              const SigningKey& key);

// DB: writes (joins the open transaction). Fails: busy.
Result<void> insert_send(UnitOfWork& work, const SendRecord& send);
// Stores status, next_after, queued, skipped and finished_at.
// DB: writes (joins the open transaction). Fails: busy.
Result<void> save_progress(UnitOfWork& work, const SendRecord& send);
// DB: reads. Fails: not_found, busy.
Result<SendRecord> load_send(UnitOfWork& work, const std::string& send_id);
// The newest first. DB: reads. Fails: busy.
Result<std::vector<SendRecord>> recent_sends(UnitOfWork& work, int limit);

struct Audience {
  std::int64_t members = 0;
  std::int64_t subscribed = 0;
  std::int64_t unsubscribed = 0;
};
// Who a send to the category's subscribers would reach now. DB: reads.
// Fails: busy.
Result<Audience> audience_of(Context& ctx, UnitOfWork& work, const Category& category);

}  // namespace memberd::email_service
