#include "storage/sqlite_busy_wait.hpp"

#include "util/blocking_region.hpp"

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <algorithm>
#include <iterator>
#include <stdexcept>
#include <thread>

namespace memberd {

namespace {

// The same waits as SQLite's default handler (sqliteDefaultBusyCallback):
// short at first, when a writer is about to commit, then steady.
constexpr int kDelaysMs[] = {1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100};

int busy_wait(void* context, int attempt) {
  const auto timeout = static_cast<const std::chrono::milliseconds*>(context)->count();
  constexpr int kSteps = static_cast<int>(std::size(kDelaysMs));
  long long slept = 0;
  for (int i = 0; i < std::min(attempt, kSteps); ++i) slept += kDelaysMs[i];
  if (attempt > kSteps) slept += static_cast<long long>(attempt - kSteps) * kDelaysMs[kSteps - 1];
  long long delay = kDelaysMs[std::min(attempt, kSteps - 1)];
  if (slept + delay > timeout) delay = timeout - slept;
  if (delay <= 0) return 0;  // SQLITE_BUSY to the caller: "database is locked"
  BlockingRegion waiting;
  std::this_thread::sleep_for(std::chrono::milliseconds(delay));
  return 1;
}

}  // namespace

void install_sqlite_busy_wait(soci::session& session, const std::chrono::milliseconds* timeout) {
  // By name: libsoci_sqlite3 exports no typeinfo for a dynamic_cast.
  if (session.get_backend_name() != "sqlite3") throw std::runtime_error("install_sqlite_busy_wait: not an SQLite session");
  auto* backend = static_cast<soci::sqlite3_session_backend*>(session.get_backend());
  sqlite_api::sqlite3_busy_handler(backend->conn_, busy_wait, const_cast<std::chrono::milliseconds*>(timeout));
}

}  // namespace memberd
