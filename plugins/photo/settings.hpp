#pragma once
// The `photo:` section of memberd.yaml.
#include "image_types.hpp"

#include <memberd/config.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace memberd::photo {

struct Settings {
  std::size_t max_bytes = 5 * 1024 * 1024;
  RenderSettings render;
  bool requires_approval = true;
  std::chrono::seconds review_window{24 * 3600};
  std::vector<std::string> reject_reasons;
  bool mail_decisions = true;
  std::size_t workers = 2;
  std::size_t queue = 4;
  long long pixel_budget = 64'000'000;
  int uploads_per_hour = 20;
  std::uint64_t worker_memory = 1024ull * 1024 * 1024;
  std::size_t cache_bytes = 32 * 1024 * 1024;
};

std::vector<ConfigKey> config_schema();
Settings read_settings(const Config& config);

}  // namespace memberd::photo
