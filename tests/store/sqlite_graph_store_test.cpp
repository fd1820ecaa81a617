#include "store/sqlite_graph_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <atomic>
#include <cerrno>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>

#include "store/graph_store_contract.h"
#include "store/sqlite_document_store.h"

namespace talegraph::store {
namespace {

// Folder under the system temporary folder for this process's database
// files, removed when the process exits.
class TemporaryFolder {
 public:
  TemporaryFolder() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "talegraph-graph-test-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      throw std::system_error(errno, std::generic_category(), "mkdtemp " + pattern);
    }
    path_ = pattern;
  }
  ~TemporaryFolder() {
    std::error_code error;
    std::filesystem::remove_all(path_, error);
  }

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Returns a database path that no earlier call returned.
std::string NewDatabasePath() {
  static const TemporaryFolder folder;
  static std::atomic<int> count = 0;
  return (folder.path() / ("graph-" + std::to_string(count++) + ".db")).string();
}

INSTANTIATE_TEST_SUITE_P(
    Sqlite, GraphStoreContract,
    ::testing::Values(
        GraphStoreFactory{"InMemory",
                          [] { return std::make_unique<SqliteGraphStore>(":memory:"); }},
        GraphStoreFactory{"File",
                          [] { return std::make_unique<SqliteGraphStore>(NewDatabasePath()); }}),
    GraphStoreFactoryName);

GraphContribution OneNode(std::string user_id, std::string node_id) {
  ConceptNode node;
  node.id = node_id;
  node.user_id = user_id;
  node.name = node_id;
  node.kind = "topic";
  node.chunk_ids = {"r1_0"};
  return {user_id, "r1", {node}, {}};
}

TEST(SqliteGraphStore, SharesFileWithDocumentStore) {
  std::string path = NewDatabasePath();
  SqliteDocumentStore documents(path);
  SqliteGraphStore graph(path);
  ASSERT_TRUE(documents.Set("users/u1", {{"name", "Ada"}}));
  graph.Merge(OneNode("u1", "a"));

  EXPECT_TRUE(documents.Get("users/u1").has_value());
  EXPECT_EQ(graph.ReadGraph("u1").nodes.size(), 1u);
}

TEST(SqliteGraphStore, GraphSurvivesReopening) {
  std::string path = NewDatabasePath();
  SqliteGraphStore(path).Merge(OneNode("u1", "a"));
  SqliteGraphStore reopened(path);

  auto graph = reopened.ReadGraph("u1");
  ASSERT_EQ(graph.nodes.size(), 1u);
  EXPECT_EQ(graph.nodes[0].chunk_ids, (std::vector<std::string>{"r1_0"}));
}

TEST(SqliteGraphStore, SelfEdgeIsRejected) {
  SqliteGraphStore graph(":memory:");
  auto contribution = OneNode("u1", "a");
  contribution.edges.push_back({"u1", "a", "a", 1, {"r1_0"}});

  EXPECT_THROW(graph.Merge(contribution), std::invalid_argument);
}

// A failing statement, here a trigger that another connection added, throws
// StoreError with SQLite's message, and the failed batch leaves nothing.
TEST(SqliteGraphStore, FailedWriteThrowsStoreError) {
  std::string path = NewDatabasePath();
  SqliteGraphStore graph(path);
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other,
                         "CREATE TRIGGER reject_nodes BEFORE INSERT ON graph_nodes "
                         "BEGIN SELECT RAISE(ABORT, 'graph writes disabled by the test'); END",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(other);

  try {
    graph.Merge(OneNode("u1", "a"));
    FAIL() << "Merge did not throw";
  } catch (const StoreError& error) {
    EXPECT_NE(std::string(error.what()).find("graph writes disabled by the test"),
              std::string::npos)
        << error.what();
    EXPECT_NE(std::string(error.what()).find(path), std::string::npos) << error.what();
  }
  EXPECT_TRUE(graph.ReadGraph("u1").nodes.empty());
}

TEST(SqliteGraphStore, UnwritableFolderThrowsStoreError) {
  std::string blocker = NewDatabasePath();
  ASSERT_TRUE(SqliteDocumentStore(blocker).Set("users/u1", {{"name", "x"}}));
  // A regular file where the database's folder should be.
  EXPECT_THROW(SqliteGraphStore(blocker + "/graph.db"), StoreError);
}

}  // namespace
}  // namespace talegraph::store
