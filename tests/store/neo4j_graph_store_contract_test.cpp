// The graph store contract suite on a real Neo4j server (see
// neo4j_test_server.h). The suite's fixed user ids ("u1", "u2") are given
// a prefix of their own for each test, so that tests running at the same
// time on one server, and earlier runs, never see each other's graphs.

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "store/graph_store_contract.h"
#include "store/neo4j_graph_store.h"
#include "store/neo4j_test_server.h"

namespace talegraph::store {
namespace {

// A GraphStore that stores each user id with a prefix and removes the
// prefix from what it reads. Deletes its users' graphs when destroyed.
class PrefixedUserGraphStore : public GraphStore {
 public:
  explicit PrefixedUserGraphStore(const Neo4jClientOptions& options)
      : store_(options, 500), client_(options), prefix_(testing::UniqueId("contract") + "-") {}

  ~PrefixedUserGraphStore() override {
    try {
      client_.Run({"MATCH (c:Concept) WHERE c.user_id STARTS WITH $prefix DETACH DELETE c",
                   {{"prefix", prefix_}}},
                  "cleanup of contract test users");
    } catch (const StoreError& error) {
      ADD_FAILURE() << error.what();
    }
  }

  void Merge(const GraphContribution& contribution) override {
    GraphContribution prefixed = contribution;
    prefixed.user_id = Prefixed(contribution.user_id);
    for (auto& node : prefixed.nodes) {
      node.user_id = prefixed.user_id;
    }
    for (auto& edge : prefixed.edges) {
      edge.user_id = prefixed.user_id;
    }
    store_.Merge(prefixed);
  }

  void RemoveChunks(std::string_view user_id, std::string_view recording_id,
                    const std::vector<std::string>& chunk_ids) override {
    store_.RemoveChunks(Prefixed(user_id), recording_id, chunk_ids);
  }

  void SetChapters(std::string_view user_id,
                   const std::vector<ChapterAssignment>& assignments) override {
    store_.SetChapters(Prefixed(user_id), assignments);
  }

  Graph ReadGraph(std::string_view user_id) override {
    Graph graph = store_.ReadGraph(Prefixed(user_id));
    for (auto& node : graph.nodes) {
      node.user_id = Unprefixed(node.user_id);
    }
    for (auto& edge : graph.edges) {
      edge.user_id = Unprefixed(edge.user_id);
    }
    return graph;
  }

  std::optional<NodeWithNeighbours> ReadNode(std::string_view user_id,
                                             std::string_view node_id) override {
    auto found = store_.ReadNode(Prefixed(user_id), node_id);
    if (found) {
      found->node.user_id = Unprefixed(found->node.user_id);
      for (auto& neighbour : found->neighbours) {
        neighbour.node.user_id = Unprefixed(neighbour.node.user_id);
      }
    }
    return found;
  }

  void DeleteUser(std::string_view user_id) override { store_.DeleteUser(Prefixed(user_id)); }

  void Ping() override { store_.Ping(); }

 private:
  std::string Prefixed(std::string_view user_id) const { return prefix_ + std::string(user_id); }

  std::string Unprefixed(const std::string& user_id) const {
    return user_id.starts_with(prefix_) ? user_id.substr(prefix_.size()) : "unprefixed:" + user_id;
  }

  Neo4jGraphStore store_;
  Neo4jClient client_;
  std::string prefix_;
};

// Stands in for the store when no Neo4j server is configured. The test
// has been skipped or failed by then, so GoogleTest never runs its body.
class UnavailableGraphStore : public GraphStore {
 public:
  void Merge(const GraphContribution&) override { Fail(); }
  void RemoveChunks(std::string_view, std::string_view, const std::vector<std::string>&) override {
    Fail();
  }
  void SetChapters(std::string_view, const std::vector<ChapterAssignment>&) override { Fail(); }
  Graph ReadGraph(std::string_view) override { Fail(); }
  std::optional<NodeWithNeighbours> ReadNode(std::string_view, std::string_view) override {
    Fail();
  }
  void DeleteUser(std::string_view) override { Fail(); }
  void Ping() override { Fail(); }

 private:
  [[noreturn]] static void Fail() { throw std::logic_error("no Neo4j server is configured"); }
};

// Skips the current test, or fails it under TALEGRAPH_REQUIRE_SERVICES=1,
// when no server is configured. GoogleTest then skips the test body.
void RequireNeo4j(const std::optional<Neo4jClientOptions>& options) {
  TALEGRAPH_REQUIRE_NEO4J(options);
}

std::unique_ptr<GraphStore> CreateStore(Neo4jApi api) {
  auto options = testing::Neo4jTestOptions(api);
  RequireNeo4j(options);
  if (!options) {
    return std::make_unique<UnavailableGraphStore>();
  }
  return std::make_unique<PrefixedUserGraphStore>(*options);
}

INSTANTIATE_TEST_SUITE_P(
    Neo4j, GraphStoreContract,
    ::testing::Values(GraphStoreFactory{"QueryApi", [] { return CreateStore(Neo4jApi::kQuery); }},
                      GraphStoreFactory{"Transactional",
                                        [] { return CreateStore(Neo4jApi::kTransactional); }}),
    GraphStoreFactoryName);

}  // namespace
}  // namespace talegraph::store
