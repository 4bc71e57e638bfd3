#include "api/access_name.hpp"

namespace memberd {

const char* access_name(Access access) {
  switch (access) {
    case Access::anyone: return "anyone";
    case Access::member: return "member";
    case Access::privileged: return "privileged";
    case Access::admin: return "admin";
  }
  return "member";
}

}  // namespace memberd
