#include "settings.hpp"

#include <memberd/config_checks.hpp>
#include <memberd/settings_binding.hpp>

#include <nlohmann/json.hpp>

#include <regex>

namespace memberd::photo {

namespace {

// {small: 64, medium: 200, large: 512}: names of [a-z0-9_], 16 to 2048 px.
std::optional<std::string> check_sizes(const nlohmann::json& value) {
  if (!value.is_object() || value.empty() || value.size() > 8) return "give 1 to 8 sizes as name: pixels";
  static const std::regex name("[a-z][a-z0-9_]{0,15}");
  for (const auto& [key, edge] : value.items()) {
    if (!std::regex_match(key, name)) return "a size's name is a-z, 0-9 and _ (" + key + ")";
    if (!edge.is_number_integer() || edge.get<int>() < 16 || edge.get<int>() > 2048)
      return "a size is 16 to 2048 pixels (" + key + ")";
  }
  return std::nullopt;
}

constexpr const char* kDefaultRejectReasons =
    "[\"The photo does not show you or your company's logo.\","
    " \"The photo is blurred, too dark or cut off.\","
    " \"The photo contains contact details, advertising or a watermark.\","
    " \"The photo contains offensive content.\"]";

const SettingsBinding<Settings>& binding() {
  using S = Settings;
  static const auto b =
      SettingsBinding<S>{}
          .bind("max_bytes", &S::max_bytes, "5242880", "The largest upload accepted, in bytes (413 above it)",
                integer_between(1024, 64LL * 1024 * 1024))
          .bind(ConfigKey{"max_pixels", ConfigType::integer, "50000000",
                          "The most pixels an upload may have, read from its header before decoding (422 above it)",
                          integer_between(1, 200'000'000)},
                [](S& s, const Config& c, std::string_view key) { s.render.max_pixels = c.integer(key); })
          .bind(ConfigKey{"sizes", ConfigType::any, "{small: 64, medium: 200, large: 512}",
                          "The square renditions made of every photo, name: edge in pixels", check_sizes},
                [](S& s, const Config& c, std::string_view key) {
                  for (const auto& [name, edge] : c.json(key).items()) s.render.sizes.emplace_back(name, edge.get<int>());
                })
          .bind(ConfigKey{"jpeg_quality", ConfigType::integer, "85", "JPEG quality of the renditions (1-100)",
                          integer_between(1, 100)},
                [](S& s, const Config& c, std::string_view key) { s.render.jpeg_quality = static_cast<int>(c.integer(key)); })
          .bind(ConfigKey{"webp_quality", ConfigType::integer, "80", "WebP quality of the renditions (1-100)",
                          integer_between(1, 100)},
                [](S& s, const Config& c, std::string_view key) { s.render.webp_quality = static_cast<int>(c.integer(key)); })
          .bind(ConfigKey{"time_limit", ConfigType::duration, "10s",
                          "How long one photo's processing may take before it is refused",
                          duration_between(1, 300, "1s to 5m")},
                [](S& s, const Config& c, std::string_view key) { s.render.time_limit = c.duration(key); })
          .bind("workers", &S::workers, "2",
                "Photos processed at once, each by a decoding process of its own (photo-worker in plugins.dir)",
                integer_between(1, 64))
          .bind("queue", &S::queue, "4", "Uploads that may wait for a worker; past it 503 with Retry-After",
                integer_between(0, 1024))
          .bind("pixel_budget", &S::pixel_budget, "64000000",
                "The decoded pixels all workers may hold at once: a PNG or GIF counts every pixel (a GIF its whole "
                "canvas), a JPEG or WebP what is left after libvips shrinks it while decoding; an upload that does "
                "not fit waits while smaller ones go ahead, and one larger than the budget runs alone",
                integer_between(1'000'000, 2'000'000'000))
          .bind("uploads_per_hour", &S::uploads_per_hour, "20",
                "Uploads one member may send in an hour, counted across daemons sharing the database (429 past "
                "it); a member has one upload processed at a time",
                integer_between(1, 100'000))
          .bind("worker_memory", &S::worker_memory, "1073741824",
                "The address space one decoding process may use, in bytes (RLIMIT_AS); an upload that needs more "
                "is refused",
                integer_between(256LL * 1024 * 1024, 16LL * 1024 * 1024 * 1024))
          .bind("cache_bytes", &S::cache_bytes, "33554432", "Memory for served renditions, by content hash",
                integer_between(0, 4LL * 1024 * 1024 * 1024))
          .bind("requires_approval", &S::requires_approval, "true",
                "Whether a new photo waits for an admin in the review queue before it is shown")
          .bind("review_window", &S::review_window, "24h", "How long an admin has to decide a photo (its due time)",
                duration_between(1, 30LL * 24 * 3600, "1s to 30d"))
          .bind("reject_reasons", &S::reject_reasons, kDefaultRejectReasons,
                "Reasons the console offers when rejecting a photo (an admin may also write one)",
                sentence_list(50, 500))
          .bind("mail_decisions", &S::mail_decisions, "true",
                "Mail the member each decision, with a rejection's reason");
  return b;
}

}  // namespace

std::vector<ConfigKey> config_schema() { return binding().schema(); }

Settings read_settings(const Config& config) { return binding().read(config); }

}  // namespace memberd::photo
