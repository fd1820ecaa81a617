// DocumentStoreContract: the behavior every DocumentStore backend must share, as a
// value-parameterized GoogleTest suite. A backend runs it from its own test file:
//
//   INSTANTIATE_TEST_SUITE_P(
//       Sqlite, DocumentStoreContract,
//       ::testing::Values(DocumentStoreFactory{
//           "InMemory", [] { return std::make_unique<SqliteDocumentStore>(":memory:"); }}),
//       DocumentStoreFactoryName);
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <utility>

#include "store/document_store.h"

namespace talegraph::store {

// A backend under test.
struct DocumentStoreFactory {
  DocumentStoreFactory(std::string name, std::function<std::unique_ptr<DocumentStore>()> create,
                       std::function<std::string()> unavailable_reason = {})
      : name(std::move(name)),
        create(std::move(create)),
        unavailable_reason(std::move(unavailable_reason)) {}

  // Suffix of the test names, letters, digits and '_' only, such as "InMemory".
  std::string name;
  // Returns a fresh, empty store. Called once per test, before the test body.
  std::function<std::unique_ptr<DocumentStore>()> create;
  // Returns why the backend's service cannot be reached, or "" when it can. Unset for
  // embedded backends. With a reason, each test is skipped, or fails when the environment
  // sets TALEGRAPH_REQUIRE_SERVICES=1.
  std::function<std::string()> unavailable_reason;
};

// Whether TALEGRAPH_REQUIRE_SERVICES=1 is set, which turns a missing service into a test
// failure instead of a skip.
bool ServicesRequired();

// Prints the factory's name in failure messages, in place of its bytes.
void PrintTo(const DocumentStoreFactory& factory, std::ostream* output);

// Names each instantiated test after its factory.
std::string DocumentStoreFactoryName(
    const ::testing::TestParamInfo<DocumentStoreFactory>& parameter);

class DocumentStoreContract : public ::testing::TestWithParam<DocumentStoreFactory> {
 protected:
  void SetUp() override;

  DocumentStore& store() { return *store_; }

 private:
  std::unique_ptr<DocumentStore> store_;
};

}  // namespace talegraph::store
