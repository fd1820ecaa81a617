#include "config/config.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

namespace talegraph::config {
namespace {

std::string ReadSourceFile(const std::string& relative) {
  std::ifstream file(std::string(TALEGRAPH_SOURCE_DIR) + "/" + relative);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

// Returns the ConfigError message of parsing `toml`, or "" when it parses.
std::string ErrorOf(const std::string& toml) {
  try {
    ParseSettings(toml, "test.toml");
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "";
}

TEST(Config, CommittedFileMatchesBuiltInDefaults) {
  std::string text = ReadSourceFile("config/talegraph.toml");
  ASSERT_FALSE(text.empty());
  Config parsed = ParseSettings(text, "config/talegraph.toml");
  EXPECT_EQ(DescribeConfig(parsed), DescribeConfig(Config{}));
}

TEST(Config, SecretsExampleIsValid) {
  std::string text = ReadSourceFile("config/secrets.example.toml");
  ASSERT_FALSE(text.empty());
  ConfigSources sources;
  sources.settings_path = std::string(TALEGRAPH_SOURCE_DIR) + "/config/talegraph.toml";
  sources.secrets_path = std::string(TALEGRAPH_SOURCE_DIR) + "/config/secrets.example.toml";
  EXPECT_NO_THROW(LoadConfig(sources));
}

TEST(Config, EmptyTextKeepsDefaults) {
  Config parsed = ParseSettings("", "empty.toml");
  EXPECT_EQ(parsed.server.port, 8080);
  EXPECT_EQ(parsed.storage.documents, "sqlite");
}

TEST(Config, OverridesApply) {
  Config parsed = ParseSettings("[server]\nport = 9000\nio_threads = 3\n[log]\nformat = \"json\"\n",
                                "test.toml");
  EXPECT_EQ(parsed.server.port, 9000);
  EXPECT_EQ(parsed.server.io_threads, 3);
  EXPECT_EQ(parsed.log.format, "json");
}

TEST(Config, JobStoreRetriesApply) {
  Config parsed =
      ParseSettings("[jobs]\nstore_retries = 0\nstore_retry_delay_ms = 250\n", "test.toml");
  EXPECT_EQ(parsed.jobs.store_retries, 0);
  EXPECT_EQ(parsed.jobs.store_retry_delay, std::chrono::milliseconds(250));
}

struct InvalidCase {
  std::string toml;
  std::string expected_fragment;
};

TEST(Config, InvalidValuesNameTheKey) {
  const InvalidCase cases[] = {
      {"[server]\nport = 70000\n",
       "server.port: 70000 is out of range; use an integer from 0 to 65535"},
      {"[server]\nport = \"80\"\n",
       "server.port: expected an integer from 0 to 65535, found a string"},
      {"[server]\nprot = 80\n", "server.prot: unknown key; accepted keys are"},
      {"[sever]\nport = 80\n", "sever: unknown key; accepted tables are [server]"},
      {"server = 3\n", "server: expected a table"},
      {"[log]\nlevel = \"loud\"\n", "log.level: \"loud\" is not accepted; use one of \"trace\""},
      {"[log]\nformat = 1\n", "log.format: expected a string, found an integer"},
      {"[cors]\nallowed_origins = \"*\"\n", "cors.allowed_origins: expected an array of strings"},
      {"[cors]\nallowed_origins = [\"a\", 2]\n", "cors.allowed_origins[1]: expected a string"},
      {"[storage]\ndocuments = \"mongo\"\n", "storage.documents: \"mongo\" is not accepted"},
      {"[storage]\ngraph = \"mongo\"\n", "storage.graph: \"mongo\" is not accepted"},
      {"[chapters]\nmin_degree = 0\n", "chapters.min_degree: 0 is out of range"},
      {"[chapters]\nmax_chapters = 1001\n", "chapters.max_chapters: 1001 is out of range"},
      {"[storage]\naudio_part_bytes = 2000000\n",
       "storage.audio_part_bytes: 2000000 is out of range"},
      {"[server]\nheader_timeout_seconds = 0\n",
       "server.header_timeout_seconds: 0 is out of range"},
      {"[uploads]\nmax_chunks = 0\n", "uploads.max_chunks: 0 is out of range"},
      {"[jobs]\nstore_retries = 101\n", "jobs.store_retries: 101 is out of range"},
      {"[jobs]\nstore_retry_delay_ms = 0\n", "jobs.store_retry_delay_ms: 0 is out of range"},
      {"[server\n", "test.toml:1:"},
  };
  for (const auto& test_case : cases) {
    std::string message = ErrorOf(test_case.toml);
    EXPECT_NE(message.find(test_case.expected_fragment), std::string::npos)
        << "config:\n"
        << test_case.toml << "message:\n"
        << message;
  }
}

TEST(Config, ReportsEveryProblemAtOnce) {
  std::string message = ErrorOf("[server]\nport = -1\nio_threads = 0\n[log]\nlevel = \"x\"\n");
  EXPECT_NE(message.find("server.port"), std::string::npos) << message;
  EXPECT_NE(message.find("server.io_threads"), std::string::npos) << message;
  EXPECT_NE(message.find("log.level"), std::string::npos) << message;
}

TEST(Config, PortOverride) {
  ConfigSources sources;
  sources.settings_path = std::string(TALEGRAPH_SOURCE_DIR) + "/config/talegraph.toml";
  sources.port_override = "9123";
  EXPECT_EQ(LoadConfig(sources).server.port, 9123);
}

TEST(Config, InvalidPortOverride) {
  ConfigSources sources;
  sources.settings_path = std::string(TALEGRAPH_SOURCE_DIR) + "/config/talegraph.toml";
  for (const char* port : {"http", "-1", "65536", "80x", ""}) {
    sources.port_override = port;
    EXPECT_THROW(LoadConfig(sources), ConfigError) << "PORT=" << port;
  }
}

TEST(Config, MissingExplicitSettingsFile) {
  ConfigSources sources;
  sources.settings_path = "/nonexistent/talegraph.toml";
  try {
    LoadConfig(sources);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_NE(std::string(error.what()).find("/nonexistent/talegraph.toml"), std::string::npos);
  }
}

TEST(Config, UnknownSecretRejected) {
  std::string path = testing::TempDir() + "/secrets_unknown.toml";
  std::ofstream(path) << "[neo4j]\npasword = \"x\"\n";
  ConfigSources sources;
  sources.settings_path = std::string(TALEGRAPH_SOURCE_DIR) + "/config/talegraph.toml";
  sources.secrets_path = path;
  try {
    LoadConfig(sources);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& error) {
    std::string message = error.what();
    EXPECT_NE(message.find("neo4j.pasword: unknown key"), std::string::npos) << message;
    EXPECT_EQ(message.find("\"x\""), std::string::npos) << "a secret value leaked: " << message;
  }
}

TEST(Config, DescribeMasksSecrets) {
  Config config;
  config.secrets.neo4j_password = "hunter2-secret";
  std::string description = DescribeConfig(config);
  EXPECT_EQ(description.find("hunter2-secret"), std::string::npos);
  EXPECT_NE(description.find("neo4j.password (set)"), std::string::npos);
}

TEST(Config, FirestoreSettingsApply) {
  Config parsed = ParseSettings(
      "[storage]\ndocuments = \"firestore\"\n[firestore]\nproject_id = \"p1\"\n"
      "database = \"db2\"\nauth = \"metadata\"\nemulator_host = \"127.0.0.1:9\"\n"
      "max_retries = 2\nretry_base_delay_ms = 50\nretry_max_delay_ms = 800\n"
      "retry_max_total_seconds = 9\ntimeout_seconds = 4\n",
      "test.toml");
  EXPECT_EQ(parsed.storage.documents, "firestore");
  EXPECT_EQ(parsed.firestore.project_id, "p1");
  EXPECT_EQ(parsed.firestore.database, "db2");
  EXPECT_EQ(parsed.firestore.auth, "metadata");
  EXPECT_EQ(parsed.firestore.emulator_host, "127.0.0.1:9");
  EXPECT_EQ(parsed.firestore.max_retries, 2);
  EXPECT_EQ(parsed.firestore.retry_base_delay.count(), 50);
  EXPECT_EQ(parsed.firestore.retry_max_delay.count(), 800);
  EXPECT_EQ(parsed.firestore.retry_max_total.count(), 9);
  EXPECT_EQ(parsed.firestore.timeout.count(), 4);
}

TEST(Config, FirestoreNeedsProjectId) {
  const std::string message = ErrorOf("[storage]\ndocuments = \"firestore\"\n");
  EXPECT_NE(message.find("firestore.project_id: empty"), std::string::npos) << message;
  EXPECT_EQ(ErrorOf("[firestore]\nauth = \"service_account\"\n"), "");
}

TEST(Config, FirestoreInvalidValuesNameTheKey) {
  const InvalidCase cases[] = {
      {"[firestore]\nauth = \"adc\"\n", "firestore.auth: \"adc\" is not accepted"},
      {"[firestore]\nmax_retries = 21\n", "firestore.max_retries: 21 is out of range"},
      {"[firestore]\nretry_base_delay_ms = 0\n",
       "firestore.retry_base_delay_ms: 0 is out of range"},
      {"[firestore]\nproject = \"p\"\n", "firestore.project: unknown key"},
      {"[storage]\ndocuments = \"mongo\"\n", "storage.documents: \"mongo\" is not accepted"},
  };
  for (const InvalidCase& test_case : cases) {
    SCOPED_TRACE(test_case.toml);
    const std::string message = ErrorOf(test_case.toml);
    EXPECT_NE(message.find(test_case.expected_fragment), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace talegraph::config
