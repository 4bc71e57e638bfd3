#pragma once
#include "config/config.hpp"

#include <string>
#include <vector>

namespace memberd {

// For `memberd --check-config`: loads each enabled plugin's library (staged
// in a temporary directory, never started) to read its schema, and validates
// its section. Returns the problems, empty when all is well.
std::vector<std::string> check_plugin_sections(const CoreConfig& config);

// For `memberd --describe-config`: every enabled plugin's keys, documented.
std::string describe_plugin_sections(const CoreConfig& config);

}  // namespace memberd
