#pragma once
// The whole plugin SDK. Read version.hpp, plugin.hpp, http.hpp, host.hpp and
// config.hpp in that order; database.hpp has write transactions, json.hpp
// JSON response helpers.
#include <memberd/admin_reason.hpp>
#include <memberd/base64.hpp>
#include <memberd/changes.hpp>
#include <memberd/client_network.hpp>
#include <memberd/config.hpp>
#include <memberd/database.hpp>
#include <memberd/email_address.hpp>
#include <memberd/embedded_file.hpp>
#include <memberd/geo.hpp>
#include <memberd/host.hpp>
#include <memberd/http.hpp>
#include <memberd/json.hpp>
#include <memberd/kept_statement.hpp>
#include <memberd/member_data.hpp>
#include <memberd/migration.hpp>
#include <memberd/migrations.hpp>
#include <memberd/plugin.hpp>
#include <memberd/problem.hpp>
#include <memberd/response.hpp>
#include <memberd/result.hpp>
#include <memberd/session_cookies.hpp>
#include <memberd/text.hpp>
#include <memberd/unit_of_work.hpp>
#include <memberd/version.hpp>
#include <memberd/wording.hpp>
