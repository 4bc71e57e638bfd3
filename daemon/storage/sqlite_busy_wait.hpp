#pragma once
// How an SQLite connection waits for a lock another connection holds
// (database.busy_timeout): like SQLite's own busy handler, sleeping a little
// longer each time until the timeout, but each sleep inside a
// BlockingRegion, so the handler pool runs another request on the core
// meanwhile instead of counting the sleeper as running.
#include <chrono>

namespace soci {
class session;
}

namespace memberd {

// Replaces the busy handler of `session`, an open SQLite session.
// `timeout` must outlive the session. Throws std::runtime_error when the
// session is not an SQLite one.
void install_sqlite_busy_wait(soci::session& session, const std::chrono::milliseconds* timeout);

}  // namespace memberd
