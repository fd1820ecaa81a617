// Chapter selection: the most connected nodes of a user's graph are the
// chapters of the user's book.
#pragma once

#include <vector>

#include "config/config.h"
#include "store/graph_store.h"

namespace talegraph::graph {

// Computes the chapter step for every node of `graph`:
// - a node's degree is its number of edges;
// - a node is a chapter when its degree is at least `config.min_degree` and
//   it is among the first `config.max_chapters` nodes of the ranking;
// - the ranking orders by degree (highest first), then by number of chunk
//   ids (highest first), then by id (ascending), so ties are broken the
//   same way on every run;
// - a chapter's `chapters` lists itself only, and every other node's lists
//   the chapters it has an edge to, sorted by id.
// Returns one assignment a node, in the order of `graph.nodes`. Edges whose
// ends are not among the nodes are ignored.
std::vector<store::ChapterAssignment> ComputeChapters(const store::Graph& graph,
                                                      const config::ChaptersConfig& config);

// Returns the assignments that differ from what `graph` stores, so that a
// recomputation writes only the nodes it changed.
std::vector<store::ChapterAssignment> ChangedAssignments(
    const store::Graph& graph, const std::vector<store::ChapterAssignment>& assignments);

}  // namespace talegraph::graph
