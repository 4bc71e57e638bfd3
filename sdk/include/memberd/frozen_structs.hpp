#pragma once
// The structs that cross the plugin boundary, with their size and alignment
// on the platform the daemon is built for (x86-64, libstdc++, the C++11
// string ABI). They are frozen within a major version (version.hpp): a
// plugin built against 2.0 and a daemon at 2.9 must read them the same way.
// plugin.hpp includes this, so every plugin and the daemon check them when
// they compile: a change that would break the promise fails a build, not a
// member's request. Changing a line here is changing the major version.
// (The list is also what tests/integration/sdk_compatibility_test.cpp
// relies on when it loads a plugin built against the 2.0 headers.)
#include <memberd/config.hpp>
#include <memberd/embedded_file.hpp>
#include <memberd/geo.hpp>
#include <memberd/host.hpp>
#include <memberd/http.hpp>
#include <memberd/member_data.hpp>
#include <memberd/migration.hpp>
#include <memberd/plugin.hpp>
#include <memberd/response.hpp>
#include <memberd/result.hpp>
#include <memberd/reviews.hpp>
#include <memberd/sign_in_factors.hpp>
#include <memberd/ui.hpp>

// X(struct, size in bytes, alignment), each since the minor version that
// added it (2.0 unless said).
#define MEMBERD_FROZEN_STRUCTS(X)   \
  X(AttemptPolicy, 32, 8)           \
  X(AttemptState, 24, 8)            \
  X(Caller, 168, 8)                 \
  X(ConfigKey, 136, 8)              \
  X(EmbeddedFile, 32, 8)            \
  X(Event, 104, 8)                  \
  X(Failure, 56, 8)                 \
  X(MailMessage, 184, 8)            \
  X(Member, 120, 8)                 \
  X(Migration, 104, 8)              \
  X(OpenedSession, 128, 8)          \
  X(PluginInfo, 96, 8)              \
  X(Response, 96, 8)                \
  X(Route, 104, 8)                  \
  X(SignInAttempt, 72, 8) /* 2.1 */ \
  X(UiEntry, 144, 8) /* 2.2 */      \
  X(GeoLocation, 168, 8) /* 2.3 */  \
  X(ReviewReceipt, 128, 8) /* 2.6 */\
  X(ReviewRevision, 288, 8) /* 2.6 */\
  X(ReviewKind, 144, 8) /* 2.9 */   \
  X(SecondStepChallenge, 88, 8) /* 2.13 */ \
  X(MemberSession, 200, 8) /* 2.15 */     \
  X(MemberFile, 96, 8) /* 2.16 */         \
  X(MemberDataPart, 40, 8) /* 2.16 */

#if defined(__x86_64__) && defined(__GLIBCXX__) && defined(_GLIBCXX_USE_CXX11_ABI) && _GLIBCXX_USE_CXX11_ABI
#define MEMBERD_CHECK_FROZEN(T, size, align)                                                  \
  static_assert(sizeof(::memberd::T) == (size) && alignof(::memberd::T) == (align),           \
                "memberd::" #T " crosses the plugin boundary and is frozen within SDK major " \
                "version 2: see memberd/frozen_structs.hpp");
MEMBERD_FROZEN_STRUCTS(MEMBERD_CHECK_FROZEN)
#undef MEMBERD_CHECK_FROZEN
#endif
