// Serving renditions. The public one is a member's published photo only;
// the pending one is for its owner and for admins deciding it. Every image
// is content we made (re-encoded, no metadata), sent with a content-hash
// ETag, nosniff and a CSP that allows nothing but the image itself.
#include "context.hpp"
#include "photo_store.hpp"

#include <memberd/json.hpp>
#include <memberd/problem.hpp>

#include <nlohmann/json.hpp>

namespace memberd::photo {

namespace {

// WebP when the client says it takes it (every current browser does).
std::string preferred_format(const Request& req) {
  auto accept = req.header("Accept").value_or("");
  auto at = accept.find("image/webp");
  if (at == std::string::npos) return "jpeg";
  auto rest = accept.substr(at + 10, accept.find(',', at) - at - 10);
  return rest.find("q=0") != std::string::npos && rest.find("q=0.") == std::string::npos ? "jpeg" : "webp";
}

std::optional<Response> size_problem(const Context& ctx, const std::string& size) {
  for (const auto& [name, edge] : ctx.settings.render.sizes)
    if (name == size) return std::nullopt;
  std::string names;
  for (const auto& [name, edge] : ctx.settings.render.sizes) names += (names.empty() ? "" : ", ") + name;
  return problem(422, "validation", "Unknown size", {}, {{"size", "Give one of " + names + "."}});
}

bool etag_matches(const Request& req, const std::string& etag) {
  auto header = req.header("If-None-Match");
  if (!header) return false;
  if (*header == "*") return true;
  // A list of entity tags; a weak one (W/"...") matches too (RFC 9110 13.1.2).
  return header->find(etag) != std::string::npos;
}

// A public URL naming the photo (?v=, as GET /api/v1/me/photo gives it)
// never changes its bytes: caches may keep it for a year. Without it they
// ask again each time (a 304 when nothing changed). Pending photos and the
// admins' view are nobody's to cache.
std::string cache_control(const Request& req, const RenditionRef& ref) {
  if (req.path().rfind("/api/v1/members/", 0) != 0) return "private, no-cache";
  return req.query("v").value_or("") == ref.photo_id ? "public, max-age=31536000, immutable" : "public, no-cache";
}

// One rendition: 304, or its bytes (from the cache, else the database).
Response image(Context& ctx, const Request& req, const RenditionRef& ref, const std::string& size,
               const std::string& format, const std::string& caching) {
  std::string etag = "\"" + ref.sha256.substr(0, 32) + "\"";
  std::vector<std::pair<std::string, std::string>> headers = {
      {"ETag", etag},
      {"Cache-Control", caching},
      {"Vary", "Accept"},
      {"X-Content-Type-Options", "nosniff"},
      {"Content-Security-Policy", "default-src 'none'; sandbox"},
      {"Cross-Origin-Resource-Policy", "same-site"}};
  if (etag_matches(req, etag)) return Response{304, "", "", headers};
  auto bytes = ctx.cache.find(ref.sha256);
  if (!bytes) {
    auto stored = rendition_bytes(req.work(), ref.photo_id, size, format);
    if (!stored) return refusal_problem(stored.failure());
    if (!*stored) return problem(404, "not_found", "No photo", "This photo was just removed.");
    bytes = std::make_shared<const std::string>(std::move(**stored));
    ctx.cache.keep(ref.sha256, bytes);
  }
  return Response{200, format == "webp" ? "image/webp" : "image/jpeg", *bytes, headers};
}

// The ?size= given (or `default_size`), WebP or JPEG by Accept, and the
// rendition `find` names: 404 with `missing` when there is none.
template <typename Find>
Response serve(Context& ctx, const Request& req, const char* default_size, std::string_view missing, Find find) {
  std::string size = req.query("size").value_or(default_size);
  if (auto bad = size_problem(ctx, size)) return std::move(*bad);
  std::string format = preferred_format(req);
  auto ref = find(size, format);
  if (!ref) return refusal_problem(ref.failure());
  if (!*ref) return problem(404, "not_found", "No photo", missing);
  return image(ctx, req, **ref, size, format, cache_control(req, **ref));
}

Response public_photo(Context& ctx, const Request& req) {
  std::string member = req.path_param("member_id");
  return serve(ctx, req, "medium", "This member has no published photo.",
               [&](const std::string& size, const std::string& format) -> Result<std::optional<RenditionRef>> {
                 if (member.size() > 36) return std::optional<RenditionRef>{};
                 return published_rendition(req.work(), member, size, format);
               });
}

Response pending_photo(Context& ctx, const Request& req) {
  const auto& member = req.caller().member_id;
  if (member.empty()) return problem(403, "member_only", "Members only", "Sign in as the member whose photo this is.");
  return serve(ctx, req, "medium", "You have no photo waiting for review.",
               [&](const std::string& size, const std::string& format) -> Result<std::optional<RenditionRef>> {
                 auto pending = member_photo(req.work(), member, "pending");
                 if (!pending) return pending.failure();
                 if (!*pending) return std::optional<RenditionRef>{};
                 return photo_rendition(req.work(), (*pending)->photo_id, size, format);
               });
}

Response admin_photo(Context& ctx, const Request& req) {
  std::string photo_id = req.path_param("photo_id");
  return serve(ctx, req, "large", "The photo was removed or replaced.",
               [&](const std::string& size, const std::string& format) -> Result<std::optional<RenditionRef>> {
                 if (photo_id.size() > 36) return std::optional<RenditionRef>{};
                 return photo_rendition(req.work(), photo_id, size, format);
               });
}

}  // namespace

void add_image_routes(Context& ctx) {
  ctx.host.add_route({"GET", "/api/v1/members/{member_id}/photo", Access::anyone, Body::none,
                      [&ctx](const Request& r) { return public_photo(ctx, r); }});
  ctx.host.add_route({"GET", "/api/v1/me/photo/pending", Access::member, Body::none,
                      [&ctx](const Request& r) { return pending_photo(ctx, r); }});
  ctx.host.add_route({"GET", "/api/v1/admin/photos/{photo_id}", Access::admin, Body::none,
                      [&ctx](const Request& r) { return admin_photo(ctx, r); }});
  ctx.host.add_route({"GET", "/api/v1/admin/photo/reject-reasons", Access::admin, Body::none, [&ctx](const Request&) {
                        return json_response(200, {{"reasons", ctx.settings.reject_reasons}});
                      }});
}

}  // namespace memberd::photo
