#pragma once
// What the shells are told about themselves: the pages and panels a caller
// may open (GET /api/v1/ui) and who the caller is (GET /api/v1/session),
// also written into the member shell's page itself (shell_routes.cpp), so
// a cold load needs no round trip for either.
#include "api/core_services.hpp"

#include <nlohmann/json.hpp>

namespace memberd {

// {"account": [...], "console": [...]}: the serving plugins' entries the
// caller may open, by order then title. Fails: never.
nlohmann::json ui_listing(CoreServices& core, const Caller& caller);

// GET /api/v1/session's answer for a signed-in caller (or the socket's
// operator). Fails: never.
nlohmann::json session_view(CoreServices& core, const Caller& caller);

}  // namespace memberd
