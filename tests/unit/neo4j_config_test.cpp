// Tests of the [neo4j] settings and of storage.graph.

#include <gtest/gtest.h>

#include <string>

#include "config/config.h"

namespace talegraph::config {
namespace {

std::string ErrorOf(const std::string& text) {
  try {
    ParseSettings(text, "test.toml");
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "";
}

TEST(Neo4jConfig, ReadsEveryKey) {
  Config config = ParseSettings(R"([storage]
graph = "neo4j"
[neo4j]
uri = "https://example.databases.neo4j.io"
database = "stories"
user = "talegraph"
api = "tx"
batch_size = 50
max_retries = 2
retry_base_delay_ms = 10
retry_max_delay_ms = 100
timeout_seconds = 5
)",
                                "test.toml");
  EXPECT_EQ(config.storage.graph, "neo4j");
  EXPECT_EQ(config.neo4j.uri, "https://example.databases.neo4j.io");
  EXPECT_EQ(config.neo4j.database, "stories");
  EXPECT_EQ(config.neo4j.user, "talegraph");
  EXPECT_EQ(config.neo4j.api, "tx");
  EXPECT_EQ(config.neo4j.batch_size, 50);
  EXPECT_EQ(config.neo4j.max_retries, 2);
  EXPECT_EQ(config.neo4j.retry_base_delay.count(), 10);
  EXPECT_EQ(config.neo4j.retry_max_delay.count(), 100);
  EXPECT_EQ(config.neo4j.timeout.count(), 5);
}

TEST(Neo4jConfig, DefaultsToSqliteAndQueryApi) {
  Config config = ParseSettings("", "test.toml");
  EXPECT_EQ(config.storage.graph, "sqlite");
  EXPECT_EQ(config.neo4j.api, "query");
  EXPECT_EQ(config.neo4j.database, "neo4j");
}

TEST(Neo4jConfig, RejectsInvalidValues) {
  EXPECT_NE(
      ErrorOf("[storage]\ngraph = \"janus\"\n").find("storage.graph: \"janus\" is not accepted"),
      std::string::npos);
  EXPECT_NE(ErrorOf("[neo4j]\napi = \"bolt\"\n").find("neo4j.api: \"bolt\" is not accepted"),
            std::string::npos);
  EXPECT_NE(ErrorOf("[neo4j]\nbatch_size = 0\n").find("neo4j.batch_size: 0 is out of range"),
            std::string::npos);
  EXPECT_NE(ErrorOf("[neo4j]\npassword = \"x\"\n").find("neo4j.password: unknown key"),
            std::string::npos);
}

TEST(Neo4jConfig, DescribeMasksPassword) {
  Config config;
  config.secrets.neo4j_password = "very-secret-password";
  std::string described = DescribeConfig(config);
  EXPECT_EQ(described.find("very-secret-password"), std::string::npos);
  EXPECT_NE(described.find("# neo4j.password (set)"), std::string::npos);
  EXPECT_NE(described.find("batch_size = 500"), std::string::npos);
}

}  // namespace
}  // namespace talegraph::config
