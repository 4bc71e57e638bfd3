// Registration only: what the plugin is, its schema and settings, its
// routes, its decision handler, its mail and its member page.
#include "context.hpp"
#include "embedded_files.hpp"

#include <memberd/migrations.hpp>
#include <memberd/plugin.hpp>

#include <algorithm>
#include <memory>
#include <stdexcept>

namespace memberd::photo {

class PhotoPlugin final : public Plugin {
 public:
  PluginInfo info() const override {
    return {"photo", "1.0.0", "Member photos: checked by content, re-encoded without metadata, shown after approval"};
  }
  std::vector<Migration> migrations() const override { return migrations_from_files(schema::files()); }
  std::vector<ConfigKey> config_schema() const override { return photo::config_schema(); }

  void start(Host& host, const Config& config) override {
    auto program = host.plugin_program(kWorkerProgram);
    if (!program) throw std::runtime_error("photo: " + program.failure().detail);
    Settings settings = read_settings(config);
    // RLIMIT_CPU is a worker's lifetime total; the pool retires a worker
    // well before it, so the allowance only has to outlast many uploads.
    WorkerCommand worker{*program, settings.worker_memory,
                         static_cast<std::uint64_t>(std::max<long long>(300, 30 * settings.render.time_limit.count() / 1000))};
    context_ = std::make_unique<Context>(host, std::move(settings), std::move(worker));
    host.add_mail_templates(mail::files());
    add_member_routes(*context_);
    add_image_routes(*context_);
    subscribe_to_decisions(*context_);
    host.provide_member_data(member_data_provider(*context_));
    // "Upload My Photo" comes after Edit Member Profile (5).
    host.add_ui_files(ui::files());
    host.add_api_description(openapi::files());
    host.add_ui({UiShell::account, "photo", "Upload My Photo", 8, Access::member, "upload-photo.js",
                 {"upload-photo.css"}});
    // How the console's review queue shows a photo: the current one beside
    // the new one.
    host.add_review_kind({"photo", "Photo", context_->settings.reject_reasons, "review-photo.js", {"review-photo.css"}});
  }
  // The host calls stop() once no request holds the plugin: no upload is
  // being rendered, and the idle workers are killed.
  void stop() override { context_.reset(); }

 private:
  std::unique_ptr<Context> context_;
};

}  // namespace memberd::photo

MEMBERD_PLUGIN(memberd::photo::PhotoPlugin)
