#pragma once
// A plugin's schema steps (Plugin::migrations()); memberd/migrations.hpp
// builds them from SQL files. Applied by the host, on the loader thread,
// before start(), each in its own transaction.

#include <string>

namespace memberd {

// One schema step, with the SQL for each backend. Versions start at 1 and
// only grow; a step, once released, is never edited. Statements are separated
// by `;` anywhere outside quotes and `--` comments (daemon/storage/migrations.cpp).
struct Migration {
  int version;
  std::string name;
  std::string sqlite;
  std::string postgresql;
};

}  // namespace memberd
