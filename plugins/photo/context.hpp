#pragma once
// What every part of the plugin shares, built once in start().
#include "processing_pool.hpp"
#include "rendition_cache.hpp"
#include "settings.hpp"

#include <memberd/host.hpp>

namespace memberd::photo {

// The kind the host's review queue files photos under.
inline constexpr const char* kReviewKind = "photo";

struct Context {
  Context(Host& h, Settings s)
      : host(h), settings(std::move(s)), pool(settings.workers, settings.queue), cache(settings.cache_bytes) {}
  Host& host;
  Settings settings;
  ProcessingPool pool;
  RenditionCache cache;
};

// PUT, GET and DELETE /api/v1/me/photo (member_routes.cpp).
void add_member_routes(Context& ctx);
// The images: GET /api/v1/members/{member_id}/photo, /api/v1/me/photo/pending,
// /api/v1/admin/photos/{photo_id}, and the reject reasons (image_routes.cpp).
void add_image_routes(Context& ctx);
// Publishes approved photos and tells the member each decision.
void subscribe_to_decisions(Context& ctx);

}  // namespace memberd::photo
