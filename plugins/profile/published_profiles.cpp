#include "published_profiles.hpp"

#include <memberd/kept_statement.hpp>

#include <soci/soci.h>

namespace memberd::profile {

Result<std::optional<PublishedProfile>> published_profile(UnitOfWork& work, const std::string& member_id) {
  using Found = std::optional<PublishedProfile>;
  // Kept prepared: public profile pages read it on every view.
  auto select = work.kept("SELECT fields, revision_id, published_at FROM profile_published WHERE member_id = :m");
  if (!select) return select.failure();
  std::string fields, revision;
  long long at = 0;
  soci::indicator ind = soci::i_null;
  if (!(*select)->run(soci::use(member_id), soci::into(fields, ind), soci::into(revision), soci::into(at)) ||
      ind != soci::i_ok)
    return Found{};
  auto parsed = nlohmann::json::parse(fields, nullptr, false);
  if (!parsed.is_object()) parsed = nlohmann::json::object();
  return Found{PublishedProfile{std::move(parsed), std::move(revision), at}};
}

Result<void> publish_profile(UnitOfWork& work, const std::string& member_id, const PublishedProfile& profile) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  std::string fields = profile.fields.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  **sql << "INSERT INTO profile_published (member_id, fields, revision_id, published_at) VALUES (:m, :f, :r, :t)"
           " ON CONFLICT (member_id) DO UPDATE SET fields = excluded.fields, revision_id = excluded.revision_id,"
           " published_at = excluded.published_at",
      soci::use(member_id), soci::use(fields), soci::use(profile.revision_id), soci::use(profile.published_at);
  return {};
}

}  // namespace memberd::profile
