// What a page module imports of its own plugin's files
// (plugin_host/module_imports.hpp), so the shell preloads them with it.
#include "plugin_host/module_imports.hpp"

#include <catch2/catch.hpp>

#include <map>

using namespace memberd;

TEST_CASE("a module's relative static imports, resolved against its folder", "[plugin_host][ui]") {
  const std::string source = R"(// Sign in.
import { onSubmit } from './messages.js';
import './side-effect.js';
export { helper } from "./helpers/format.js";
import {
  a,
  b,
} from './multi-line.js';
const lazy = await import('./lazy.js');        // a later round trip by design
import { x } from '/account/kit.js';           // absolute: not the plugin's
import { y } from '../elsewhere.js';           // leaves the folder
const text = 'choose a picture from your files';
)";
  CHECK(static_imports("sign-in.js", source) ==
        std::vector<std::string>{"messages.js", "side-effect.js", "helpers/format.js", "multi-line.js"});
  CHECK(static_imports("forms/step.js", "import { s } from './shared.js';") ==
        std::vector<std::string>{"forms/shared.js"});
  CHECK(static_imports("a.js", "").empty());
  CHECK(static_imports("a.js", "import").empty());          // cut short
  CHECK(static_imports("a.js", "from '").empty());          // an unclosed quote
  CHECK(static_imports("a.js", "reimport './no.js'; x.import('./no.js')").empty());
  // Only plain paths, as a plugin's files are named (found by the fuzzer: ".//x.js" gave "/x.js").
  CHECK(static_imports("a.js", "import './/x.js'; import './a/./b.js'; import './a//b.js'; import './%2e.js';").empty());
}

TEST_CASE("the files a module reaches, transitively, each once, only the plugin's own", "[plugin_host][ui]") {
  const std::map<std::string, std::string> files = {
      {"page.js", "import './a.js'; import './b.js';"},
      {"a.js", "import './b.js'; import './c.js'; import './missing.js';"},
      {"b.js", "import './a.js';"},  // a cycle
      {"c.js", ""},
  };
  auto text = [&](const std::string& path) -> const std::string* {
    auto it = files.find(path);
    return it == files.end() ? nullptr : &it->second;
  };
  auto found = imported_files("page.js", text);
  std::sort(found.begin(), found.end());
  CHECK(found == std::vector<std::string>{"a.js", "b.js", "c.js"});
  CHECK(imported_files("c.js", text).empty());
  CHECK(imported_files("nowhere.js", text).empty());
}
