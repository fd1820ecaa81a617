// The extract and graph stages of the pipeline: the concepts of a
// recording's stored transcript chunks, merged into the user's graph.
#pragma once

#include <string>
#include <vector>

#include "graph/concept_extractor.h"
#include "graph/contribution.h"
#include "graph/graph_updater.h"
#include "pipeline/job_progress.h"
#include "store/document_store.h"

namespace talegraph::pipeline {

// Extracts the concepts of each stored chunk of the recording, in index
// order, scored against all of the user's chunks. Reports progress per
// chunk to `job`.
std::vector<graph::ExtractedChunk> ExtractConcepts(store::DocumentStore& documents,
                                                   graph::ConceptExtractor& extractor,
                                                   const store::Document& recording,
                                                   size_t max_concepts, JobProgress& job);

// Replaces the recording's part of the user's graph with the concepts of
// `chunks` and recomputes the chapters. Returns false, writing nothing,
// when the recording was deleted or is being deleted. Throws
// store::StoreError.
bool MergeIntoGraph(store::DocumentStore& documents, graph::GraphUpdater& graph,
                    const store::Document& recording,
                    const std::vector<graph::ExtractedChunk>& chunks);

}  // namespace talegraph::pipeline
