// Measures graph writes and chapter recomputation on a Neo4j server through
// Neo4jGraphStore. Reads TALEGRAPH_NEO4J_URI and TALEGRAPH_NEO4J_PASSWORD
// (default talegraph-test), as the store tests do.
//
// Usage: neo4j_graph_bench [CONCEPTS [RUNS [BATCH_SIZE]]]
// Each run merges one recording of CONCEPTS concepts (defaults 1000, 3 runs,
// batch size 500) into a new user's graph and merges it again. Then it
// recomputes chapters as the graph updater does. It reads the whole graph,
// computes the chapters with the default [chapters] settings and writes
// the nodes whose fields changed.

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "graph/chapters.h"
#include "store/neo4j_graph_store.h"

namespace {

using talegraph::store::ConceptEdge;
using talegraph::store::ConceptNode;
using talegraph::store::Graph;
using talegraph::store::GraphContribution;

constexpr int kConceptsPerChunk = 10;

// A recording whose chunks each mention kConceptsPerChunk concepts, every
// pair of them an edge, about what the extract stage yields for a chunk.
GraphContribution MakeContribution(const std::string& user, int concepts) {
  GraphContribution contribution;
  contribution.user_id = user;
  contribution.recording_id = user + "-recording";
  std::mt19937 generator(42);
  std::uniform_int_distribution<int> pick(0, concepts - 1);
  std::map<std::pair<int, int>, std::vector<std::string>> edges;
  std::vector<std::vector<std::string>> node_chunks(concepts);
  int chunks = std::max(1, concepts * 2 / kConceptsPerChunk);
  for (int chunk = 0; chunk < chunks; ++chunk) {
    std::string chunk_id = fmt::format("{}-chunk-{:05}", user, chunk);
    std::vector<int> members;
    for (int k = 0; k < kConceptsPerChunk; ++k) {
      members.push_back(k == 0 ? chunk % concepts : pick(generator));
    }
    std::sort(members.begin(), members.end());
    members.erase(std::unique(members.begin(), members.end()), members.end());
    for (size_t i = 0; i < members.size(); ++i) {
      node_chunks[members[i]].push_back(chunk_id);
      for (size_t j = i + 1; j < members.size(); ++j) {
        edges[{members[i], members[j]}].push_back(chunk_id);
      }
    }
  }
  for (int i = 0; i < concepts; ++i) {
    if (node_chunks[i].empty()) {
      node_chunks[i].push_back(fmt::format("{}-chunk-{:05}", user, 0));
    }
    ConceptNode node;
    node.id = fmt::format("{}-concept-{:05}", user, i);
    node.name = fmt::format("concept {}", i);
    node.kind = "topic";
    node.chunk_ids = node_chunks[i];
    contribution.nodes.push_back(std::move(node));
  }
  for (auto& [pair, chunk_ids] : edges) {
    ConceptEdge edge;
    edge.source = contribution.nodes[pair.first].id;
    edge.target = contribution.nodes[pair.second].id;
    edge.chunk_ids = std::move(chunk_ids);
    contribution.edges.push_back(std::move(edge));
  }
  return contribution;
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

int ArgOr(int argc, char** argv, int index, int fallback) {
  return argc > index ? std::atoi(argv[index]) : fallback;
}

}  // namespace

int main(int argc, char** argv) {
  const char* uri = std::getenv("TALEGRAPH_NEO4J_URI");
  if (uri == nullptr || *uri == '\0') {
    fmt::print(stderr,
               "neo4j_graph_bench: set TALEGRAPH_NEO4J_URI, such as the URI that "
               "scripts/start-neo4j.sh prints\n");
    return 2;
  }
  int concepts = ArgOr(argc, argv, 1, 1000);
  int runs = ArgOr(argc, argv, 2, 3);
  int batch_size = ArgOr(argc, argv, 3, 500);
  if (concepts < 1 || runs < 1 || batch_size < 1) {
    fmt::print(stderr, "neo4j_graph_bench: CONCEPTS, RUNS and BATCH_SIZE must be positive\n");
    return 2;
  }
  const char* password = std::getenv("TALEGRAPH_NEO4J_PASSWORD");
  talegraph::store::Neo4jClientOptions options;
  options.uri = uri;
  options.password = password != nullptr ? password : "talegraph-test";
  talegraph::store::Neo4jGraphStore store(options, static_cast<size_t>(batch_size));

  const talegraph::config::ChaptersConfig chapters_config;
  fmt::print("run,concepts,edges,merge_s,remerge_s,chapters_s\n");
  for (int run = 0; run < runs; ++run) {
    std::string user = fmt::format("bench-{}-{}", std::random_device{}(), run);
    GraphContribution contribution = MakeContribution(user, concepts);
    auto start = std::chrono::steady_clock::now();
    store.Merge(contribution);
    double merge_s = SecondsSince(start);
    start = std::chrono::steady_clock::now();
    store.Merge(contribution);
    double remerge_s = SecondsSince(start);
    start = std::chrono::steady_clock::now();
    Graph graph = store.ReadGraph(user);
    auto assignments = talegraph::graph::ComputeChapters(graph, chapters_config);
    store.SetChapters(user, talegraph::graph::ChangedAssignments(graph, assignments));
    double chapters_s = SecondsSince(start);
    fmt::print("{},{},{},{:.3f},{:.3f},{:.3f}\n", run, contribution.nodes.size(),
               contribution.edges.size(), merge_s, remerge_s, chapters_s);
    store.DeleteUser(user);
  }
  return 0;
}
