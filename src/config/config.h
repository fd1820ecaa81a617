// talegraph's settings and secrets, with the defaults that
// config/talegraph.toml documents. A test checks that the two agree.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace talegraph::config {

struct ServerConfig {
  std::string host = "0.0.0.0";
  uint16_t port = 8080;
  int io_threads = 2;
  int worker_threads = 4;
  size_t max_header_bytes = 16384;
  size_t max_json_body_bytes = 1048576;
  size_t max_chunk_bytes = 8388608;
  std::chrono::seconds header_timeout{10};
  std::chrono::seconds body_timeout{60};
  std::chrono::seconds idle_timeout{30};
  std::chrono::seconds shutdown_timeout{20};
};

struct CorsConfig {
  std::vector<std::string> allowed_origins = {"*"};
  std::vector<std::string> allowed_headers = {"Content-Type", "Range", "X-Request-ID"};
  int max_age_seconds = 600;
};

struct LogConfig {
  std::string level = "info";
  std::string format = "text";
};

struct StorageConfig {
  std::string documents = "sqlite";
  // Graph store backend: "sqlite" or "neo4j". The SQLite graph store uses
  // sqlite_path too.
  std::string graph = "sqlite";
  std::string sqlite_path = "data/talegraph.db";
  size_t audio_part_bytes = 524288;
};

// [firestore]: the Firestore document store, used when storage.documents is
// "firestore".
struct FirestoreConfig {
  // Google Cloud project of the database; required with "firestore".
  std::string project_id;
  std::string database = "(default)";
  // "emulator", "service_account" (key file named in the secrets) or
  // "metadata" (the Cloud Run / Compute Engine metadata server).
  std::string auth = "emulator";
  // host:port of the emulator; empty uses FIRESTORE_EMULATOR_HOST.
  std::string emulator_host;
  // API endpoint for the "service_account" and "metadata" modes.
  std::string endpoint = "https://firestore.googleapis.com";
  // Token URL of the "metadata" mode.
  std::string metadata_token_url =
      "http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token";
  std::chrono::seconds timeout{30};
  int max_retries = 5;
  std::chrono::milliseconds retry_base_delay{100};
  std::chrono::milliseconds retry_max_delay{5000};
  std::chrono::seconds retry_max_total{30};
};

struct UploadsConfig {
  size_t max_chunks = 4096;
  uint64_t max_total_bytes = 4294967296;
};

struct JobsConfig {
  // Recordings processed at the same time.
  int workers = 1;
  // Seconds that shutdown waits for a running job's stage before it leaves
  // the job to be queued again at the next start.
  std::chrono::seconds shutdown_timeout{30};
  // Times a job runs again after a stage failed because a backing store
  // (Firestore, SQLite, Neo4j) was unavailable, and the wait before each.
  int store_retries = 3;
  std::chrono::milliseconds store_retry_delay{30000};
};

struct AsrConfig {
  std::string engine = "pocketsphinx";
  // Threads that recognize speech at once; 0 means one a CPU core.
  int threads = 0;
};

struct PocketsphinxConfig {
  // Folder of the acoustic model, dictionary and language model; empty
  // means the en-us model of the installed pocketsphinx package.
  std::string model_dir;
  // Longest utterance sent to the decoder; longer speech is cut at its
  // quietest point.
  double max_utterance_seconds = 20;
  // Shortest quiet stretch that ends an utterance.
  double min_pause_seconds = 0.3;
  // Decoder's maximum active HMMs a frame (pocketsphinx -maxhmmpf).
  int maxhmmpf = 10000;
};

struct OpenAiAsrConfig {
  // Base URL of an OpenAI-compatible API, up to and including /v1.
  std::string base_url = "https://api.openai.com/v1";
  std::string model = "whisper-1";
  // ISO 639-1 language of the speech, or empty to let the service detect it.
  std::string language;
  // Audio sent per request, kept under the API's 25 MB upload limit.
  int piece_seconds = 600;
  int max_retries = 4;
  std::chrono::seconds timeout{300};
};

struct TranscriptConfig {
  double target_chunk_seconds = 60;
  bool detect_temporal_markers = false;
};

struct GraphConfig {
  // Concept extraction engine: "keyphrase" (embedded) or "llm".
  std::string extractor = "keyphrase";
  // Concepts kept from one transcript chunk, the heaviest first.
  int max_concepts_per_chunk = 8;
};

struct LlmConfig {
  // Base URL of an OpenAI-compatible API, up to and including /v1.
  std::string base_url = "https://api.openai.com/v1";
  std::string model = "gpt-4o-mini";
  // Retries of a request that fails with 429, a 5xx status or a network
  // error.
  int max_retries = 4;
  // Requests again for a chunk whose reply is not valid JSON under the
  // schema, before the chunk falls back to the keyphrase engine.
  int invalid_reply_retries = 1;
  std::chrono::seconds timeout{60};
};

struct ChaptersConfig {
  // Minimum number of edges a node needs to be a chapter.
  int min_degree = 3;
  // Maximum number of chapters a user's graph gets.
  int max_chapters = 12;
};

struct Neo4jConfig {
  // Base URL of the server's HTTP API, without a path.
  std::string uri = "http://127.0.0.1:7474";
  std::string database = "neo4j";
  std::string user = "neo4j";
  // "query" for the Query API (Neo4j 5.19 and later, Aura), "tx" for the
  // older transactional HTTP endpoint.
  std::string api = "query";
  // Rows a write transaction sends at most.
  int batch_size = 500;
  // Retries after a transient error or a 503, network errors included.
  int max_retries = 4;
  std::chrono::milliseconds retry_base_delay{200};
  std::chrono::milliseconds retry_max_delay{5000};
  // Limit on one HTTP request, connecting included.
  std::chrono::seconds timeout{30};
};

// Values from config/secrets.toml. Never log them.
struct Secrets {
  std::string firestore_credentials_file;
  std::string neo4j_password;
  std::string openai_api_key;
  std::string llm_api_key;
};

struct Config {
  ServerConfig server;
  CorsConfig cors;
  LogConfig log;
  StorageConfig storage;
  FirestoreConfig firestore;
  UploadsConfig uploads;
  JobsConfig jobs;
  AsrConfig asr;
  PocketsphinxConfig pocketsphinx;
  OpenAiAsrConfig openai;
  TranscriptConfig transcript;
  GraphConfig graph;
  LlmConfig llm;
  ChaptersConfig chapters;
  Neo4jConfig neo4j;
  Secrets secrets;
};

// Invalid configuration. The message lists every problem found, one a line,
// each with the key's path and the accepted values.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ConfigSources {
  // Settings file; nullopt reads config/talegraph.toml when it exists and
  // keeps the built-in defaults when it does not.
  std::optional<std::filesystem::path> settings_path;
  // Secrets file; a missing file means no secrets.
  std::filesystem::path secrets_path = "config/secrets.toml";
  // Value of the PORT environment variable, when set.
  std::optional<std::string> port_override;
};

// Loads and validates the configuration. Throws ConfigError.
Config LoadConfig(const ConfigSources& sources);

// Parses settings from TOML text; `origin` names the text in messages.
// Throws ConfigError.
Config ParseSettings(std::string_view toml_text, std::string_view origin);

// Returns the effective settings as TOML, with each secret shown only as set
// or not set.
std::string DescribeConfig(const Config& config);

}  // namespace talegraph::config
