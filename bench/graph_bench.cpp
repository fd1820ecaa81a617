// graph_bench: times the chapter step and the SQLite graph store.
//
//   graph_bench [DATABASE_FOLDER]
//
// 1. ComputeChapters on generated graphs of up to 20,000 nodes and 200,000
//    edges, the median of several runs each.
// 2. SqliteGraphStore::Merge of recordings of 1,000 to 20,000 concepts into
//    a database file, reported per 1,000 concepts, and ReadGraph of the
//    result.
// Edges join nodes picked with a skewed (Zipf-like) distribution, so the
// graphs have hubs as real stories do. Prints Markdown tables.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "config/config.h"
#include "graph/chapters.h"
#include "graph/contribution.h"
#include "store/sqlite_graph_store.h"

namespace {

using talegraph::store::ConceptEdge;
using talegraph::store::ConceptNode;
using talegraph::store::Graph;

constexpr int kChapterRuns = 7;

double MillisecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

// Picks node indexes with probability falling as 1 / (rank + 10).
class SkewedPicker {
 public:
  SkewedPicker(size_t count, uint32_t seed) : random_(seed) {
    std::vector<double> weights(count);
    for (size_t i = 0; i < count; ++i) {
      weights[i] = 1.0 / (static_cast<double>(i) + 10.0);
    }
    distribution_ = std::discrete_distribution<size_t>(weights.begin(), weights.end());
  }
  size_t Pick() { return distribution_(random_); }

 private:
  std::mt19937 random_;
  std::discrete_distribution<size_t> distribution_;
};

// Returns a graph with `node_count` nodes and `edge_count` distinct edges.
Graph GenerateGraph(size_t node_count, size_t edge_count, uint32_t seed) {
  Graph graph;
  for (size_t i = 0; i < node_count; ++i) {
    ConceptNode node;
    node.id = talegraph::graph::ConceptNodeId("bench", "concept " + std::to_string(i));
    node.chunk_ids = {"r_" + std::to_string(i % 997)};
    graph.nodes.push_back(std::move(node));
  }
  std::sort(graph.nodes.begin(), graph.nodes.end(),
            [](const auto& a, const auto& b) { return a.id < b.id; });

  SkewedPicker picker(node_count, seed);
  std::set<std::pair<size_t, size_t>> pairs;
  while (pairs.size() < edge_count) {
    size_t a = picker.Pick();
    size_t b = picker.Pick();
    if (a != b) {
      pairs.emplace(std::min(a, b), std::max(a, b));
    }
  }
  for (auto [a, b] : pairs) {
    auto ends = std::minmax(graph.nodes[a].id, graph.nodes[b].id);
    graph.edges.push_back({"bench", ends.first, ends.second, 1, {"r_0"}});
  }
  return graph;
}

void BenchChapters() {
  talegraph::config::ChaptersConfig config;
  std::printf("| nodes | edges | chapters | ComputeChapters median ms | min ms | max ms |\n");
  std::printf("| ---: | ---: | ---: | ---: | ---: | ---: |\n");
  const std::pair<size_t, size_t> sizes[] = {
      {1000, 10000}, {5000, 50000}, {10000, 100000}, {20000, 200000}};
  for (auto [nodes, edges] : sizes) {
    Graph graph = GenerateGraph(nodes, edges, 42);
    std::vector<double> times;
    size_t chapters = 0;
    for (int run = 0; run < kChapterRuns; ++run) {
      auto start = std::chrono::steady_clock::now();
      auto assignments = talegraph::graph::ComputeChapters(graph, config);
      times.push_back(MillisecondsSince(start));
      chapters = static_cast<size_t>(std::count_if(assignments.begin(), assignments.end(),
                                                   [](const auto& row) { return row.is_chapter; }));
    }
    std::sort(times.begin(), times.end());
    std::printf("| %zu | %zu | %zu | %.1f | %.1f | %.1f |\n", nodes, edges, chapters,
                times[times.size() / 2], times.front(), times.back());
  }
}

// Returns the extracted concepts of a recording with `concept_count`
// concepts, 8 per chunk, drawn from a vocabulary twice that size.
std::vector<talegraph::graph::ExtractedChunk> GenerateChunks(size_t concept_count, uint32_t seed) {
  constexpr size_t kConceptsPerChunk = 8;
  SkewedPicker picker(concept_count * 2, seed);
  std::vector<talegraph::graph::ExtractedChunk> chunks;
  for (size_t i = 0; i < concept_count; i += kConceptsPerChunk) {
    talegraph::graph::ExtractedChunk chunk{"rec_" + std::to_string(chunks.size()), {}};
    for (size_t j = 0; j < kConceptsPerChunk; ++j) {
      std::string key = "concept " + std::to_string(picker.Pick());
      chunk.concepts.concepts.push_back({key, key, "topic", 1.0});
    }
    chunks.push_back(std::move(chunk));
  }
  return chunks;
}

void BenchSqlite(const std::filesystem::path& folder) {
  std::printf(
      "| concepts | nodes | edges | Merge ms | Merge ms per 1,000 concepts | ReadGraph ms |\n");
  std::printf("| ---: | ---: | ---: | ---: | ---: | ---: |\n");
  for (size_t concepts : {1000, 5000, 20000}) {
    auto path = folder / ("graph_bench_" + std::to_string(concepts) + ".db");
    std::filesystem::remove(path);
    talegraph::store::SqliteGraphStore store(path.string());
    auto contribution =
        talegraph::graph::BuildContribution("bench", "rec", GenerateChunks(concepts, 7));

    auto start = std::chrono::steady_clock::now();
    store.Merge(contribution);
    double merge_ms = MillisecondsSince(start);
    start = std::chrono::steady_clock::now();
    Graph graph = store.ReadGraph("bench");
    double read_ms = MillisecondsSince(start);

    std::printf("| %zu | %zu | %zu | %.1f | %.1f | %.1f |\n", concepts, graph.nodes.size(),
                graph.edges.size(), merge_ms, merge_ms * 1000.0 / static_cast<double>(concepts),
                read_ms);
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(path.string() + suffix);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::filesystem::path folder =
      argc > 1 ? std::filesystem::path(argv[1]) : std::filesystem::temp_directory_path();
  std::printf("## ComputeChapters (min_degree 3, max_chapters 12)\n\n");
  BenchChapters();
  std::printf("\n## SqliteGraphStore in %s\n\n", folder.c_str());
  BenchSqlite(folder);
  return 0;
}
