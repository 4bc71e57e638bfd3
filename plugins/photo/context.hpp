#pragma once
// What every part of the plugin shares, built once in start().
#include "image_workers.hpp"
#include "rendition_cache.hpp"
#include "settings.hpp"
#include "uploads_in_flight.hpp"

#include <memberd/host.hpp>

#include <memory>

namespace memberd {
class MemberDataProvider;  // memberd/member_data.hpp
}  // namespace memberd

namespace memberd::photo {

// The kind the host's review queue files photos under.
inline constexpr const char* kReviewKind = "photo";

// The program that decodes uploads, beside photo.so in plugins.dir.
inline constexpr const char* kWorkerProgram = "photo-worker";

struct Context {
  // Throws std::runtime_error when the worker program cannot be run.
  Context(Host& h, Settings s, WorkerCommand worker)
      : host(h),
        settings(std::move(s)),
        workers({std::move(worker), settings.workers, settings.queue, settings.pixel_budget},
                [&h](const std::string& message, const std::string& detail) {
                  h.logger().warn(message, {{"worker", detail}});
                }),
        cache(settings.cache_bytes) {}
  Host& host;
  Settings settings;
  ImageWorkers workers;
  UploadsInFlight uploading;  // one upload per member at a time
  RenditionCache cache;
};

// The plugin's part of a member's data: exported, erased (member_data.cpp).
std::shared_ptr<MemberDataProvider> member_data_provider(Context& ctx);
// PUT, GET and DELETE /api/v1/me/photo (member_routes.cpp).
void add_member_routes(Context& ctx);
// The images: GET /api/v1/members/{member_id}/photo, /api/v1/me/photo/pending,
// /api/v1/admin/photos/{photo_id}, and the reject reasons (image_routes.cpp).
void add_image_routes(Context& ctx);
// Publishes approved photos and tells the member each decision.
void subscribe_to_decisions(Context& ctx);

}  // namespace memberd::photo
