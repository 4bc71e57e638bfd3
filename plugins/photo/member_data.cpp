// The photo plugin's part of a member's data (memberd/member_data.hpp): each
// photo kept of them (published, or waiting for approval), with its largest
// rendition as a JPEG file; erased with its renditions when the account is
// closed.
#include "context.hpp"
#include "photo_store.hpp"

#include <memberd/database.hpp>
#include <memberd/member_data.hpp>

#include <algorithm>

namespace memberd::photo {

namespace {

class PhotoMemberData final : public MemberDataProvider {
 public:
  explicit PhotoMemberData(Context& ctx) : ctx_(ctx) {}

  Result<MemberDataPart> export_member(UnitOfWork& work, std::string_view member_id) override {
    const std::string id(member_id);
    MemberDataPart part;
    part.data["photos"] = nlohmann::json::array();
    const std::string size = largest_size();
    for (const char* status : {"published", "pending"}) {
      auto photo = member_photo(work, id, status);
      if (!photo) return photo.failure();
      if (!*photo) continue;
      const StoredPhoto& p = **photo;
      auto time = [&](long long at) {
        return at ? nlohmann::json(ctx_.host.clock().format(TimePoint(std::chrono::seconds(at))))
                  : nlohmann::json(nullptr);
      };
      nlohmann::json entry{{"status", p.status == "published" ? "published" : "waiting for approval"},
                           {"uploaded_at", time(p.created_at)},
                           {"published_at", time(p.published_at)},
                           {"uploaded_as", {{"format", p.source_format},
                                            {"width", p.source_width},
                                            {"height", p.source_height},
                                            {"bytes", p.source_bytes}}},
                           {"file", nullptr}};
      auto bytes = rendition_bytes(work, p.photo_id, size, "jpeg");
      if (!bytes) return bytes.failure();
      if (*bytes) {
        std::string name = std::string("photo-") + (p.status == "published" ? "published" : "pending") + ".jpg";
        entry["file"] = name;
        part.files.push_back({name, "image/jpeg", std::move(**bytes)});
      }
      part.data["photos"].push_back(std::move(entry));
    }
    return part;
  }

  Result<void> erase_member(UnitOfWork& work, std::string_view member_id) override {
    const std::string id(member_id);
    auto tx = WriteTransaction::open(work);
    if (!tx) return tx.failure();
    if (auto locked = lock_member_photos(work, id); !locked) return locked;
    for (const char* status : {"published", "pending"}) {
      auto photo = member_photo(work, id, status);
      if (!photo) return photo.failure();
      if (*photo)
        if (auto gone = delete_photo(work, (*photo)->photo_id); !gone) return gone;
    }
    return tx->commit();
  }

 private:
  // The member's archive gets the sharpest copy kept.
  std::string largest_size() const {
    const auto& sizes = ctx_.settings.render.sizes;
    auto largest = std::max_element(sizes.begin(), sizes.end(),
                                    [](const auto& a, const auto& b) { return a.second < b.second; });
    return largest == sizes.end() ? std::string() : largest->first;
  }

  Context& ctx_;
};

}  // namespace

std::shared_ptr<MemberDataProvider> member_data_provider(Context& ctx) { return std::make_shared<PhotoMemberData>(ctx); }

}  // namespace memberd::photo
