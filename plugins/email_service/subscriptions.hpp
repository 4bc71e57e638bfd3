#pragma once
// Members' choices per category (email_service_subscriptions).
#include "settings.hpp"

#include <memberd/result.hpp>
#include <memberd/unit_of_work.hpp>

#include <cstdint>
#include <map>
#include <string>

namespace memberd::email_service {

// The member's recorded choices, by category id (categories without a row
// take their default). DB: reads. Fails: busy.
Result<std::map<std::string, bool>> recorded_choices(UnitOfWork& work, const std::string& member_id);

// Whether `choices` (recorded_choices) have the member subscribed to
// `category`: their recorded choice, else the category's default.
inline bool is_subscribed(const std::map<std::string, bool>& choices, const Category& category) {
  auto chosen = choices.find(category.id);
  return chosen == choices.end() ? category.subscribed_by_default : chosen->second;
}

// Records one choice; `by` is "member", "unsubscribe_link" or "admin".
// DB: writes (joins the open transaction). Fails: busy.
Result<void> record_choice(UnitOfWork& work, const std::string& member_id, const std::string& category_id,
                           bool subscribed, std::int64_t at, const std::string& by);

}  // namespace memberd::email_service
