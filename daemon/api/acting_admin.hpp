#pragma once
// Who acts in an admin route, as the records keep it (a review decision, a
// member an admin made, a plugin request for the cluster): the admin's
// member id, or "operator" for root or the daemon's user on the local socket.
#include <memberd/http.hpp>

#include <string>

namespace memberd {

std::string acting_admin(const Request& req);

}  // namespace memberd
