#include "photo_store.hpp"

#include <memberd/base64.hpp>
#include <memberd/kept_statement.hpp>

#include <soci/soci.h>

namespace memberd::photo {

namespace {

constexpr const char* kPhotoColumns =
    "photo_id, status, revision_id, source_format, source_width, source_height, source_bytes, created_at,"
    " published_at";

std::optional<StoredPhoto> one_photo(soci::session& sql, const std::string& where, const std::string& a,
                                     const std::string& b) {
  soci::rowset<soci::row> rows =
      (sql.prepare << std::string("SELECT ") + kPhotoColumns + " FROM photo_images WHERE " + where, soci::use(a),
       soci::use(b));
  for (const auto& row : rows) {
    auto integer = [&](std::size_t i) -> long long {
      if (row.get_indicator(i) != soci::i_ok) return 0;
      switch (row.get_properties(i).get_data_type()) {
        case soci::dt_integer: return row.get<int>(i);
        case soci::dt_long_long: return row.get<long long>(i);
        case soci::dt_unsigned_long_long: return static_cast<long long>(row.get<unsigned long long>(i));
        default: return static_cast<long long>(row.get<double>(i));
      }
    };
    return StoredPhoto{row.get<std::string>(0), row.get<std::string>(1), row.get<std::string>(2),
                       row.get<std::string>(3), static_cast<int>(integer(4)), static_cast<int>(integer(5)),
                       integer(6), integer(7), integer(8)};
  }
  return std::nullopt;
}

Result<std::optional<RenditionRef>> rendition_ref(UnitOfWork& work, const char* sql_text, const std::string& key,
                                                  const std::string& size, const std::string& format) {
  auto select = work.kept(sql_text);
  if (!select) return select.failure();
  RenditionRef ref;
  if (!(*select)->run(soci::use(key), soci::use(size), soci::use(format), soci::into(ref.photo_id),
                      soci::into(ref.sha256)))
    return std::optional<RenditionRef>{};
  return std::optional<RenditionRef>{std::move(ref)};
}

}  // namespace

Result<std::optional<StoredPhoto>> member_photo(UnitOfWork& work, const std::string& member_id,
                                                const std::string& status) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  return one_photo(**sql, "member_id = :m AND status = :s", member_id, status);
}

Result<std::optional<StoredPhoto>> photo_by_id(UnitOfWork& work, const std::string& photo_id) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  return one_photo(**sql, "photo_id = :p AND :unused = ''", photo_id, "");
}

Result<void> insert_photo(UnitOfWork& work, const std::string& member_id, const NewPhoto& photo) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  const StoredPhoto& p = photo.photo;
  soci::indicator published_ind = p.published_at > 0 ? soci::i_ok : soci::i_null;
  **sql << "INSERT INTO photo_images (photo_id, member_id, status, revision_id, source_format, source_width,"
           " source_height, source_bytes, created_at, published_at)"
           " VALUES (:p, :m, :s, :r, :f, :w, :h, :b, :c, :a)",
      soci::use(p.photo_id), soci::use(member_id), soci::use(p.status), soci::use(p.revision_id),
      soci::use(p.source_format), soci::use(p.source_width), soci::use(p.source_height), soci::use(p.source_bytes),
      soci::use(p.created_at), soci::use(p.published_at, published_ind);
  for (std::size_t i = 0; i < photo.renditions.size(); ++i) {
    const auto& r = photo.renditions[i];
    std::string data = base64_encode(r.bytes, Base64::standard, true);
    int count = static_cast<int>(r.bytes.size());
    **sql << "INSERT INTO photo_renditions (photo_id, size, format, sha256, byte_count, data)"
             " VALUES (:p, :s, :f, :h, :n, :d)",
        soci::use(p.photo_id), soci::use(r.size), soci::use(r.format), soci::use(photo.hashes[i]), soci::use(count),
        soci::use(data);
  }
  return {};
}

Result<void> delete_photo(UnitOfWork& work, const std::string& photo_id) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  // Renditions first: SQLite enforces the foreign key only when asked to.
  **sql << "DELETE FROM photo_renditions WHERE photo_id = :p", soci::use(photo_id);
  **sql << "DELETE FROM photo_images WHERE photo_id = :p", soci::use(photo_id);
  return {};
}

Result<void> publish_photo(UnitOfWork& work, const std::string& photo_id, long long at) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  **sql << "UPDATE photo_images SET status = 'published', published_at = :a WHERE photo_id = :p", soci::use(at),
      soci::use(photo_id);
  return {};
}

Result<void> lock_member_photos(UnitOfWork& work, const std::string& member_id) {
  if (work.backend() != Backend::postgresql) return {};
  auto sql = work.connection();
  if (!sql) return sql.failure();
  std::string key = "photo:" + member_id;
  **sql << "SELECT pg_advisory_xact_lock(7274, hashtext(:k))", soci::use(key);
  return {};
}

Result<std::optional<RenditionRef>> published_rendition(UnitOfWork& work, const std::string& member_id,
                                                        const std::string& size, const std::string& format) {
  return rendition_ref(work,
                       "SELECT r.photo_id, r.sha256 FROM photo_images p JOIN photo_renditions r ON r.photo_id = p.photo_id"
                       " WHERE p.member_id = :m AND p.status = 'published' AND r.size = :s AND r.format = :f",
                       member_id, size, format);
}

Result<std::optional<RenditionRef>> photo_rendition(UnitOfWork& work, const std::string& photo_id,
                                                    const std::string& size, const std::string& format) {
  return rendition_ref(work,
                       "SELECT photo_id, sha256 FROM photo_renditions WHERE photo_id = :p AND size = :s AND format = :f",
                       photo_id, size, format);
}

Result<std::optional<std::string>> rendition_bytes(UnitOfWork& work, const std::string& photo_id,
                                                   const std::string& size, const std::string& format) {
  auto select = work.kept("SELECT data FROM photo_renditions WHERE photo_id = :p AND size = :s AND format = :f");
  if (!select) return select.failure();
  std::string data;
  if (!(*select)->run(soci::use(photo_id), soci::use(size), soci::use(format), soci::into(data)))
    return std::optional<std::string>{};
  auto bytes = base64_decode(data);
  if (!bytes) return Failure{Refusal::internal};
  return std::optional<std::string>{std::move(*bytes)};
}

}  // namespace memberd::photo
