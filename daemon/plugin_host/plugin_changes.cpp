#include "plugin_host/plugin_changes.hpp"

#include "storage/change_feed.hpp"

#include <stdexcept>

namespace memberd {

PluginChanges::PluginChanges(ChangeFeed& feed, const std::string& plugin, const bool& registration_open)
    : feed_(feed), prefix_("plugin." + plugin + "."), registration_open_(registration_open) {}

PluginChanges::~PluginChanges() { withdraw(); }

// The feed checks the characters; the length is the SDK's promise (40), so
// that any plugin name fits the feed's own limit.
std::string PluginChanges::feed_topic(std::string_view topic) const {
  if (topic.empty() || topic.size() > 40) throw std::invalid_argument("a change's topic is 1-40 characters");
  return prefix_ + std::string(topic);
}

Result<void> PluginChanges::announce(UnitOfWork& work, std::string_view topic, std::string_view key) {
  return feed_.announce(work, feed_topic(topic), key);
}

void PluginChanges::on_change(std::string_view topic, std::function<void(std::string_view key)> handler) {
  if (!registration_open_) throw std::logic_error("Changes::on_change may only be called from start()");
  if (!handler) throw std::invalid_argument("Changes::on_change needs a handler");
  auto id = feed_.subscribe(feed_topic(topic), std::move(handler));
  std::lock_guard lock(mutex_);
  subscriptions_.push_back(id);
}

bool PluginChanges::live() const { return feed_.live(); }


void PluginChanges::withdraw() {
  std::vector<std::uint64_t> ids;
  {
    std::lock_guard lock(mutex_);
    ids.swap(subscriptions_);
  }
  for (auto id : ids) feed_.unsubscribe(id);
}

}  // namespace memberd
