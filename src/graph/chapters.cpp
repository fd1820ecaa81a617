#include "graph/chapters.h"

#include <algorithm>
#include <string_view>
#include <unordered_map>

namespace talegraph::graph {

namespace {

// Returns each node's index, keyed by id. The views point into `graph`.
std::unordered_map<std::string_view, size_t> IndexById(const store::Graph& graph) {
  std::unordered_map<std::string_view, size_t> index;
  index.reserve(graph.nodes.size());
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    index.emplace(graph.nodes[i].id, i);
  }
  return index;
}

// Returns the indexes of the chapter nodes, in rank order.
std::vector<size_t> SelectChapters(const store::Graph& graph, const std::vector<int64_t>& degrees,
                                   const config::ChaptersConfig& config) {
  std::vector<size_t> candidates;
  for (size_t i = 0; i < degrees.size(); ++i) {
    if (degrees[i] >= config.min_degree) {
      candidates.push_back(i);
    }
  }
  auto ranks_before = [&](size_t a, size_t b) {
    const auto& left = graph.nodes[a];
    const auto& right = graph.nodes[b];
    if (degrees[a] != degrees[b]) {
      return degrees[a] > degrees[b];
    }
    if (left.chunk_ids.size() != right.chunk_ids.size()) {
      return left.chunk_ids.size() > right.chunk_ids.size();
    }
    return left.id < right.id;
  };
  size_t count = std::min(candidates.size(), static_cast<size_t>(config.max_chapters));
  std::partial_sort(candidates.begin(), candidates.begin() + static_cast<ptrdiff_t>(count),
                    candidates.end(), ranks_before);
  candidates.resize(count);
  return candidates;
}

}  // namespace

std::vector<store::ChapterAssignment> ComputeChapters(const store::Graph& graph,
                                                      const config::ChaptersConfig& config) {
  auto index = IndexById(graph);
  std::vector<std::pair<size_t, size_t>> edges;
  edges.reserve(graph.edges.size());
  std::vector<int64_t> degrees(graph.nodes.size(), 0);
  for (const auto& edge : graph.edges) {
    auto source = index.find(edge.source);
    auto target = index.find(edge.target);
    if (source == index.end() || target == index.end() || source->second == target->second) {
      continue;
    }
    edges.emplace_back(source->second, target->second);
    ++degrees[source->second];
    ++degrees[target->second];
  }

  std::vector<store::ChapterAssignment> assignments(graph.nodes.size());
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    assignments[i].node_id = graph.nodes[i].id;
    assignments[i].degree = degrees[i];
  }
  for (size_t chapter : SelectChapters(graph, degrees, config)) {
    assignments[chapter].is_chapter = true;
    assignments[chapter].chapters = {graph.nodes[chapter].id};
  }
  for (auto [a, b] : edges) {
    if (assignments[a].is_chapter && !assignments[b].is_chapter) {
      assignments[b].chapters.push_back(graph.nodes[a].id);
    } else if (assignments[b].is_chapter && !assignments[a].is_chapter) {
      assignments[a].chapters.push_back(graph.nodes[b].id);
    }
  }
  for (auto& assignment : assignments) {
    std::sort(assignment.chapters.begin(), assignment.chapters.end());
  }
  return assignments;
}

std::vector<store::ChapterAssignment> ChangedAssignments(
    const store::Graph& graph, const std::vector<store::ChapterAssignment>& assignments) {
  auto index = IndexById(graph);
  std::vector<store::ChapterAssignment> changed;
  for (const auto& assignment : assignments) {
    auto found = index.find(assignment.node_id);
    if (found == index.end()) {
      continue;
    }
    const auto& node = graph.nodes[found->second];
    if (node.degree != assignment.degree || node.is_chapter != assignment.is_chapter ||
        node.chapters != assignment.chapters) {
      changed.push_back(assignment);
    }
  }
  return changed;
}

}  // namespace talegraph::graph
