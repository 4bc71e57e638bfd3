#pragma once
// "Download my data" (issue 32; GDPR articles 15 and 20): one tar archive of
// everything memberd keeps of a member, for them to read and take
// elsewhere. Layout (docs/member-data.md):
//   memberd-data/README.txt        what this is, in words
//   memberd-data/manifest.json     who, when, and each part: included,
//                                  missing (an enabled plugin not serving)
//                                  or failed (it could not be read)
//   memberd-data/account.json      the core's part: the account, its
//                                  sessions, what it submitted for approval
//   memberd-data/<plugin>/data.json and the plugin's files beside it
#include <memberd/host.hpp>
#include <memberd/result.hpp>
#include <memberd/unit_of_work.hpp>

#include <string>

namespace memberd {

struct CoreServices;

// Reads every part through `work` (no transaction open). Fails: busy,
// unavailable (a plugin's read met an outage: the whole archive waits).
Result<std::string> build_member_archive(CoreServices& core, UnitOfWork& work, const Member& member);

}  // namespace memberd
