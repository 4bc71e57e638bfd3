#pragma once
// "Download my data" for a large account (issue 32): an archive larger than
// `accounts.export_at_once_bytes` is not sent in the answer (a slow network
// would lose it, and a member would wait on it), but kept in the database
// and a link to it mailed to the member, valid for
// `accounts.export_link_lifetime`. The link opens the member's "your-data"
// page (whichever plugin serves a page of that id, as the shells find the
// "sign-in" page), which fetches the archive with the link's token and the
// member's own session after a step-up: the mailbox, the sign-in and the
// step-up, as for the ask.
#include <memberd/host.hpp>
#include <memberd/result.hpp>
#include <memberd/unit_of_work.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace memberd {

struct CoreServices;

// Where a mailed link leads: the served member page of id "your-data", as
// "<public url>/account/#/<plugin>/your-data". Empty when no plugin serves
// one (then nothing is mailed: the archive is answered at once). Fails: never.
std::string export_page_url(CoreServices& core);

// Keeps `archive` and mails `member` the link to `page_url`, in the open
// write transaction; when it expires. DB: writes. Fails: busy, unavailable.
Result<TimePoint> mail_export(CoreServices& core, UnitOfWork& work, const Member& member, const std::string& archive,
                              const std::string& page_url);

// The archive behind `token`, if it is `member_id`'s and not expired; nullopt
// otherwise (unknown, someone else's, expired: one answer for all). It stays
// until it expires: a second copy may be fetched. DB: reads. Fails: busy,
// unavailable.
Result<std::optional<std::string>> mailed_export(CoreServices& core, UnitOfWork& work, const std::string& member_id,
                                                 std::string_view token);

// Deletes expired archives, at most `batch`; how many. DB: writes. Fails:
// busy, unavailable.
Result<int> purge_mailed_exports(UnitOfWork& work, long long now, int batch);

}  // namespace memberd
