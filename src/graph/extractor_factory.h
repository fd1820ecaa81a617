// Creates the concept extraction engine that graph.extractor names.
#pragma once

#include <memory>

#include "config/config.h"
#include "graph/concept_extractor.h"

namespace talegraph::graph {

// Returns the engine of config.graph.extractor: "keyphrase" or "llm" (with
// the [llm] settings and llm.api_key). Throws std::invalid_argument for any
// other name or invalid [llm] settings.
std::unique_ptr<ConceptExtractor> MakeConceptExtractor(const config::Config& config);

}  // namespace talegraph::graph
