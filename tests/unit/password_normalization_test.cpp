// Passwords are hashed in their NFKC form, and hashes made before that (of
// the bytes as typed) still match and are replaced on that sign-in
// (issue 8, item 12).
#include "auth/accounts_service.hpp"
#include "auth/password_hasher.hpp"
#include "auth/password_rules.hpp"
#include "auth/session_store.hpp"
#include "storage/change_feed.hpp"
#include "log/logger.hpp"
#include "storage/database.hpp"
#include "storage/migrations.hpp"
#include "util/system_clock.hpp"

#include <memberd/embedded_file.hpp>
#include <memberd/migrations.hpp>

#include <catch2/catch.hpp>
#include <soci/soci.h>

#include <unistd.h>

#include <filesystem>

namespace memberd::core_schema {
const std::vector<EmbeddedFile>& files();
}

using namespace memberd;

namespace {

const std::string kComposed = "\xC3\x85ngstr\xC3\xB6m lantern 42";     // "Ångström", precomposed
const std::string kDecomposed = "A\xCC\x8Angstro\xCC\x88m lantern 42";  // the same, NFD

std::string stored_hash(ConnectionPool& pool, const std::string& member_id) {
  auto unit = pool.open_unit();
  std::string hash;
  **unit->connection() << "SELECT password_hash FROM members WHERE member_id = :m", soci::use(member_id),
      soci::into(hash);
  return hash;
}

}  // namespace

TEST_CASE("normalize_password maps canonical and compatibility forms to NFKC", "[passwords]") {
  CHECK(normalize_password(kDecomposed) == kComposed);
  CHECK(normalize_password(kComposed) == kComposed);
  CHECK(normalize_password("\xEF\xBD\x90lain") == "plain");  // full-width p
  CHECK(normalize_password("plain ascii") == "plain ascii");
  CHECK(normalize_password("bad\xFF") == "bad\xFF");  // ill-formed: left as it is
}

TEST_CASE("a hash of the password as typed still matches, and is rehashed in NFKC", "[passwords][storage]") {
  auto dir = std::filesystem::temp_directory_path() / ("memberd-nfkc-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    ConnectionPool pool(DatabaseSettings{"sqlite:" + (dir / "m.db").string(), 2});
    apply_migrations(pool, "core", migrations_from_files(core_schema::files()));
    SystemClock clock;
    PasswordHasher hasher(Argon2Params{8192, 1, 1}, 1, 4);
    LogSink log(LogLevel::error, LogFormat::text, stderr);
    ChangeFeed changes(Backend::sqlite, "sqlite:unused", log);
    SessionStore sessions(clock, SessionPolicy{}, changes);
    AccountsService accounts(clock, hasher, sessions, log);

    auto unit = pool.open_unit();
    auto hash = accounts.hash_password(*unit, kComposed);
    REQUIRE(hash);
    auto id = accounts.create_member(*unit, "nfkc@example.com", *hash, {});
    REQUIRE(id);
    // What a daemon before normalisation stored for a member who typed NFD.
    std::string legacy = hasher.hash(kDecomposed);
    **unit->connection() << "UPDATE members SET password_hash = :h WHERE member_id = :m", soci::use(legacy),
        soci::use(*id);
    REQUIRE(!hasher.verify(legacy, kComposed));

    auto check = accounts.verify_password(*unit, *id, kDecomposed);
    REQUIRE(check);
    CHECK(*check == PasswordCheck::right);
    std::string rehashed = stored_hash(pool, *id);
    CHECK(rehashed != legacy);
    CHECK(hasher.verify(rehashed, kComposed));
    // Now either form matches the new hash directly.
    auto composed = accounts.verify_password(*unit, *id, kComposed);
    REQUIRE(composed);
    CHECK(*composed == PasswordCheck::right);
    CHECK(stored_hash(pool, *id) == rehashed);
    auto wrong = accounts.verify_password(*unit, *id, "Angstrom lantern 42");
    REQUIRE(wrong);
    CHECK(*wrong == PasswordCheck::wrong);
  }
  std::filesystem::remove_all(dir);
}
