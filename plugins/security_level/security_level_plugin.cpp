// Registration only: what the plugin is, its schema and settings, its
// events, its routes and its retention sweep.
#include "context.hpp"
#include "embedded_files.hpp"
#include "records.hpp"

#include <memberd/migrations.hpp>
#include <memberd/plugin.hpp>

#include <condition_variable>
#include <mutex>
#include <thread>

namespace memberd::security_level {

namespace {
constexpr int kRetentionBatch = 1000;
constexpr std::chrono::minutes kRetentionEvery{10};
}  // namespace

class SecurityLevelPlugin final : public Plugin {
 public:
  PluginInfo info() const override {
    return {"security_level", "1.0.0", "Sign-in records with IP location, the last sign-in, the security level"};
  }
  std::vector<Migration> migrations() const override { return migrations_from_files(schema::files()); }
  std::vector<ConfigKey> config_schema() const override { return security_level::config_schema(); }

  void start(Host& host, const Config& config) override {
    context_ = std::make_unique<Context>(Context{host, read_settings(config)});
    subscribe_to_events(*context_);
    add_routes(*context_);
    add_device_routes(*context_);
    host.provide_member_data(member_data_provider(*context_));
    // The seed's "Security Level" comes after Change Password and the
    // security question (credentials: 30-50) and before Email Service (70).
    host.add_mail_templates(mail::files());
    host.add_ui_files(ui::files());
    host.add_api_description(openapi::files());
    host.add_ui({UiShell::account, "security-level", "Security Level", 60, Access::member, "security-level.js",
                 {"security-level.css"}});
    // Where the member is signed in, next to how safe the account is.
    host.add_ui({UiShell::account, "devices", "Your Devices", 65, Access::member, "devices.js", {"devices.css"}});
    host.add_ui({UiShell::console, "sign-ins", "Sign-ins", 20, Access::admin, "sign-ins.js", {"sign-ins.css"}});
    sweeper_ = std::thread([this] { sweep_loop(); });
  }

  void stop() override {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    if (sweeper_.joinable()) sweeper_.join();
  }

 private:
  // Deletes records past keep_records_for, a batch at a time, so no sweep
  // holds the write lock for long; then sleeps until the next round.
  void sweep_loop() {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, std::chrono::seconds(5), [&] { return stopping_; })) {
      lock.unlock();
      sweep_once();
      lock.lock();
      wake_.wait_for(lock, kRetentionEvery, [&] { return stopping_; });
      if (stopping_) return;
    }
  }

  void sweep_once() {
    auto& ctx = *context_;
    // Several daemons on one database: the leader sweeps for all of them.
    if (!ctx.host.leading()) return;
    auto before = ctx.host.clock().unix_now() - ctx.settings.keep_records_for.count();
    int total = 0;
    try {
      for (;;) {
        auto unit = ctx.host.database().open_unit();
        auto deleted = delete_records_before(*unit, before, kRetentionBatch);
        if (!deleted || *deleted == 0) break;
        total += *deleted;
        {
          std::lock_guard lock(mutex_);
          if (stopping_) break;
        }
        if (*deleted < kRetentionBatch) break;
      }
    } catch (const std::exception& e) {
      ctx.host.logger().warn("sign-in retention sweep failed; tried again next round", {{"error", e.what()}});
      return;
    }
    if (total) ctx.host.logger().info("old sign-in records deleted", {{"count", std::to_string(total)}});
  }

  std::unique_ptr<Context> context_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread sweeper_;
};

}  // namespace memberd::security_level

MEMBERD_PLUGIN(memberd::security_level::SecurityLevelPlugin)
