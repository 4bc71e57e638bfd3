#pragma once
// The `Changes` one plugin version sees (SDK 2.12): its topics live under
// "plugin.<name>." on the daemon's change feed, so that no plugin hears or
// announces another's (or the core's sessions); its handlers are withdrawn
// together when the version retires, before its stop().
#include <memberd/changes.hpp>

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace memberd {

class ChangeFeed;

class PluginChanges final : public Changes {
 public:
  PluginChanges(ChangeFeed& feed, const std::string& plugin, const bool& registration_open);
  ~PluginChanges() override;  // withdraw()

  Result<void> announce(UnitOfWork& work, std::string_view topic, std::string_view key) override;
  void on_change(std::string_view topic, std::function<void(std::string_view key)> handler) override;
  bool live() const override;

  // Drops every handler; waits out one that is running. Idempotent.
  void withdraw();

 private:
  std::string feed_topic(std::string_view topic) const;

  ChangeFeed& feed_;
  std::string prefix_;
  const bool& registration_open_;
  std::mutex mutex_;
  std::vector<std::uint64_t> subscriptions_;
};

}  // namespace memberd
