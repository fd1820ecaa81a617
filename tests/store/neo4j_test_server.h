// Connection settings of the Neo4j server that the store tests use, read
// from the environment: TALEGRAPH_NEO4J_URI (such as the URI that
// scripts/start-neo4j.sh prints), TALEGRAPH_NEO4J_USER (default neo4j) and
// TALEGRAPH_NEO4J_PASSWORD (default talegraph-test, the script's default).
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <random>
#include <string>

#include "store/neo4j_client.h"

namespace talegraph::store::testing {

// Returns the options of the test server, or nullopt when
// TALEGRAPH_NEO4J_URI is unset.
inline std::optional<Neo4jClientOptions> Neo4jTestOptions(Neo4jApi api = Neo4jApi::kQuery) {
  const char* uri = std::getenv("TALEGRAPH_NEO4J_URI");
  if (uri == nullptr || *uri == '\0') {
    return std::nullopt;
  }
  const char* user = std::getenv("TALEGRAPH_NEO4J_USER");
  const char* password = std::getenv("TALEGRAPH_NEO4J_PASSWORD");
  Neo4jClientOptions options;
  options.uri = uri;
  options.user = user != nullptr && *user != '\0' ? user : "neo4j";
  options.password = password != nullptr && *password != '\0' ? password : "talegraph-test";
  options.api = api;
  options.retry.max_retries = 2;
  options.retry.base_delay = std::chrono::milliseconds(50);
  return options;
}

// Whether a missing service fails the test instead of skipping it.
inline bool ServicesRequired() {
  const char* required = std::getenv("TALEGRAPH_REQUIRE_SERVICES");
  return required != nullptr && std::string(required) == "1";
}

// Returns an id unlikely to repeat between test runs on the same server.
inline std::string UniqueId(const std::string& prefix) {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return prefix + "-" + std::to_string(generator());
}

}  // namespace talegraph::store::testing

// Skips the test when no Neo4j server is configured, or fails it when
// TALEGRAPH_REQUIRE_SERVICES=1. Use in SetUp or at the start of a test.
#define TALEGRAPH_REQUIRE_NEO4J(options)                                                    \
  do {                                                                                      \
    if (!(options)) {                                                                       \
      if (::talegraph::store::testing::ServicesRequired()) {                                \
        FAIL() << "TALEGRAPH_NEO4J_URI is not set but TALEGRAPH_REQUIRE_SERVICES=1; start " \
                  "Neo4j with scripts/start-neo4j.sh and export its URI";                   \
      }                                                                                     \
      GTEST_SKIP() << "TALEGRAPH_NEO4J_URI is not set; start Neo4j with "                   \
                      "scripts/start-neo4j.sh and export its URI to run this test";         \
    }                                                                                       \
  } while (false)
