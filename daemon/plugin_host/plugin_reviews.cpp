#include "plugin_host/plugin_reviews.hpp"

#include "util/review_kind_names.hpp"

#include <stdexcept>

namespace memberd {

void PluginReviews::check_kind(std::string_view kind, const char* call) const {
  if (!is_own_review_kind(plugin_, kind))
    throw std::logic_error(std::string("Reviews::") + call + ": kind \"" + std::string(kind) + "\" is not " + plugin_ +
                           " or " + plugin_ + ".<word>");
}

Result<ReviewReceipt> PluginReviews::submit(UnitOfWork& work, std::string_view kind, std::string_view member_id,
                                            const nlohmann::json& pending, const nlohmann::json& published,
                                            std::chrono::seconds review_window) {
  check_kind(kind, "submit");
  return queue_.submit(work, kind, member_id, pending, published, review_window);
}

Result<std::optional<ReviewRevision>> PluginReviews::pending(UnitOfWork& work, std::string_view kind,
                                                             std::string_view member_id) {
  check_kind(kind, "pending");
  return queue_.pending(work, kind, member_id);
}

Result<std::optional<ReviewRevision>> PluginReviews::last_decision(UnitOfWork& work, std::string_view kind,
                                                                   std::string_view member_id) {
  check_kind(kind, "last_decision");
  return queue_.last_decision(work, kind, member_id);
}

Result<bool> PluginReviews::withdraw(UnitOfWork& work, std::string_view kind, std::string_view member_id) {
  check_kind(kind, "withdraw");
  return queue_.withdraw(work, kind, member_id);
}

}  // namespace memberd
