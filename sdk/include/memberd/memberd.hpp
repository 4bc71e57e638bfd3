#pragma once
// The whole plugin SDK. Read version.hpp, plugin.hpp, http.hpp, host.hpp and
// config.hpp in that order; json.hpp adds JSON response helpers.
#include <memberd/config.hpp>
#include <memberd/host.hpp>
#include <memberd/http.hpp>
#include <memberd/plugin.hpp>
#include <memberd/version.hpp>
