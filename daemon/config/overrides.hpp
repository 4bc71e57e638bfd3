#pragma once
// `--set key.path=value`: one setting replaced from the command line, the
// value parsed as YAML (`--set http.trusted_proxies=[127.0.0.1]`). Values
// with YAML punctuation need YAML quotes inside the shell's:
// `--set 'http.listen="[::1]:8080"'` (unquoted, yaml-cpp reads `[::1]` as a list).

#include <string>
#include <vector>

namespace YAML {
class Node;
}

namespace memberd {

class ErrorList;
class Origin;

// Applies each override onto `root` in order (a later one wins), creating
// missing or empty intermediate maps, and records each in `origin` so that
// errors about the values point at `--set key.path`. A malformed override
// ("http.listen" without '=', a bad key, a value that is not YAML, a path
// through a value that is not a map) is reported and skipped.
void apply_overrides(YAML::Node& root, const std::vector<std::string>& overrides, Origin& origin,
                     ErrorList& errors);

}  // namespace memberd
