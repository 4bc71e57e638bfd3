#include "api/mailed_export.hpp"

#include "api/core_services.hpp"
#include "mail/outbox.hpp"
#include "plugin_host/plugin_host.hpp"
#include "util/crypto.hpp"
#include "util/time_format.hpp"

#include <memberd/base64.hpp>
#include <memberd/wording.hpp>
#include <soci/soci.h>

namespace memberd {

namespace {

// The page's id the link opens: a convention between the core and whichever
// plugin draws "Your Data and Account", as "sign-in" is for the shells.
constexpr const char* kExportPage = "your-data";

}  // namespace

std::string export_page_url(CoreServices& core) {
  if (core.public_url.empty()) return {};
  for (const auto& e : core.plugins.ui_entries())
    if (e.entry.shell == UiShell::account && e.entry.id == kExportPage)
      return core.public_url + "/account/#/" + e.plugin + "/" + kExportPage;
  return {};
}

Result<TimePoint> mail_export(CoreServices& core, UnitOfWork& work, const Member& member, const std::string& archive,
                              const std::string& page_url) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  // The row is named by the token's hash; the token goes in the mail (and
  // its outbox copy until the relay takes it). Either way it opens nothing
  // without the member's own session and step-up.
  std::string token = random_token(32), hash = sha256_hex(token), data = base64_encode(archive);
  auto now = core.clock.now();
  auto expires = now + core.export_link_lifetime;
  long long created_s = to_unix(now), expires_s = to_unix(expires), bytes = static_cast<long long>(archive.size());
  **sql << "INSERT INTO member_exports (token_hash, member_id, created_at, expires_at, bytes, data)"
           " VALUES (:h, :m, :c, :e, :b, :d)",
      soci::use(hash), soci::use(member.member_id), soci::use(created_s), soci::use(expires_s), soci::use(bytes),
      soci::use(data);
  // The query names the token for the page, never the server: a fragment
  // is not sent with the request, so no access log keeps it.
  std::string link = page_url + "?token=" + token;
  MailMessage mail{member.email, "Your data is ready to download",
                   "You asked for a copy of the data we keep about you. It is ready: download it here "
                   "while you are signed in:\n\n" +
                       link + "\n\nThe link works until " + time_for_people(expires_s) +
                       ", and only for you. After that, ask again on the same page.\n\n"
                       "If you did not ask for this, sign in and change your password now.\n"};
  if (auto mailed = core.mail.enqueue(work, mail); !mailed) return mailed.failure();
  return expires;
}

Result<std::optional<std::string>> mailed_export(CoreServices& core, UnitOfWork& work, const std::string& member_id,
                                                 std::string_view token) {
  using Answer = std::optional<std::string>;
  if (token.empty() || token.size() > 128) return Answer{};
  auto sql = work.connection();
  if (!sql) return sql.failure();
  // The hash is the key: no secret byte is compared here.
  std::string hash = sha256_hex(token), data;
  long long now = to_unix(core.clock.now());
  soci::indicator found = soci::i_null;
  **sql << "SELECT data FROM member_exports WHERE token_hash = :h AND member_id = :m AND expires_at > :n",
      soci::use(hash), soci::use(member_id), soci::use(now), soci::into(data, found);
  if (found != soci::i_ok) return Answer{};
  auto archive = base64_decode(data);
  if (!archive) return Failure{Refusal::internal, {}, "a kept export is not base64"};
  return Answer{std::move(*archive)};
}

Result<int> purge_mailed_exports(UnitOfWork& work, long long now, int batch) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  soci::statement st = ((*sql)->prepare << "DELETE FROM member_exports WHERE token_hash IN (SELECT token_hash FROM"
                                              " member_exports WHERE expires_at <= :n LIMIT :b)",
                        soci::use(now), soci::use(batch));
  st.execute(true);
  return static_cast<int>(st.get_affected_rows());
}

}  // namespace memberd
