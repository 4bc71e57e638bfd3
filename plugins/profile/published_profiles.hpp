#pragma once
// The profile_published table: what everyone may read of a member.
#include <memberd/result.hpp>
#include <memberd/unit_of_work.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace memberd::profile {

struct PublishedProfile {
  nlohmann::json fields;  // an object
  std::string revision_id;
  long long published_at = 0;  // Unix seconds
};

// DB: reads. Fails: busy.
Result<std::optional<PublishedProfile>> published_profile(UnitOfWork& work, const std::string& member_id);
// Replaces the member's published profile. DB: writes (joins the open
// transaction). Fails: busy.
Result<void> publish_profile(UnitOfWork& work, const std::string& member_id, const PublishedProfile& profile);

}  // namespace memberd::profile
