#include "send_pages.hpp"
#include "sends.hpp"

#include <nlohmann/json.hpp>

namespace memberd::email_service {

namespace {

Result<void> send_next_page(Context& ctx, const Event& event, UnitOfWork& work) {
  auto payload = nlohmann::json::parse(event.payload, nullptr, false);
  if (!payload.is_object() || !payload.contains("send_id") || !payload["send_id"].is_string()) return {};
  auto send = load_send(work, payload["send_id"].get<std::string>());
  if (!send) return send.failure().refusal == Refusal::not_found ? Result<void>{} : Result<void>(send.failure());
  // Named-member sends are done when they start; an event seen twice finds
  // its page already done.
  if (send->status != "running" || send->audience != "subscribers") return {};

  auto page = ctx.host.accounts().members_after(work, send->next_after, kSendPageSize);
  if (!page) return page.failure();
  if (!page->empty()) {
    auto key = signing_key(ctx, work);
    if (!key) return key.failure();
    auto outcome = mail_page(ctx, work, *send, *page, *key);
    if (!outcome) return outcome.failure();
    send->queued += outcome->queued;
    send->skipped += outcome->skipped;
    send->next_after = page->back().member_id;
  }
  if (static_cast<int>(page->size()) < kSendPageSize) {
    send->status = "done";
    send->finished_at = ctx.host.clock().unix_now();
  }
  if (auto saved = save_progress(work, *send); !saved) return saved;
  if (send->status == "running") return ctx.host.events().publish(work, kSendContinues, {{"send_id", send->send_id}});
  ctx.host.logger().info("category send queued", {{"send_id", send->send_id},
                                                  {"queued", std::to_string(send->queued)},
                                                  {"skipped", std::to_string(send->skipped)}});
  return {};
}

}  // namespace

void subscribe_send_pages(Context& ctx) {
  ctx.host.events().subscribe("email_service.send_pages", {kSendStarted, kSendContinues},
                              [&ctx](const Event& event, UnitOfWork& work) { return send_next_page(ctx, event, work); });
}

}  // namespace memberd::email_service
