#pragma once
// The SDK's version, the rule each version keeps, and the build signature
// that stamps every plugin.
//
// A plugin is a shared library compiled against these headers. The daemon
// loads it into its own address space and calls C++ virtual functions and
// passes C++ types (std::string, nlohmann::json, soci::session) across the
// boundary, so both sides must agree on the C++ ABI: the same SDK major
// version (a host offers every minor version up to its own), the same
// compiler and version, the same `_GLIBCXX_USE_CXX11_ABI`, and the same
// versions of Boost, SOCI and nlohmann_json. The daemon refuses a plugin whose
// signature differs and says which part differs. Build your plugin with the
// toolchain and packages the daemon was built with (as nginx dynamic modules
// are built against the nginx they load into).
//
// What a minor version may do (and a major version is needed for anything
// else):
//   - add virtual functions at the END of a host interface (Host, Accounts,
//     Events, ...) — never reorder, remove or change one;
//   - add enumerators at the END of an enum;
//   - add new interfaces, structs, headers and inline helpers.
// The structs that cross the boundary (the list, with their sizes, is
// memberd/frozen_structs.hpp, which every plugin checks as it compiles) are
// FROZEN within a major version: no member is added, removed or changed,
// because a plugin built against 2.0 and a host at 2.9 must agree on their
// layout. New data comes through new
// calls. BuildSignature itself only grows at its end (the host reads
// `sdk_major` first, so it can name an old plugin's version before reading
// anything else).

#include <boost/version.hpp>
#include <nlohmann/json_fwd.hpp>
#include <soci/version.h>

#include <cstddef>
#include <cstdint>

#define MEMBERD_SDK_VERSION_MAJOR 2
// What each minor version added:
//   2.0  units of work (request.work()), failures as values (Result, Failure,
//        refusal_problem), Problem with extension members, RateLimits,
//        Secrets, duration_list config keys, session_cookies.hpp, text.hpp;
//        SOCI and nlohmann_json in the build signature.
//   2.1  PasswordRules (one password policy for everyone), SignInGuard and
//        SignInAttempt (the shared account lock with trusted devices),
//        Accounts::rotate_session, cookie_value() and the device cookie in
//        session_cookies.hpp.
//   2.2  UnitOfWork::kept() and KeptStatement: statements kept prepared on
//        their pooled connection; ui.hpp (UiEntry, UiShell) with
//        Host::add_ui_files() and Host::add_ui(): a plugin's web.
//   2.3  geo.hpp (Geo, GeoLocation, GeoAnonymity) with Host::geo(): where an
//        address is, from the host's MaxMind DB files; Accounts::find_by_ids.
//   2.4  Mail::enqueue_in_batch (a send's messages followed together),
//        Accounts::members_after (every member, a page at a time),
//        Secrets::hmac_sha256 (tokens that need no table, e.g. unsubscribe
//        links); Mail::enqueue refuses CR or LF in header values.
//   2.5  Accounts::member_count (the size of an opt-out audience);
//        Host::add_mail_templates and Mail::enqueue_template (mail from
//        template files an operator may replace); html_escape and
//        fill_placeholders in text.hpp.
//   2.6  reviews.hpp (Reviews, ReviewReceipt, ReviewRevision) with
//        Host::reviews(): the host's moderation queue, decisions as
//        review.approved / review.rejected events.
//   2.7  Host::add_route_with_body_limit (an upload route's own body
//        limit), Reviews::withdraw (a member takes a submission back).
//   2.8  Refusal::unavailable and unavailable(): the database is down,
//        unreachable, out of disk or read-only (503 + Retry-After);
//        Host::plugin_program (a program shipped beside the plugin, checked
//        like a plugin file, for work in a process of its own).
//   2.9  RateLimits::take_back (a window that counts before the fact gives
//        back what did not happen), SignInGuard::forget_devices (a password
//        change ends the trust in the member's other devices),
//        Host::add_review_kind and ReviewKind (how the console shows a
//        plugin's review kind). Header-only, usable with any 2.x host:
//        list_query.hpp's whole_number and page_cursor/parse_page_cursor,
//        utc_time.hpp's parse_utc_time, settings_binding.hpp's
//        SettingsBinding.
//   2.10  Host::add_api_description: a plugin's part of the HTTP contract
//         (OpenAPI 3.1 paths and components), served merged at
//         /api/v1/openapi.json.
//   2.11  Header-only, usable with any 2.x host: wording.hpp's
//         time_for_people and wait_for_people (times and waits in the
//         pages' words, for mail).
//   2.12  changes.hpp (Changes) with Host::changes(): what a plugin keeps
//         in memory, dropped on every daemon on the database when any of
//         them changes it (PostgreSQL's LISTEN/NOTIFY); Host::leading():
//         whether this daemon runs the cluster's once-only sweeps.
//   2.13  sign_in_factors.hpp (SignInFactors, SecondStepProvider,
//         SecondStepChallenge) with Host::sign_in_factors() and
//         Host::provide_second_step(): a plugin takes part in sign-in with
//         a second step; Request::sign_in_method() and SignInMethod (how
//         the caller's session was made).
//   2.14  SignInFactors::withdraw_second_step (an account taken back by its
//         address's owner loses the second step someone else set up, in
//         the reset's transaction); open_session and complete refuse a
//         member whose second step the calling plugin no longer provides;
//         SignInFactors::verify_second_step_on_budget (a reset's codes count
//         on the reset's own budget, not the account's lock).
//   2.15  Accounts::sessions_of and Accounts::revoke_member_session, with
//         MemberSession: a member sees and ends their own sessions ("Your
//         devices"); Host::name_admin_action and Host::record_admin_action:
//         a plugin's admin routes in the host's admin audit log.
//   2.16  Refusal::disabled (403 account_disabled): Accounts::open_session,
//         SignInFactors::open_session and SignInFactors::challenge refuse a
//         member an admin disabled; member_data.hpp (MemberDataProvider,
//         MemberFile, MemberDataPart) with Host::provide_member_data: a
//         member's data exported and erased; admin_reason.hpp;
//         list_query.hpp's list_time_range.
//   (1.0 was the first release; its plugins must be rebuilt for 2.x.)
#define MEMBERD_SDK_VERSION_MINOR 16

#define MEMBERD_STRINGIFY_INNER(x) #x
#define MEMBERD_STRINGIFY(x) MEMBERD_STRINGIFY_INNER(x)

#if defined(__clang__)
#define MEMBERD_COMPILER_ID "clang " __clang_version__
#elif defined(__GNUC__)
#define MEMBERD_COMPILER_ID                                                    \
  "gcc " MEMBERD_STRINGIFY(__GNUC__) "." MEMBERD_STRINGIFY(__GNUC_MINOR__)
#else
#define MEMBERD_COMPILER_ID "unknown"
#endif

#ifndef _GLIBCXX_USE_CXX11_ABI
#define MEMBERD_CXX11_ABI 0
#else
#define MEMBERD_CXX11_ABI _GLIBCXX_USE_CXX11_ABI
#endif

namespace memberd {

// Plain C layout on purpose: the host reads it before trusting anything else
// in the library. The first five members are SDK 1.0's layout, unchanged.
struct BuildSignature {
  std::uint32_t sdk_major;
  std::uint32_t sdk_minor;
  char compiler[48];
  std::uint32_t cxx11_abi;
  std::uint32_t boost_version;  // BOOST_VERSION, e.g. 107400
  // Since 2.0:
  std::uint32_t soci_version;  // SOCI_VERSION, e.g. 400003
  std::uint32_t nlohmann_json_version;  // major * 10000 + minor * 100 + patch
};

inline constexpr BuildSignature this_build_signature() {
  BuildSignature s{MEMBERD_SDK_VERSION_MAJOR,
                   MEMBERD_SDK_VERSION_MINOR,
                   {},
                   MEMBERD_CXX11_ABI,
                   BOOST_VERSION,
                   SOCI_VERSION,
                   NLOHMANN_JSON_VERSION_MAJOR * 10000 + NLOHMANN_JSON_VERSION_MINOR * 100 +
                       NLOHMANN_JSON_VERSION_PATCH};
  const char id[] = MEMBERD_COMPILER_ID;
  static_assert(sizeof(id) <= sizeof(s.compiler), "compiler id too long");
  for (std::size_t i = 0; i < sizeof(id); ++i) s.compiler[i] = id[i];
  return s;
}

}  // namespace memberd
