#pragma once
// The whole plugin SDK. Read version.hpp, plugin.hpp, http.hpp, host.hpp and
// config.hpp in that order; database.hpp has write transactions, json.hpp
// JSON response helpers.
#include <memberd/config.hpp>
#include <memberd/database.hpp>
#include <memberd/host.hpp>
#include <memberd/http.hpp>
#include <memberd/plugin.hpp>
#include <memberd/version.hpp>
