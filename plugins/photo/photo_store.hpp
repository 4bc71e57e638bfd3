#pragma once
// The photo tables (schema/): a member's published and pending photo and
// their renditions. Every call joins the unit's open transaction.
#include "image_types.hpp"

#include <memberd/result.hpp>
#include <memberd/unit_of_work.hpp>

#include <optional>
#include <string>
#include <vector>

namespace memberd::photo {

struct StoredPhoto {
  std::string photo_id;
  std::string status;  // pending | published
  std::string revision_id;
  std::string source_format;
  int source_width = 0, source_height = 0;
  long long source_bytes = 0;
  long long created_at = 0, published_at = 0;
};

struct NewPhoto {
  StoredPhoto photo;
  std::vector<Rendition> renditions;
  std::vector<std::string> hashes;  // sha256 hex of each rendition, in order
};

// The member's photo in `status`, if any. DB: reads. Fails: busy.
Result<std::optional<StoredPhoto>> member_photo(UnitOfWork& work, const std::string& member_id,
                                                const std::string& status);
// A photo by id, whoever's. DB: reads. Fails: busy.
Result<std::optional<StoredPhoto>> photo_by_id(UnitOfWork& work, const std::string& photo_id);

// Stores the photo and its renditions. DB: writes. Fails: busy.
Result<void> insert_photo(UnitOfWork& work, const std::string& member_id, const NewPhoto& photo);
// Removes the photo and its renditions. DB: writes. Fails: busy.
Result<void> delete_photo(UnitOfWork& work, const std::string& photo_id);
// The pending photo becomes the published one. DB: writes. Fails: busy.
Result<void> publish_photo(UnitOfWork& work, const std::string& photo_id, long long at);

// Takes the member's photo lock until the transaction ends (PostgreSQL: two
// uploads of one member at once would both replace the same pending row;
// SQLite's writers are in turn already). DB: writes. Fails: busy.
Result<void> lock_member_photos(UnitOfWork& work, const std::string& member_id);

struct RenditionRef {
  std::string photo_id;
  std::string sha256;
};
// The hash of the member's published rendition `size` in `format`: what a
// photo GET needs before it knows whether to send bytes. DB: reads (kept
// statement). Fails: busy.
Result<std::optional<RenditionRef>> published_rendition(UnitOfWork& work, const std::string& member_id,
                                                        const std::string& size, const std::string& format);
// The same for one photo by id (pending ones included: for its owner and admins).
Result<std::optional<RenditionRef>> photo_rendition(UnitOfWork& work, const std::string& photo_id,
                                                    const std::string& size, const std::string& format);
// The rendition's bytes. DB: reads. Fails: busy.
Result<std::optional<std::string>> rendition_bytes(UnitOfWork& work, const std::string& photo_id,
                                                   const std::string& size, const std::string& format);

}  // namespace memberd::photo
