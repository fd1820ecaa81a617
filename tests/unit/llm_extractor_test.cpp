// Tests of the "llm" engine against tests/graph/llm_stub_server.py, a local
// stand-in for the chat completions endpoint that validates each request
// and records it.
#include "graph/llm_extractor.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <boost/json/value.hpp>
#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "graph/keyphrase.h"
#include "stub_server.h"

namespace talegraph::graph {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;

constexpr char kStubScript[] = TALEGRAPH_SOURCE_DIR "/tests/graph/llm_stub_server.py";
constexpr char kApiKey[] = "sk-test-llm-8d2e61c0";
constexpr char kChunkId[] = "chunk-llm-7";
constexpr char kText[] = "Aunt Martha lived in Chicago, and she kept horses on a farm.";
constexpr milliseconds kTestBackoff{1};

std::vector<std::string> KeysOf(const ChunkConcepts& result) {
  std::vector<std::string> keys;
  for (const Concept& entry : result.concepts) {
    keys.push_back(entry.key);
  }
  return keys;
}

// Returns a port on 127.0.0.1 that nothing listens on: one the kernel chose
// for a socket that is closed again.
int ClosedLoopbackPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::runtime_error("cannot bind a loopback socket");
  }
  close(fd);
  return ntohs(address.sin_port);
}

class LlmExtractorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    try {
      stub_ = new StubServer(kStubScript);
    } catch (const std::exception& error) {
      stub_error_ = new std::string(error.what());
    }
  }

  static void TearDownTestSuite() {
    delete stub_;
    stub_ = nullptr;
    delete stub_error_;
    stub_error_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(stub_, nullptr) << *stub_error_;
    stub_->Reset();
  }

  void TearDown() override {
    EXPECT_EQ(log_.text().find(kApiKey), std::string::npos) << "the API key leaked into the log";
  }

  static config::LlmConfig StubConfig(const std::string& model) {
    config::LlmConfig config;
    config.base_url = stub_->base_url();
    config.model = model;
    config.max_retries = 2;
    config.invalid_reply_retries = 1;
    config.timeout = std::chrono::seconds(10);
    return config;
  }

  static config::Secrets WithKey() {
    config::Secrets secrets;
    secrets.llm_api_key = kApiKey;
    return secrets;
  }

  static ChunkConcepts Extract(const config::LlmConfig& config, size_t max_concepts = 8) {
    LlmExtractor extractor(config, WithKey(), kTestBackoff);
    return extractor.Extract(kChunkId, kText, {}, max_concepts);
  }

  static ChunkConcepts KeyphraseResult(size_t max_concepts = 8) {
    return KeyphraseExtractor().Extract(kChunkId, kText, {}, max_concepts);
  }

  static StubServer* stub_;
  static std::string* stub_error_;
  LogCapture log_;
};

StubServer* LlmExtractorTest::stub_ = nullptr;
std::string* LlmExtractorTest::stub_error_ = nullptr;

TEST_F(LlmExtractorTest, ValidReplyGivesNormalizedConcepts) {
  ChunkConcepts result = Extract(StubConfig("gpt-test"));

  // Person and place weigh kNamedKindFactor, the topic 1; "the" has no
  // content word and is dropped. "Aunt Martha's" keys as "martha", as
  // keyphrase extraction keys it.
  ASSERT_EQ(KeysOf(result), (std::vector<std::string>{"chicago", "martha", "hors"}));
  EXPECT_EQ(result.concepts[0].kind, "place");
  EXPECT_DOUBLE_EQ(result.concepts[0].weight, kNamedKindFactor);
  EXPECT_EQ(result.concepts[1].name, "Aunt Martha's");
  EXPECT_EQ(result.concepts[1].kind, "person");
  EXPECT_DOUBLE_EQ(result.concepts[1].weight, kNamedKindFactor);
  EXPECT_EQ(result.concepts[2].kind, "topic");
  EXPECT_DOUBLE_EQ(result.concepts[2].weight, 1.0);

  ASSERT_EQ(result.relations.size(), 2u);
  EXPECT_EQ(result.relations[0].source_key, "martha");
  EXPECT_EQ(result.relations[0].target_key, "chicago");
  EXPECT_EQ(result.relations[0].label, "lived in");
  EXPECT_EQ(result.relations[1].source_key, "martha");
  EXPECT_EQ(result.relations[1].target_key, "hors");
}

TEST_F(LlmExtractorTest, KeysMeetKeyphraseKeys) {
  std::vector<std::string> keyphrase_keys = KeysOf(KeyphraseResult());
  for (const std::string& key : KeysOf(Extract(StubConfig("gpt-test")))) {
    EXPECT_NE(std::find(keyphrase_keys.begin(), keyphrase_keys.end(), key), keyphrase_keys.end())
        << key;
  }
}

TEST_F(LlmExtractorTest, RequestAsksForTheSchema) {
  Extract(StubConfig("gpt-test"));
  json::array requests = stub_->Requests();
  ASSERT_EQ(requests.size(), 1u);
  const json::object& request = requests[0].as_object();
  EXPECT_TRUE(request.at("error").is_null()) << request.at("error");
  EXPECT_EQ(request.at("model").as_string(), "gpt-test");
  EXPECT_EQ(request.at("authorization").as_string(), std::string("Bearer ") + kApiKey);
  EXPECT_EQ(request.at("content_type").as_string(), "application/json");

  const json::array& messages = request.at("messages").as_array();
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].at("role").as_string(), "system");
  EXPECT_EQ(messages[1].at("role").as_string(), "user");
  EXPECT_EQ(messages[1].at("content").as_string(), kText);

  const json::object& schema =
      request.at("response_format").at("json_schema").at("schema").as_object();
  EXPECT_EQ(schema.at("required").as_array(), (json::array{"entities", "relations"}));
  const json::value& kinds =
      schema.at("properties").at("entities").at("items").at("properties").at("kind").at("enum");
  EXPECT_EQ(kinds.as_array(), (json::array{"person", "place", "time", "topic"}));
}

TEST_F(LlmExtractorTest, MaxConceptsCutsRelationsToo) {
  ChunkConcepts result = Extract(StubConfig("gpt-test"), 2);
  EXPECT_EQ(KeysOf(result), (std::vector<std::string>{"chicago", "martha"}));
  ASSERT_EQ(result.relations.size(), 1u);
  EXPECT_EQ(result.relations[0].target_key, "chicago");
}

TEST_F(LlmExtractorTest, InvalidRepliesFallBackToKeyphrase) {
  const char* models[] = {"malformed-json",   "malformed-body", "bad-kind", "missing-relations",
                          "unknown-relation", "refusal",        "truncated"};
  std::vector<std::string> expected = KeysOf(KeyphraseResult());
  for (const char* model : models) {
    stub_->Reset();
    LogCapture log;
    ChunkConcepts result = Extract(StubConfig(model));
    EXPECT_EQ(KeysOf(result), expected) << model;
    EXPECT_TRUE(result.relations.empty()) << model;
    EXPECT_EQ(stub_->Requests().size(), 2u) << model << ": one request and one retry";
    std::string text = log.text();
    EXPECT_NE(text.find(std::string("llm chunk_id=") + kChunkId + ": no valid reply"),
              std::string::npos)
        << model << " log:\n"
        << text;
    EXPECT_NE(text.find("keyphrase engine"), std::string::npos) << model;
    EXPECT_NE(text.find("reply 2 of 2 is invalid"), std::string::npos) << model;
  }
}

TEST_F(LlmExtractorTest, InvalidReplyIsRetried) {
  ChunkConcepts result = Extract(StubConfig("invalid-then-valid"));
  json::array requests = stub_->Requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].at("messages").as_array().size(), 2u);
  // The retry adds a user message that names the problem.
  const json::array& retry_messages = requests[1].at("messages").as_array();
  ASSERT_EQ(retry_messages.size(), 3u);
  EXPECT_EQ(retry_messages[2].at("role").as_string(), "user");
  std::string correction(retry_messages[2].at("content").as_string());
  EXPECT_NE(correction.find("the message content is not JSON"), std::string::npos) << correction;
  EXPECT_EQ(KeysOf(result), (std::vector<std::string>{"chicago", "martha", "hors"}));
  EXPECT_EQ(result.relations.size(), 2u);
  EXPECT_NE(log_.text().find("reply 1 of 2 is invalid"), std::string::npos);
}

TEST_F(LlmExtractorTest, NoInvalidReplyRetriesWhenZero) {
  config::LlmConfig config = StubConfig("malformed-json");
  config.invalid_reply_retries = 0;
  Extract(config);
  EXPECT_EQ(stub_->Requests().size(), 1u);
}

TEST_F(LlmExtractorTest, RateLimitThenSuccess) {
  ChunkConcepts result = Extract(StubConfig("rate-limit-2"));
  EXPECT_EQ(stub_->Requests().size(), 3u);
  EXPECT_EQ(KeysOf(result), (std::vector<std::string>{"chicago", "martha", "hors"}));
  EXPECT_NE(log_.text().find("got status 429"), std::string::npos);
}

TEST_F(LlmExtractorTest, ServerErrorsUntilExhaustionFallBack) {
  ChunkConcepts result = Extract(StubConfig("always-500"));
  // max_retries = 2: three attempts, and an error status is not retried as
  // an invalid reply.
  EXPECT_EQ(stub_->Requests().size(), 3u);
  EXPECT_EQ(KeysOf(result), KeysOf(KeyphraseResult()));
  std::string text = log_.text();
  EXPECT_NE(text.find("returned status 500 after 3 attempts"), std::string::npos) << text;
  EXPECT_NE(text.find(kChunkId), std::string::npos);
}

TEST_F(LlmExtractorTest, ServerErrorThenSuccess) {
  ChunkConcepts result = Extract(StubConfig("server-error-1"));
  EXPECT_EQ(stub_->Requests().size(), 2u);
  EXPECT_EQ(result.relations.size(), 2u);
}

TEST_F(LlmExtractorTest, RejectedKeyFallsBackAtOnce) {
  ChunkConcepts result = Extract(StubConfig("bad-key"));
  EXPECT_EQ(stub_->Requests().size(), 1u);
  EXPECT_EQ(KeysOf(result), KeysOf(KeyphraseResult()));
  EXPECT_NE(log_.text().find("status 401"), std::string::npos);
}

TEST_F(LlmExtractorTest, UnreachableServiceFallsBack) {
  config::LlmConfig config = StubConfig("gpt-test");
  config.base_url = "http://127.0.0.1:" + std::to_string(ClosedLoopbackPort()) + "/v1";
  config.max_retries = 1;
  ChunkConcepts result = Extract(config);
  EXPECT_EQ(KeysOf(result), KeysOf(KeyphraseResult()));
  EXPECT_NE(log_.text().find("no valid reply"), std::string::npos);
}

TEST_F(LlmExtractorTest, EmptySettingsAreRejected) {
  config::LlmConfig config = StubConfig("gpt-test");
  config.base_url = "";
  EXPECT_THROW(LlmExtractor(config, WithKey()), std::invalid_argument);
  config = StubConfig("");
  EXPECT_THROW(LlmExtractor(config, WithKey()), std::invalid_argument);
}

}  // namespace
}  // namespace talegraph::graph
