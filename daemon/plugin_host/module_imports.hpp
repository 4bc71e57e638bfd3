#pragma once
// The static imports a page module makes of its own plugin's files
// ("import { x } from './messages.js'"), found so the shell can ask for
// them in the page's first round trip (<link rel="modulepreload">) instead
// of one round trip later each. Only relative specifiers ("./", under the
// module's own folder) are followed; a bare or absolute one is not ours.
// Reads text only: never runs anything. Fails: never (what it cannot read
// as an import, it leaves out).
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace memberd {

// The relative paths `source` (at `path`, a plugin UI file path such as
// "sign-in.js" or "forms/step.js") imports statically, resolved against
// its folder, in order of first appearance.
std::vector<std::string> static_imports(std::string_view path, std::string_view source);

// Every file `module` reaches through static imports, transitively, each
// once, that `file_text` knows (it answers nullptr for a path that is not
// one of the plugin's files). At most 64 files: a module graph larger than
// that is not worth a preload line each.
std::vector<std::string> imported_files(const std::string& module,
                                        const std::function<const std::string*(const std::string&)>& file_text);

}  // namespace memberd
