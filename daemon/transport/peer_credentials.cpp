#include "transport/peer_credentials.hpp"

#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

namespace memberd {

bool peer_uid_from_pid(pid_t pid, uid_t& uid) {
  if (pid <= 0) return false;
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("Uid:", 0) != 0) continue;
    std::istringstream fields(line.substr(4));
    unsigned long real = 0, effective = 0;
    if (!(fields >> real >> effective)) return false;
    uid = static_cast<uid_t>(effective);
    return true;
  }
  return false;
}

bool is_operator_uid(uid_t uid) { return uid == 0 || uid == geteuid(); }

}  // namespace memberd
