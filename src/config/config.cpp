#include "config/config.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <charconv>
#include <fstream>
#include <sstream>

#include "config/table_reader.h"

namespace talegraph::config {

namespace {

constexpr int64_t kMaxThreads = 256;
constexpr int64_t kMaxTimeoutSeconds = 3600;

void ReadServer(TableReader& reader, ServerConfig& server) {
  reader.ReadString("host", server.host);
  reader.ReadNumber("port", server.port, 0, 65535);
  reader.ReadNumber("io_threads", server.io_threads, 1, kMaxThreads);
  reader.ReadNumber("worker_threads", server.worker_threads, 1, kMaxThreads);
  reader.ReadNumber("max_header_bytes", server.max_header_bytes, 1024, 1048576);
  reader.ReadNumber("max_json_body_bytes", server.max_json_body_bytes, 1024, 16777216);
  reader.ReadNumber("max_chunk_bytes", server.max_chunk_bytes, 1024, 268435456);
  reader.ReadSeconds("header_timeout_seconds", server.header_timeout, 1, kMaxTimeoutSeconds);
  reader.ReadSeconds("body_timeout_seconds", server.body_timeout, 1, kMaxTimeoutSeconds);
  reader.ReadSeconds("idle_timeout_seconds", server.idle_timeout, 1, kMaxTimeoutSeconds);
  reader.ReadSeconds("shutdown_timeout_seconds", server.shutdown_timeout, 1, kMaxTimeoutSeconds);
}

void ReadCors(TableReader& reader, CorsConfig& cors) {
  reader.ReadStrings("allowed_origins", cors.allowed_origins);
  reader.ReadStrings("allowed_headers", cors.allowed_headers);
  reader.ReadNumber("max_age_seconds", cors.max_age_seconds, 0, 86400);
}

void ReadLog(TableReader& reader, LogConfig& log) {
  reader.ReadChoice("level", log.level, {"trace", "debug", "info", "warn", "error", "critical"});
  reader.ReadChoice("format", log.format, {"text", "json"});
}

void ReadStorage(TableReader& reader, StorageConfig& storage) {
  reader.ReadChoice("documents", storage.documents, {"sqlite", "firestore"});
  reader.ReadChoice("graph", storage.graph, {"sqlite", "neo4j"});
  reader.ReadString("sqlite_path", storage.sqlite_path);
  reader.ReadNumber("audio_part_bytes", storage.audio_part_bytes, 1024, 1000000);
}

void ReadFirestore(TableReader& reader, FirestoreConfig& firestore) {
  reader.ReadString("project_id", firestore.project_id);
  reader.ReadString("database", firestore.database);
  reader.ReadChoice("auth", firestore.auth, {"emulator", "service_account", "metadata"});
  reader.ReadString("emulator_host", firestore.emulator_host);
  reader.ReadString("endpoint", firestore.endpoint);
  reader.ReadString("metadata_token_url", firestore.metadata_token_url);
  reader.ReadSeconds("timeout_seconds", firestore.timeout, 1, kMaxTimeoutSeconds);
  reader.ReadNumber("max_retries", firestore.max_retries, 0, 20);
  int64_t base_delay_ms = firestore.retry_base_delay.count();
  reader.ReadInteger("retry_base_delay_ms", base_delay_ms, 1, 60000);
  firestore.retry_base_delay = std::chrono::milliseconds(base_delay_ms);
  int64_t max_delay_ms = firestore.retry_max_delay.count();
  reader.ReadInteger("retry_max_delay_ms", max_delay_ms, 1, 600000);
  firestore.retry_max_delay = std::chrono::milliseconds(max_delay_ms);
  reader.ReadSeconds("retry_max_total_seconds", firestore.retry_max_total, 1, kMaxTimeoutSeconds);
}

// Checks the settings that storage.documents = "firestore" needs.
void CheckFirestoreSelection(const Config& config, std::vector<std::string>& errors) {
  if (config.storage.documents != "firestore") {
    return;
  }
  if (config.firestore.project_id.empty()) {
    errors.push_back(
        "firestore.project_id: empty, but storage.documents is \"firestore\"; set the Google "
        "Cloud project id of the database");
  }
}

void ReadChapters(TableReader& reader, ChaptersConfig& chapters) {
  reader.ReadNumber("min_degree", chapters.min_degree, 1, 1000000);
  reader.ReadNumber("max_chapters", chapters.max_chapters, 1, 1000);
}

void ReadUploads(TableReader& reader, UploadsConfig& uploads) {
  reader.ReadNumber("max_chunks", uploads.max_chunks, 1, 5000);
  reader.ReadNumber("max_total_bytes", uploads.max_total_bytes, 1, int64_t{1} << 40);
}

void ReadJobs(TableReader& reader, JobsConfig& jobs) {
  reader.ReadNumber("workers", jobs.workers, 1, 64);
  reader.ReadSeconds("shutdown_timeout_seconds", jobs.shutdown_timeout, 1, kMaxTimeoutSeconds);
  reader.ReadNumber("store_retries", jobs.store_retries, 0, 100);
  int64_t retry_delay_ms = jobs.store_retry_delay.count();
  reader.ReadInteger("store_retry_delay_ms", retry_delay_ms, 1, 3600000);
  jobs.store_retry_delay = std::chrono::milliseconds(retry_delay_ms);
}

void ReadAsr(TableReader& reader, AsrConfig& asr) {
  reader.ReadChoice("engine", asr.engine, {"pocketsphinx", "openai"});
  reader.ReadNumber("threads", asr.threads, 0, kMaxThreads);
}

void ReadPocketsphinx(TableReader& reader, PocketsphinxConfig& pocketsphinx) {
  reader.ReadString("model_dir", pocketsphinx.model_dir);
  reader.ReadDouble("max_utterance_seconds", pocketsphinx.max_utterance_seconds, 2, 120);
  reader.ReadDouble("min_pause_seconds", pocketsphinx.min_pause_seconds, 0.05, 5);
  reader.ReadNumber("maxhmmpf", pocketsphinx.maxhmmpf, -1, 1000000);
}

void ReadOpenAi(TableReader& reader, OpenAiAsrConfig& openai) {
  reader.ReadString("base_url", openai.base_url);
  reader.ReadString("model", openai.model);
  reader.ReadString("language", openai.language);
  reader.ReadNumber("piece_seconds", openai.piece_seconds, 10, 780);
  reader.ReadNumber("max_retries", openai.max_retries, 0, 20);
  reader.ReadSeconds("timeout_seconds", openai.timeout, 1, kMaxTimeoutSeconds);
}

void ReadTranscript(TableReader& reader, TranscriptConfig& transcript) {
  reader.ReadDouble("target_chunk_seconds", transcript.target_chunk_seconds, 5, 600);
  reader.ReadBool("detect_temporal_markers", transcript.detect_temporal_markers);
}

void ReadNeo4j(TableReader& reader, Neo4jConfig& neo4j) {
  reader.ReadString("uri", neo4j.uri);
  reader.ReadString("database", neo4j.database);
  reader.ReadString("user", neo4j.user);
  reader.ReadChoice("api", neo4j.api, {"query", "tx"});
  reader.ReadNumber("batch_size", neo4j.batch_size, 1, 100000);
  reader.ReadNumber("max_retries", neo4j.max_retries, 0, 20);
  int64_t base_delay = neo4j.retry_base_delay.count();
  reader.ReadInteger("retry_base_delay_ms", base_delay, 1, 60000);
  neo4j.retry_base_delay = std::chrono::milliseconds(base_delay);
  int64_t max_delay = neo4j.retry_max_delay.count();
  reader.ReadInteger("retry_max_delay_ms", max_delay, 1, 600000);
  neo4j.retry_max_delay = std::chrono::milliseconds(max_delay);
  reader.ReadSeconds("timeout_seconds", neo4j.timeout, 1, kMaxTimeoutSeconds);
}

void ReadGraph(TableReader& reader, GraphConfig& graph) {
  reader.ReadChoice("extractor", graph.extractor, {"keyphrase", "llm"});
  reader.ReadNumber("max_concepts_per_chunk", graph.max_concepts_per_chunk, 1, 100);
}

void ReadLlm(TableReader& reader, LlmConfig& llm) {
  reader.ReadString("base_url", llm.base_url);
  reader.ReadString("model", llm.model);
  reader.ReadNumber("max_retries", llm.max_retries, 0, 20);
  reader.ReadNumber("invalid_reply_retries", llm.invalid_reply_retries, 0, 5);
  reader.ReadSeconds("timeout_seconds", llm.timeout, 1, kMaxTimeoutSeconds);
}

// Calls `read` with a reader over the table `name` of `root`, when present.
template <typename Section, typename ReadFunction>
void ReadSection(const toml::table& root, std::string_view name, Section& section,
                 ReadFunction read, std::vector<std::string>& errors) {
  const toml::node* node = root.get(name);
  if (node == nullptr) {
    return;
  }
  const toml::table* table = node->as_table();
  if (table == nullptr) {
    errors.push_back(fmt::format("{}: expected a table ([{}])", name, name));
    return;
  }
  TableReader reader(*table, std::string(name), errors);
  read(reader, section);
  reader.RejectUnknownKeys();
}

void RejectUnknownSections(const toml::table& root,
                           std::initializer_list<std::string_view> sections,
                           std::vector<std::string>& errors) {
  for (const auto& [key, node] : root) {
    bool known = false;
    for (std::string_view section : sections) {
      known = known || key.str() == section;
    }
    if (!known) {
      errors.push_back(fmt::format("{}: unknown key; accepted tables are [{}]", key.str(),
                                   fmt::join(sections, "], [")));
    }
  }
}

toml::table ParseToml(std::string_view text, std::string_view origin) {
  try {
    return toml::parse(text, origin);
  } catch (const toml::parse_error& error) {
    const auto& begin = error.source().begin;
    throw ConfigError(fmt::format("{}:{}:{}: invalid TOML: {}", origin, begin.line, begin.column,
                                  error.description()));
  }
}

void ThrowIfAny(const std::vector<std::string>& errors, std::string_view origin) {
  if (!errors.empty()) {
    throw ConfigError(
        fmt::format("invalid configuration in {}:\n  {}", origin, fmt::join(errors, "\n  ")));
  }
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    throw ConfigError(fmt::format("cannot read configuration file {}", path.string()));
  }
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

Secrets ParseSecrets(std::string_view toml_text, std::string_view origin) {
  toml::table root = ParseToml(toml_text, origin);
  std::vector<std::string> errors;
  Secrets secrets;
  ReadSection(
      root, "firestore", secrets,
      [](TableReader& r, Secrets& s) {
        r.ReadString("credentials_file", s.firestore_credentials_file);
      },
      errors);
  ReadSection(
      root, "neo4j", secrets,
      [](TableReader& r, Secrets& s) { r.ReadString("password", s.neo4j_password); }, errors);
  ReadSection(
      root, "openai", secrets,
      [](TableReader& r, Secrets& s) { r.ReadString("api_key", s.openai_api_key); }, errors);
  ReadSection(
      root, "llm", secrets,
      [](TableReader& r, Secrets& s) { r.ReadString("api_key", s.llm_api_key); }, errors);
  RejectUnknownSections(root, {"firestore", "neo4j", "openai", "llm"}, errors);
  ThrowIfAny(errors, origin);
  return secrets;
}

uint16_t ParsePort(std::string_view text) {
  unsigned value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value > 65535) {
    throw ConfigError(
        fmt::format("PORT: \"{}\" is not a port; use an integer from 0 to 65535", text));
  }
  return static_cast<uint16_t>(value);
}

}  // namespace

Config ParseSettings(std::string_view toml_text, std::string_view origin) {
  toml::table root = ParseToml(toml_text, origin);
  std::vector<std::string> errors;
  Config config;
  ReadSection(root, "server", config.server, ReadServer, errors);
  ReadSection(root, "cors", config.cors, ReadCors, errors);
  ReadSection(root, "log", config.log, ReadLog, errors);
  ReadSection(root, "storage", config.storage, ReadStorage, errors);
  ReadSection(root, "firestore", config.firestore, ReadFirestore, errors);
  CheckFirestoreSelection(config, errors);
  ReadSection(root, "uploads", config.uploads, ReadUploads, errors);
  ReadSection(root, "jobs", config.jobs, ReadJobs, errors);
  ReadSection(root, "asr", config.asr, ReadAsr, errors);
  ReadSection(root, "pocketsphinx", config.pocketsphinx, ReadPocketsphinx, errors);
  ReadSection(root, "openai", config.openai, ReadOpenAi, errors);
  ReadSection(root, "transcript", config.transcript, ReadTranscript, errors);
  ReadSection(root, "graph", config.graph, ReadGraph, errors);
  ReadSection(root, "llm", config.llm, ReadLlm, errors);
  ReadSection(root, "chapters", config.chapters, ReadChapters, errors);
  ReadSection(root, "neo4j", config.neo4j, ReadNeo4j, errors);
  RejectUnknownSections(
      root,
      {"server", "cors", "log", "storage", "firestore", "uploads", "jobs", "asr", "pocketsphinx",
       "openai", "transcript", "graph", "llm", "chapters", "neo4j"},
      errors);
  ThrowIfAny(errors, origin);
  return config;
}

Config LoadConfig(const ConfigSources& sources) {
  Config config;
  std::filesystem::path settings_path = sources.settings_path.value_or("config/talegraph.toml");
  if (sources.settings_path || std::filesystem::exists(settings_path)) {
    config = ParseSettings(ReadFile(settings_path), settings_path.string());
  }
  if (std::filesystem::exists(sources.secrets_path)) {
    config.secrets = ParseSecrets(ReadFile(sources.secrets_path), sources.secrets_path.string());
  }
  if (sources.port_override) {
    config.server.port = ParsePort(*sources.port_override);
  }
  return config;
}

}  // namespace talegraph::config
