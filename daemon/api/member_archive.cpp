#include "api/member_archive.hpp"

#include "api/core_services.hpp"
#include "auth/accounts_service.hpp"
#include "log/logger.hpp"
#include "plugin_host/plugin_host.hpp"
#include "storage/database_fault.hpp"
#include "storage/row_values.hpp"
#include "util/tar_writer.hpp"
#include "util/time_format.hpp"

#include <memberd/member_data.hpp>
#include <memberd/text.hpp>
#include <nlohmann/json.hpp>
#include <soci/soci.h>

#include <set>

namespace memberd {

namespace {

constexpr const char* kRoot = "memberd-data";

const char* kReadme =
    "Your data from memberd\n"
    "======================\n\n"
    "This archive holds the data this service keeps about your account, as\n"
    "it was when you downloaded it. (Records of what our staff did on your\n"
    "account are kept apart; ask support for them.)\n\n"
    "- manifest.json: when it was made, and each part: \"included\", or\n"
    "  \"missing\" (that part of the service was not running: download again\n"
    "  later), \"failed\" (it could not be read) or \"not_provided\" (that part\n"
    "  does not say what it keeps).\n"
    "- account.json: your account, where you are signed in, and what you\n"
    "  sent for approval.\n"
    "- One folder per part of the service (photo, profile, ...): its\n"
    "  data.json and any files, such as your photo.\n\n"
    "The .json files are plain text (JSON): any text editor opens them.\n"
    "Nothing here is a password, a security answer or a key: those are kept\n"
    "only in a form nobody can read back.\n";

// A plugin's file name as the archive takes it: [a-z0-9._-], 1 to 100
// bytes, not "data.json" (the part itself) nor a dot-only name.
bool valid_file_name(const std::string& name) {
  if (name.empty() || name.size() > 100 || name == "data.json" || name.find_first_not_of('.') == std::string::npos)
    return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')) return false;
  return true;
}

std::string pretty(const nlohmann::json& value) {
  return value.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

// The core's part: the account, its live sessions, what it submitted for
// an admin's approval (the plugins' own tables say what was published).
Result<nlohmann::json> core_part(CoreServices& core, UnitOfWork& work, const Member& member) {
  auto sessions = core.accounts.sessions_of(work, member.member_id);
  if (!sessions) return sessions.failure();
  nlohmann::json devices = nlohmann::json::array();
  for (const auto& s : *sessions)
    devices.push_back({{"signed_in_at", s.created_at},
                       {"last_seen_at", s.last_seen_at},
                       {"ends_at", s.expires_at},
                       {"ip", s.ip},
                       {"browser", s.user_agent}});
  auto sql = work.connection();
  if (!sql) return sql.failure();
  nlohmann::json submissions = nlohmann::json::array();
  soci::rowset<soci::row> rows =
      ((*sql)->prepare << "SELECT kind, status, pending_fields, submitted_at, decided_at, reason FROM review_items"
                          " WHERE member_id = :m ORDER BY submitted_at, revision_id",
       soci::use(member.member_id));
  for (const auto& row : rows) {
    auto when = [&](std::size_t column) -> nlohmann::json {
      if (row.get_indicator(column) != soci::i_ok) return nullptr;
      return format_rfc3339(from_unix(row_int64(row, column)));
    };
    nlohmann::json fields = nlohmann::json::parse(row.get<std::string>(2), nullptr, false);
    submissions.push_back({{"kind", row.get<std::string>(0)},
                           {"status", row.get<std::string>(1)},
                           {"fields", fields.is_discarded() ? nlohmann::json(nullptr) : fields},
                           {"submitted_at", when(3)},
                           {"decided_at", when(4)},
                           {"reason", row.get<std::string>(5)}});
  }
  return nlohmann::json{{"member_id", member.member_id},
                        {"email", member.email},
                        {"joined_at", member.created_at},
                        {"roles", member.roles},
                        {"signed_in_on", devices},
                        {"submitted_for_approval", submissions}};
}

}  // namespace

Result<std::string> build_member_archive(CoreServices& core, UnitOfWork& work, const Member& member) {
  const auto now = core.clock.now();
  const auto mtime = to_unix(now);
  TarWriter tar;
  tar.add(kRoot, "README.txt", kReadme, mtime);
  auto account = core_part(core, work, member);
  if (!account) return account.failure();
  tar.add(kRoot, "account.json", pretty(*account), mtime);

  nlohmann::json parts = nlohmann::json::array();
  for (const auto& entry : core.plugins.member_data()) {
    nlohmann::json listed{{"plugin", entry.plugin}};
    if (!entry.serving) {
      listed["status"] = "missing";
      listed["detail"] = "This part of the service was not running; download again later to have it.";
      parts.push_back(std::move(listed));
      continue;
    }
    if (!entry.provider) {
      listed["status"] = "not_provided";
      listed["detail"] = "This part of the service does not say what it keeps about members.";
      parts.push_back(std::move(listed));
      continue;
    }
    Result<MemberDataPart> part = Failure{Refusal::internal};
    try {
      part = entry.provider->export_member(work, member.member_id);
    } catch (const std::exception& e) {
      // A database that failed is the whole archive's problem (503), not a part's.
      if (classify_database_error(e) != DatabaseFault::none) throw;
      core.log.write(LogLevel::error, entry.plugin, "exporting a member's data threw", {{"error", e.what()}});
    }
    if (work.in_transaction()) work.rollback();  // a read leaves nothing open
    if (!part && (part.failure().refusal == Refusal::busy || part.failure().refusal == Refusal::unavailable))
      return part.failure();
    if (!part || !part->data.is_object()) {
      listed["status"] = "failed";
      listed["detail"] = "This part could not be read; download again later, and tell support if it stays.";
      parts.push_back(std::move(listed));
      continue;
    }
    const std::string directory = std::string(kRoot) + "/" + entry.plugin;
    nlohmann::json files = nlohmann::json::array();
    std::set<std::string> seen;
    for (const auto& file : part->files) {
      if (!valid_file_name(file.name) || !seen.insert(file.name).second) {
        core.log.write(LogLevel::warn, entry.plugin, "a member data file with an unusable name was left out",
                       {{"name", valid_utf8(file.name, 120)}});
        listed["files_left_out"] = listed.value("files_left_out", 0) + 1;
        continue;
      }
      tar.add(directory, file.name, file.bytes, mtime);
      files.push_back({{"name", file.name}, {"content_type", file.content_type}, {"bytes", file.bytes.size()}});
    }
    tar.add(directory, "data.json", pretty(part->data), mtime);
    listed["status"] = "included";
    listed["files"] = std::move(files);
    parts.push_back(std::move(listed));
  }
  tar.add(kRoot, "manifest.json",
          pretty({{"member_id", member.member_id}, {"made_at", format_rfc3339(now)}, {"parts", parts}}), mtime);
  return tar.finish();
}

}  // namespace memberd
