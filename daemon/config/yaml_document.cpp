#include "config/yaml_document.hpp"

#include <yaml-cpp/eventhandler.h>

#include <optional>
#include <sstream>
#include <vector>

namespace memberd {

namespace {

// Sees the parser's events without building nodes: where each document
// starts, where its first node is, and the first alias.
class DocumentScout final : public YAML::EventHandler {
 public:
  struct Document {
    YAML::Mark start;
    std::optional<YAML::Mark> first_node;
  };
  std::vector<Document> documents;
  std::optional<YAML::Mark> alias;

  void OnDocumentStart(const YAML::Mark& mark) override { documents.push_back({mark, std::nullopt}); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { node_at(mark); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
    if (!alias) alias = mark;
  }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t, const std::string&) override {
    node_at(mark);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    node_at(mark);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    node_at(mark);
  }
  void OnMapEnd() override {}

 private:
  void node_at(const YAML::Mark& mark) {
    if (!documents.empty() && !documents.back().first_node) documents.back().first_node = mark;
  }
};

}  // namespace

YAML::Node load_one_yaml_document(const std::string& text) {
  if (text.size() > max_config_bytes)
    throw YamlDocumentError{YamlDocumentError::Kind::too_large, YAML::Mark::null_mark(), "larger than " + std::to_string(max_config_bytes / 1024) +
                                                         " KiB; a memberd config is a few KiB"};
  std::istringstream stream(text);
  YAML::Parser parser(stream);
  DocumentScout scout;
  // Two documents are enough to know there is more than one; a document
  // that starts where the previous one did means the parser is stuck.
  while (scout.documents.size() < 2 && parser.HandleNextDocument(scout)) {
    if (scout.alias)
      throw YamlDocumentError{YamlDocumentError::Kind::alias, *scout.alias, "aliases (*name) are not supported here; write the value out"};
  }
  if (scout.documents.size() >= 2) {
    const auto& second = scout.documents[1];
    if (second.start.pos == scout.documents[0].start.pos)
      throw YamlDocumentError{YamlDocumentError::Kind::unreadable, second.start, "cannot read the text here (a stray ',', ']' or '}'?)"};
    throw YamlDocumentError{YamlDocumentError::Kind::several_documents, second.first_node.value_or(second.start), "only one YAML document is allowed"};
  }
  // The text is one well-formed document: build its nodes.
  return YAML::Load(text);
}

}  // namespace memberd
