#pragma once
// A route's access rule as the API shows it: "anyone", "member",
// "privileged", "admin" (GET /api/v1/ui, GET /api/v1/admin/routes, the
// OpenAPI document's x-memberd-access).
#include <memberd/http.hpp>

namespace memberd {

const char* access_name(Access access);

}  // namespace memberd
