// The member's own photo (openapi.yaml beside it): upload, state, removal. An
// upload is decided by its content alone, processed on the plugin's
// bounded pool, and — unless photo.requires_approval is off — filed in the
// host's review queue as kind "photo"; decisions.cpp publishes it.
#include "context.hpp"
#include "multipart_form.hpp"
#include "photo_store.hpp"

#include <memberd/json.hpp>
#include <memberd/problem.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>

namespace memberd::photo {

namespace {

std::string when(const Host& host, long long unix_time) {
  return host.clock().format(TimePoint(std::chrono::seconds(unix_time)));
}

std::string megabytes(std::size_t bytes) {
  double mb = static_cast<double>(bytes) / (1024.0 * 1024.0);
  char text[32];
  std::snprintf(text, sizeof text, mb >= 10 || mb == static_cast<int>(mb) ? "%.0f MB" : "%.1f MB", mb);
  return text;
}

Response member_only() {
  return problem(403, "member_only", "Members only", "Sign in as the member whose photo this is.");
}

Response photo_field_problem(std::string_view message) {
  return problem(422, "validation", "The photo needs attention", {}, {{"photo", std::string(message)}});
}

// What the upload is: the multipart field `photo`, or the whole body.
std::optional<Response> upload_bytes(const Request& req, std::string_view& bytes) {
  std::string content_type = req.header("Content-Type").value_or("");
  if (!is_multipart_form(content_type)) {
    bytes = req.body();
    return std::nullopt;
  }
  auto field = multipart_field(content_type, req.body(), "photo");
  if (!field.problem) {
    bytes = field.content;
    return std::nullopt;
  }
  if (*field.problem == MultipartProblem::missing_field) return photo_field_problem("Choose a picture to upload.");
  return photo_field_problem("The upload could not be read. Choose the picture again and retry.");
}

Response image_problem(const Settings& s, ImageProblem what) {
  switch (what) {
    case ImageProblem::unsupported_type:
      return problem(415, "unsupported_type", "Not a picture we accept",
                     "This file is not a picture we accept. Send a JPEG, PNG, WebP or GIF.");
    case ImageProblem::too_many_pixels:
      return problem(422, "too_many_pixels", "Too many pixels",
                     "This picture has more than " + std::to_string(s.render.max_pixels / 1'000'000) +
                         " megapixels. Send a smaller one.");
    case ImageProblem::timed_out:
      return problem(422, "too_slow", "The picture took too long",
                     "This picture took too long to process. Send a smaller or simpler one.");
    case ImageProblem::undecodable: break;
  }
  return problem(422, "undecodable", "The picture could not be read",
                 "This picture could not be read; it may be damaged or cut short. Send another one.");
}

Response count_refusal(Context& ctx, const char* outcome, Response response) {
  ctx.host.metrics().increment("uploads_total", "Photo uploads by outcome", {{"outcome", outcome}});
  return response;
}

// Has one of the plugin's worker processes render the upload (`pixels`:
// what decoding it holds, pixels_to_decode), or says why not. A worker that
// crashes or hangs costs this upload alone.
std::optional<Response> rendered(Context& ctx, std::string_view bytes, long long pixels, RenderedPhoto& out) {
  auto started = std::chrono::steady_clock::now();
  RenderOutcome outcome = ctx.workers.render(bytes, ctx.settings.render, pixels);
  if (!outcome.photo) {
    switch (outcome.failure) {
      case RenderFailure::busy:
        return count_refusal(ctx, "busy",
                             Problem(503, "busy", "Busy processing photos")
                                 .detail("Too many photos are being processed. Try again in a moment.")
                                 .header("Retry-After", "5")
                                 .response());
      case RenderFailure::unavailable:
        return count_refusal(ctx, "unavailable",
                             Problem(503, "unavailable", "Photos cannot be processed now")
                                 .detail("Photos cannot be processed at the moment. Try again in a few minutes.")
                                 .header("Retry-After", "30")
                                 .response());
      case RenderFailure::timed_out:
        return count_refusal(ctx, "worker_timed_out", image_problem(ctx.settings, ImageProblem::timed_out));
      case RenderFailure::crashed:
        return count_refusal(ctx, "worker_crashed", image_problem(ctx.settings, ImageProblem::undecodable));
    }
  }
  out = std::move(*outcome.photo);
  ctx.host.metrics().observe("processing_seconds", "Time to check and render one upload",
                             std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  if (out.problem) return count_refusal(ctx, "refused", image_problem(ctx.settings, *out.problem));
  return std::nullopt;
}

nlohmann::json urls(const Context& ctx, const std::string& base, const std::string& version) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [size, edge] : ctx.settings.render.sizes)
    out[size] = base + "?size=" + size + (version.empty() ? "" : "&v=" + version);
  return out;
}

// Drops the member's photo in `status` and its review, if any.
Result<void> discard(UnitOfWork& work, const std::string& member_id, const std::string& status) {
  auto old = member_photo(work, member_id, status);
  if (!old) return old.failure();
  if (*old) return delete_photo(work, (*old)->photo_id);
  return {};
}

// One upload per member at a time: a second is refused, not queued, so a
// member's burst holds one worker at most.
Response upload_in_progress(Context& ctx) {
  auto wait = std::chrono::duration_cast<std::chrono::seconds>(ctx.settings.render.time_limit).count() + 1;
  return count_refusal(ctx, "in_progress",
                       Problem(429, "upload_in_progress", "Another upload is in progress")
                           .detail("Your previous photo is still being processed. Wait for it to finish, then try again.")
                           .header("Retry-After", std::to_string(wait))
                           .response());
}

// Counts the upload against the member's hour (photo.uploads_per_hour), in
// the host's rate limits so that every daemon on the database counts the same.
std::optional<Response> over_hourly_limit(Context& ctx, const Request& req, const std::string& member) {
  auto counted = ctx.host.rate_limits().hit(req.work(), "uploads:" + member, ctx.settings.uploads_per_hour,
                                            std::chrono::hours(1));
  if (counted) return std::nullopt;
  Failure failure = counted.failure();
  if (failure.refusal != Refusal::rate_limited) return refusal_problem(failure);  // busy: the database
  failure.detail = "You have sent " + std::to_string(ctx.settings.uploads_per_hour) +
                   " photos in the last hour, the most we take. Try again later.";
  return count_refusal(ctx, "rate_limited", refusal_problem(failure));
}

// What decoding the upload will hold, for the pool's budget: an upload whose
// header cannot be read counts as the largest allowed.
long long pixels_to_decode(const Context& ctx, ImageFormat format, const std::optional<ImageSize>& size) {
  int largest_edge = 0;
  for (const auto& [name, edge] : ctx.settings.render.sizes) largest_edge = std::max(largest_edge, edge);
  if (!size) return ctx.settings.render.max_pixels;
  return std::min(decoded_pixels(format, *size, largest_edge), ctx.settings.render.max_pixels);
}

Response upload(Context& ctx, const Request& req) {
  const auto& member = req.caller().member_id;
  if (member.empty()) return member_only();
  auto claim = ctx.uploading.claim(member);
  if (!claim) return upload_in_progress(ctx);
  std::string_view bytes;
  if (auto refused = upload_bytes(req, bytes)) return std::move(*refused);
  if (bytes.empty()) return photo_field_problem("The file is empty. Choose a picture.");
  if (bytes.size() > ctx.settings.max_bytes)
    return problem(413, "too_large", "The picture is too large",
                   "A photo may take at most " + megabytes(ctx.settings.max_bytes) + ".");
  // Before any worker: a file that is no picture, a GIF whose frames span
  // too large a canvas, or a header claiming too many pixels costs nothing
  // (and is not counted against the member's hour).
  auto format = sniff_format(bytes);
  if (!format) return image_problem(ctx.settings, ImageProblem::unsupported_type);
  if (*format == ImageFormat::gif)
    if (auto problem = check_gif_geometry(bytes, ctx.settings.render.max_pixels))
      return image_problem(ctx.settings, *problem);
  auto size = header_size(bytes, *format);
  if (size && size->width * size->height > ctx.settings.render.max_pixels)
    return image_problem(ctx.settings, ImageProblem::too_many_pixels);
  if (auto refused = over_hourly_limit(ctx, req, member)) return std::move(*refused);
  RenderedPhoto photo;
  if (auto refused = rendered(ctx, bytes, pixels_to_decode(ctx, *format, size), photo)) return std::move(*refused);

  auto id = ctx.host.secrets().random_token(18);
  if (!id) return refusal_problem(id.failure());
  long long now = ctx.host.clock().unix_now();
  NewPhoto fresh{{*id, ctx.settings.requires_approval ? "pending" : "published", "", format_name(photo.format),
                  photo.width, photo.height, static_cast<long long>(bytes.size()), now,
                  ctx.settings.requires_approval ? 0 : now},
                 std::move(photo.renditions),
                 {}};
  for (const auto& r : fresh.renditions) fresh.hashes.push_back(ctx.host.secrets().sha256_hex(r.bytes));

  auto& work = req.work();
  auto tx = WriteTransaction::open(work);
  if (!tx) return refusal_problem(tx.failure());
  MEMBERD_TRY(lock_member_photos(work, member));
  MEMBERD_TRY(discard(work, member, "pending"));  // a newer upload replaces a pending one
  nlohmann::json body;
  if (ctx.settings.requires_approval) {
    auto published = member_photo(work, member, "published");
    if (!published) return refusal_problem(published.failure());
    nlohmann::json current = nullptr;
    if (*published)
      current = {{"photo_id", (*published)->photo_id},
                 {"preview_url", "/api/v1/admin/photos/" + (*published)->photo_id + "?size=large"}};
    nlohmann::json pending = {{"photo_id", fresh.photo.photo_id},
                              {"preview_url", "/api/v1/admin/photos/" + fresh.photo.photo_id + "?size=large"},
                              {"width", fresh.photo.source_width},
                              {"height", fresh.photo.source_height},
                              {"format", fresh.photo.source_format},
                              {"bytes", fresh.photo.source_bytes}};
    auto receipt = ctx.host.reviews().submit(work, kReviewKind, member, pending, current, ctx.settings.review_window);
    if (!receipt) return refusal_problem(receipt.failure());
    fresh.photo.revision_id = receipt->revision_id;
    body = {{"photo_id", fresh.photo.photo_id},
            {"status", "pending"},
            {"submitted_at", receipt->submitted_at},
            {"due_at", receipt->due_at}};
  } else {
    MEMBERD_TRY(discard(work, member, "published"));
    if (auto withdrawn = ctx.host.reviews().withdraw(work, kReviewKind, member); !withdrawn)
      return refusal_problem(withdrawn.failure());
    body = {{"photo_id", fresh.photo.photo_id}, {"status", "published"}};
  }
  MEMBERD_TRY(insert_photo(work, member, fresh));
  if (!ctx.settings.requires_approval)
    MEMBERD_TRY(ctx.host.events().publish(work, "photo.published",
                                          {{"member_id", member}, {"photo_id", fresh.photo.photo_id}}));
  MEMBERD_TRY(tx->commit());
  ctx.host.metrics().increment("uploads_total", "Photo uploads by outcome", {{"outcome", "accepted"}});
  return json_response(ctx.settings.requires_approval ? 202 : 201, body);
}

Response my_photo(Context& ctx, const Request& req) {
  const auto& member = req.caller().member_id;
  if (member.empty()) return member_only();
  auto& work = req.work();
  auto published = member_photo(work, member, "published");
  if (!published) return refusal_problem(published.failure());
  auto pending = member_photo(work, member, "pending");
  if (!pending) return refusal_problem(pending.failure());
  auto review = ctx.host.reviews().pending(work, kReviewKind, member);
  if (!review) return refusal_problem(review.failure());
  auto decided = ctx.host.reviews().last_decision(work, kReviewKind, member);
  if (!decided) return refusal_problem(decided.failure());

  nlohmann::json sizes = nlohmann::json::object();
  for (const auto& [size, edge] : ctx.settings.render.sizes) sizes[size] = edge;
  nlohmann::json out = {{"published", nullptr},
                        {"pending", nullptr},
                        {"last_decision", nullptr},
                        {"requires_approval", ctx.settings.requires_approval},
                        {"review_window_seconds", ctx.settings.review_window.count()},
                        {"limits",
                         {{"max_bytes", ctx.settings.max_bytes},
                          {"max_pixels", ctx.settings.render.max_pixels},
                          {"formats", {"JPEG", "PNG", "WebP", "GIF"}},
                          {"sizes", sizes}}}};
  if (*published)
    out["published"] = {{"photo_id", (*published)->photo_id},
                        {"urls", urls(ctx, "/api/v1/members/" + member + "/photo", (*published)->photo_id)},
                        {"published_at", when(ctx.host, (*published)->published_at)}};
  if (*pending) {
    out["pending"] = {{"photo_id", (*pending)->photo_id},
                      {"urls", urls(ctx, "/api/v1/me/photo/pending", "")},
                      {"submitted_at", when(ctx.host, (*pending)->created_at)},
                      {"due_at", nullptr}};
    if (*review && (*review)->revision_id == (*pending)->revision_id) out["pending"]["due_at"] = (*review)->due_at;
  }
  if (*decided)
    out["last_decision"] = {{"status", (*decided)->status},
                            {"reason", (*decided)->reason},
                            {"decided_at", (*decided)->decided_at}};
  return json_response(200, out);
}

Response remove(Context& ctx, const Request& req) {
  const auto& member = req.caller().member_id;
  if (member.empty()) return member_only();
  auto& work = req.work();
  auto tx = WriteTransaction::open(work);
  if (!tx) return refusal_problem(tx.failure());
  MEMBERD_TRY(lock_member_photos(work, member));
  MEMBERD_TRY(discard(work, member, "pending"));
  MEMBERD_TRY(discard(work, member, "published"));
  if (auto withdrawn = ctx.host.reviews().withdraw(work, kReviewKind, member); !withdrawn)
    return refusal_problem(withdrawn.failure());
  MEMBERD_TRY(ctx.host.events().publish(work, "photo.removed", {{"member_id", member}}));
  MEMBERD_TRY(tx->commit());
  return Response{204, "", "", {}};
}

}  // namespace

void add_member_routes(Context& ctx) {
  // The multipart envelope around the largest photo: its boundaries and
  // part headers, and a browser's other fields.
  std::size_t body_limit = ctx.settings.max_bytes + 64 * 1024;
  ctx.host.add_route_with_body_limit({"PUT", "/api/v1/me/photo", Access::member, Body::raw,
                                      [&ctx](const Request& r) { return upload(ctx, r); }},
                                     body_limit);
  ctx.host.add_route({"GET", "/api/v1/me/photo", Access::member, Body::none,
                      [&ctx](const Request& r) { return my_photo(ctx, r); }});
  ctx.host.add_route({"DELETE", "/api/v1/me/photo", Access::member, Body::none,
                      [&ctx](const Request& r) { return remove(ctx, r); }});
}

}  // namespace memberd::photo
