#include "graph/extractor_factory.h"

#include <stdexcept>

#include "graph/keyphrase.h"
#include "graph/llm_extractor.h"

namespace talegraph::graph {

std::unique_ptr<ConceptExtractor> MakeConceptExtractor(const config::Config& config) {
  const std::string& name = config.graph.extractor;
  if (name == "keyphrase") {
    return std::make_unique<KeyphraseExtractor>();
  }
  if (name == "llm") {
    return std::make_unique<LlmExtractor>(config.llm, config.secrets);
  }
  throw std::invalid_argument("graph.extractor: \"" + name +
                              "\" is not accepted; use one of \"keyphrase\", \"llm\"");
}

}  // namespace talegraph::graph
