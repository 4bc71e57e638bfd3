#include "config/config_loader.hpp"

#include "config/core_reader.hpp"
#include "config/origin.hpp"
#include "config/overrides.hpp"
#include "config/yaml_document.hpp"
#include "config/yaml_reader.hpp"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace memberd {

namespace {

// The file's tree, or nullopt after reporting why there is none.
std::optional<YAML::Node> read_file(const std::string& path, ErrorList& errors) {
  std::ifstream file(path);
  if (!file) {
    errors.add(path, "", std::string("cannot read: ") + std::strerror(errno));
    return std::nullopt;
  }
  // Read at most one byte past the cap: a file of any size costs no more.
  std::string text(max_config_bytes + 1, '\0');
  file.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(file.gcount()));

  YAML::Node root;
  try {
    root = load_one_yaml_document(text);
  } catch (const YAML::ParserException& e) {
    errors.add(Origin(path).locate("", e.mark), "", e.msg);
    return std::nullopt;
  } catch (const YamlDocumentError& e) {
    errors.add(Origin(path).locate("", e.mark), "", e.message);
    return std::nullopt;
  }
  if (root.IsNull()) return YAML::Node(YAML::NodeType::Map);
  if (!root.IsMap()) {
    errors.add(Origin(path).locate("", root.Mark()), "",
               "expected a map of sections, got " + describe_yaml(root));
    return std::nullopt;
  }
  return root;
}

}  // namespace

CoreConfig load_config(const std::string& path, const std::vector<std::string>& overrides) {
  ErrorList errors;
  Origin origin(path);

  std::optional<YAML::Node> root = YAML::Node(YAML::NodeType::Map);
  if (!path.empty()) root = read_file(path, errors);

  // Overrides are applied even onto a broken file, to report their own
  // mistakes in the same run; the keys are read only from a sound tree, or
  // every plugin section would look "not enabled".
  YAML::Node tree = root.value_or(YAML::Node(YAML::NodeType::Map));
  apply_overrides(tree, overrides, origin, errors);
  if (!root) errors.throw_if_any();

  CoreConfig config = read_core_config(tree, origin, errors);
  errors.throw_if_any();
  return config;
}

}  // namespace memberd
