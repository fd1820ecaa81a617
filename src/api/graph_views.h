// JSON views of the knowledge graph for the graph routes.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <string_view>

#include "store/document_store.h"
#include "store/graph_store.h"

namespace talegraph::api {

// {"id", "name", "kind", "chunk_ids", "recording_ids", "mentions",
// "degree", "is_chapter", "chapters"}.
boost::json::object NodeView(const store::ConceptNode& node);

// {"source", "target", "weight", "chunk_ids"}.
boost::json::object EdgeView(const store::ConceptEdge& edge);

// Returns the user's chapters as the chapters route returns them, ordered
// by the earliest temporal marker of their chunks (chapters without one
// last), then by first appearance: the earliest chunk by its recording's
// created_at, then its index. Each chapter lists its member nodes (the
// chapter first, then by id), its own chunk ids in story order, the
// recordings of those chunks and a passage for each chunk that the
// transcript store has: {chunk_id, recording_id, start, end}.
boost::json::array ChapterViews(const store::Graph& graph,
                                const std::vector<store::Document>& chunks,
                                const std::vector<store::Document>& recordings);

}  // namespace talegraph::api
