#pragma once
// --- SDK 2.16 ---
// A member's data, whole (GDPR articles 15, 17 and 20): every plugin that
// keeps something of a member hands the host one MemberDataProvider from
// start() (Host::provide_member_data), which
//   - exports the plugin's part into the member's archive ("Download my
//     data", POST /api/v1/me/data-export): the host writes each part as
//     <plugin>/data.json beside its files, and names a plugin that is
//     enabled but not serving as missing, never leaving it out silently;
//   - erases the plugin's part when the member's account is closed: once
//     the closure's grace period is over the host asks every provider, then
//     removes the member itself (sessions, roles, the core's records).
//
// A plugin that keeps nothing of members provides none. One that keeps
// something and provides none keeps it past the member's closure: the
// host cannot know the plugin's tables.

#include <memberd/result.hpp>
#include <memberd/unit_of_work.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace memberd {

// A file of the member's in the archive, under <plugin>/<name>. FROZEN from
// 2.16 on.
struct MemberFile {
  std::string name;          // [a-z0-9._-], 1 to 100 characters, unique within the part
  std::string content_type;  // "image/jpeg"
  std::string bytes;
};

// What a plugin keeps of one member. FROZEN from 2.16 on.
struct MemberDataPart {
  // A JSON object, in keys a member can read ("subscriptions",
  // "sign_ins"); times as RFC 3339. Never a secret, not even hashed: a
  // password's or answer's hash, a second step's key, a token.
  nlohmann::json data = nlohmann::json::object();
  std::vector<MemberFile> files;
};

// Called on request and background threads, concurrently; it lives as long
// as the plugin version that provided it.
class MemberDataProvider {
 public:
  virtual ~MemberDataProvider() = default;
  // The plugin's part of the member's data, read through `work` (no
  // transaction is open). A member it knows nothing of: an empty part.
  // Fails: busy, unavailable.
  virtual Result<MemberDataPart> export_member(UnitOfWork& work, std::string_view member_id) = 0;
  // Removes everything the plugin keeps of the member: open a
  // WriteTransaction of your own on `work` and commit it (a file kept
  // outside the database goes after the commit). The member still exists
  // while it runs. Must be safe to ask again: a closure whose erasure
  // failed halfway (a database outage) is tried again later, from the
  // first provider. Fails: busy, unavailable.
  virtual Result<void> erase_member(UnitOfWork& work, std::string_view member_id) = 0;
};

}  // namespace memberd
