#include "api/acting_admin.hpp"

namespace memberd {

std::string acting_admin(const Request& req) {
  return req.caller().socket_operator ? std::string("operator") : req.caller().member_id;
}

}  // namespace memberd
