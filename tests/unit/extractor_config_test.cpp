// Tests of the [graph] and [llm] settings and of MakeConceptExtractor.
#include <gtest/gtest.h>

#include <fstream>
#include <stdexcept>
#include <string>

#include "config/config.h"
#include "graph/extractor_factory.h"
#include "graph/keyphrase.h"
#include "graph/llm_extractor.h"

namespace talegraph::graph {
namespace {

// Returns the ConfigError message of parsing `toml`, or "" when it parses.
std::string ErrorOf(const std::string& toml) {
  try {
    config::ParseSettings(toml, "test.toml");
  } catch (const config::ConfigError& error) {
    return error.what();
  }
  return "";
}

TEST(ExtractorConfig, Defaults) {
  config::Config defaults;
  EXPECT_EQ(defaults.graph.extractor, "keyphrase");
  EXPECT_EQ(defaults.graph.max_concepts_per_chunk, 8);
  EXPECT_EQ(defaults.llm.base_url, "https://api.openai.com/v1");
  EXPECT_EQ(defaults.llm.max_retries, 4);
  EXPECT_EQ(defaults.llm.invalid_reply_retries, 1);
  EXPECT_EQ(defaults.llm.timeout, std::chrono::seconds(60));
}

TEST(ExtractorConfig, OverridesApply) {
  config::Config parsed = config::ParseSettings(
      "[graph]\nextractor = \"llm\"\nmax_concepts_per_chunk = 12\n"
      "[llm]\nbase_url = \"http://127.0.0.1:9/v1\"\nmodel = \"local\"\nmax_retries = 0\n"
      "invalid_reply_retries = 3\ntimeout_seconds = 5\n",
      "test.toml");
  EXPECT_EQ(parsed.graph.extractor, "llm");
  EXPECT_EQ(parsed.graph.max_concepts_per_chunk, 12);
  EXPECT_EQ(parsed.llm.base_url, "http://127.0.0.1:9/v1");
  EXPECT_EQ(parsed.llm.model, "local");
  EXPECT_EQ(parsed.llm.max_retries, 0);
  EXPECT_EQ(parsed.llm.invalid_reply_retries, 3);
  EXPECT_EQ(parsed.llm.timeout, std::chrono::seconds(5));
}

TEST(ExtractorConfig, InvalidValuesNameTheKey) {
  const std::pair<std::string, std::string> cases[] = {
      {"[graph]\nextractor = \"spacy\"\n",
       "graph.extractor: \"spacy\" is not accepted; use one of \"keyphrase\", \"llm\""},
      {"[graph]\nmax_concepts_per_chunk = 0\n",
       "graph.max_concepts_per_chunk: 0 is out of range; use an integer from 1 to 100"},
      {"[llm]\nmax_retries = 21\n", "llm.max_retries: 21 is out of range"},
      {"[llm]\ninvalid_reply_retries = -1\n", "llm.invalid_reply_retries: -1 is out of range"},
      {"[llm]\ntimeout_seconds = 0\n", "llm.timeout_seconds: 0 is out of range"},
      {"[llm]\napi_key = \"x\"\n", "llm.api_key: unknown key"},
  };
  for (const auto& [toml, expected] : cases) {
    std::string message = ErrorOf(toml);
    EXPECT_NE(message.find(expected), std::string::npos) << toml << "message:\n" << message;
  }
}

TEST(ExtractorConfig, ApiKeyComesFromSecrets) {
  std::string path = testing::TempDir() + "/secrets_llm.toml";
  std::ofstream(path) << "[llm]\napi_key = \"sk-llm-secret-value\"\n";
  config::ConfigSources sources;
  sources.settings_path = std::string(TALEGRAPH_SOURCE_DIR) + "/config/talegraph.toml";
  sources.secrets_path = path;
  config::Config loaded = config::LoadConfig(sources);
  EXPECT_EQ(loaded.secrets.llm_api_key, "sk-llm-secret-value");
  std::string description = config::DescribeConfig(loaded);
  EXPECT_EQ(description.find("sk-llm-secret-value"), std::string::npos);
  EXPECT_NE(description.find("llm.api_key (set)"), std::string::npos);
}

TEST(MakeConceptExtractor, ChoosesTheEngine) {
  config::Config config;
  EXPECT_NE(dynamic_cast<KeyphraseExtractor*>(MakeConceptExtractor(config).get()), nullptr);
  config.graph.extractor = "llm";
  EXPECT_NE(dynamic_cast<LlmExtractor*>(MakeConceptExtractor(config).get()), nullptr);
  config.graph.extractor = "spacy";
  EXPECT_THROW(MakeConceptExtractor(config), std::invalid_argument);
  config.graph.extractor = "llm";
  config.llm.base_url = "";
  EXPECT_THROW(MakeConceptExtractor(config), std::invalid_argument);
}

}  // namespace
}  // namespace talegraph::graph
