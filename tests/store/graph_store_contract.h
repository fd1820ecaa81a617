// GraphStoreContract: the behavior every GraphStore backend must share, as a
// value-parameterized GoogleTest suite. A backend runs it from its own test
// file:
//
//   INSTANTIATE_TEST_SUITE_P(
//       Sqlite, GraphStoreContract,
//       ::testing::Values(GraphStoreFactory{
//           "InMemory", [] { return std::make_unique<SqliteGraphStore>(":memory:"); }}),
//       GraphStoreFactoryName);
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "store/graph_store.h"

namespace talegraph::store {

// A backend under test.
struct GraphStoreFactory {
  // Suffix of the test names, letters, digits and '_' only, such as "InMemory".
  std::string name;
  // Returns a store without any graph. Called once per test, before the test body.
  std::function<std::unique_ptr<GraphStore>()> create;
};

// Prints the factory's name in failure messages, in place of its bytes.
void PrintTo(const GraphStoreFactory& factory, std::ostream* output);

// Names each instantiated test after its factory.
std::string GraphStoreFactoryName(const ::testing::TestParamInfo<GraphStoreFactory>& parameter);

class GraphStoreContract : public ::testing::TestWithParam<GraphStoreFactory> {
 protected:
  void SetUp() override;

  GraphStore& store() { return *store_; }

 private:
  std::unique_ptr<GraphStore> store_;
};

}  // namespace talegraph::store
