#include "settings.hpp"

#include <memberd/config_checks.hpp>

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

}  // namespace

std::vector<ConfigKey> config_schema() {
  return {
      {"max_bytes", ConfigType::integer, "5242880", "The largest upload accepted, in bytes (413 above it)",
       integer_between(1024, 64LL * 1024 * 1024)},
      {"max_pixels", ConfigType::integer, "50000000",
       "The most pixels an upload may have, read from its header before decoding (422 above it)",
       integer_between(1, 200'000'000)},
      {"sizes", ConfigType::any, "{small: 64, medium: 200, large: 512}",
       "The square renditions made of every photo, name: edge in pixels", check_sizes},
      {"jpeg_quality", ConfigType::integer, "85", "JPEG quality of the renditions (1-100)", integer_between(1, 100)},
      {"webp_quality", ConfigType::integer, "80", "WebP quality of the renditions (1-100)", integer_between(1, 100)},
      {"time_limit", ConfigType::duration, "10s", "How long one photo's processing may take before it is refused",
       duration_between(1, 300, "1s to 5m")},
      {"workers", ConfigType::integer, "2",
       "Photos processed at once, each by a decoding process of its own (photo-worker in plugins.dir)",
       integer_between(1, 64)},
      {"queue", ConfigType::integer, "4", "Uploads that may wait for a worker; past it 503 with Retry-After",
       integer_between(0, 1024)},
      {"pixel_budget", ConfigType::integer, "64000000",
       "The decoded pixels all workers may hold at once: a PNG or GIF counts every pixel (a GIF its whole canvas), "
       "a JPEG or WebP what is left after libvips shrinks it while decoding; an upload that does not fit waits "
       "while smaller ones go ahead, and one larger than the budget runs alone",
       integer_between(1'000'000, 2'000'000'000)},
      {"uploads_per_hour", ConfigType::integer, "20",
       "Uploads one member may send in an hour, counted across daemons sharing the database (429 past it); "
       "a member has one upload processed at a time",
       integer_between(1, 100'000)},
      {"worker_memory", ConfigType::integer, "1073741824",
       "The address space one decoding process may use, in bytes (RLIMIT_AS); an upload that needs more is refused",
       integer_between(256LL * 1024 * 1024, 16LL * 1024 * 1024 * 1024)},
      {"cache_bytes", ConfigType::integer, "33554432", "Memory for served renditions, by content hash",
       integer_between(0, 4LL * 1024 * 1024 * 1024)},
      {"requires_approval", ConfigType::boolean, "true",
       "Whether a new photo waits for an admin in the review queue before it is shown"},
      {"review_window", ConfigType::duration, "24h", "How long an admin has to decide a photo (its due time)",
       duration_between(1, 30LL * 24 * 3600, "1s to 30d")},
      {"reject_reasons", ConfigType::string_list, kDefaultRejectReasons,
       "Reasons the console offers when rejecting a photo (an admin may also write one)", sentence_list(50, 500)},
      {"mail_decisions", ConfigType::boolean, "true", "Mail the member each decision, with a rejection's reason"},
  };
}

Settings read_settings(const Config& config) {
  Settings s;
  s.max_bytes = static_cast<std::size_t>(config.integer("max_bytes"));
  s.render.max_pixels = config.integer("max_pixels");
  for (const auto& [name, edge] : config.json("sizes").items()) s.render.sizes.emplace_back(name, edge.get<int>());
  s.render.jpeg_quality = static_cast<int>(config.integer("jpeg_quality"));
  s.render.webp_quality = static_cast<int>(config.integer("webp_quality"));
  s.render.time_limit = config.duration("time_limit");
  s.workers = static_cast<std::size_t>(config.integer("workers"));
  s.queue = static_cast<std::size_t>(config.integer("queue"));
  s.pixel_budget = config.integer("pixel_budget");
  s.uploads_per_hour = static_cast<int>(config.integer("uploads_per_hour"));
  s.worker_memory = static_cast<std::uint64_t>(config.integer("worker_memory"));
  s.cache_bytes = static_cast<std::size_t>(config.integer("cache_bytes"));
  s.requires_approval = config.boolean("requires_approval");
  s.review_window = config.duration("review_window");
  s.reject_reasons = config.string_list("reject_reasons");
  s.mail_decisions = config.boolean("mail_decisions");
  return s;
}

}  // namespace memberd::photo
