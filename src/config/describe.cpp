#include <toml++/toml.h>

#include <sstream>

#include "config/config.h"

namespace talegraph::config {

namespace {

toml::array Strings(const std::vector<std::string>& values) {
  toml::array array;
  for (const auto& value : values) {
    array.push_back(value);
  }
  return array;
}

std::string_view Mask(const std::string& secret) { return secret.empty() ? "(not set)" : "(set)"; }

toml::table DescribeFirestore(const FirestoreConfig& firestore) {
  return toml::table{{"project_id", firestore.project_id},
                     {"database", firestore.database},
                     {"auth", firestore.auth},
                     {"emulator_host", firestore.emulator_host},
                     {"endpoint", firestore.endpoint},
                     {"metadata_token_url", firestore.metadata_token_url},
                     {"timeout_seconds", firestore.timeout.count()},
                     {"max_retries", firestore.max_retries},
                     {"retry_base_delay_ms", firestore.retry_base_delay.count()},
                     {"retry_max_delay_ms", firestore.retry_max_delay.count()},
                     {"retry_max_total_seconds", firestore.retry_max_total.count()}};
}

}  // namespace

std::string DescribeConfig(const Config& config) {
  const auto& server = config.server;
  toml::table root{
      {"server",
       toml::table{{"host", server.host},
                   {"port", server.port},
                   {"io_threads", server.io_threads},
                   {"worker_threads", server.worker_threads},
                   {"max_header_bytes", static_cast<int64_t>(server.max_header_bytes)},
                   {"max_json_body_bytes", static_cast<int64_t>(server.max_json_body_bytes)},
                   {"max_chunk_bytes", static_cast<int64_t>(server.max_chunk_bytes)},
                   {"header_timeout_seconds", server.header_timeout.count()},
                   {"body_timeout_seconds", server.body_timeout.count()},
                   {"idle_timeout_seconds", server.idle_timeout.count()},
                   {"shutdown_timeout_seconds", server.shutdown_timeout.count()}}},
      {"cors", toml::table{{"allowed_origins", Strings(config.cors.allowed_origins)},
                           {"allowed_headers", Strings(config.cors.allowed_headers)},
                           {"max_age_seconds", config.cors.max_age_seconds}}},
      {"log", toml::table{{"level", config.log.level}, {"format", config.log.format}}},
      {"storage",
       toml::table{{"documents", config.storage.documents},
                   {"graph", config.storage.graph},
                   {"sqlite_path", config.storage.sqlite_path},
                   {"audio_part_bytes", static_cast<int64_t>(config.storage.audio_part_bytes)}}},
      {"firestore", DescribeFirestore(config.firestore)},
      {"uploads",
       toml::table{{"max_chunks", static_cast<int64_t>(config.uploads.max_chunks)},
                   {"max_total_bytes", static_cast<int64_t>(config.uploads.max_total_bytes)}}},
      {"jobs", toml::table{{"workers", config.jobs.workers},
                           {"shutdown_timeout_seconds", config.jobs.shutdown_timeout.count()},
                           {"store_retries", config.jobs.store_retries},
                           {"store_retry_delay_ms", config.jobs.store_retry_delay.count()}}},
      {"asr", toml::table{{"engine", config.asr.engine}, {"threads", config.asr.threads}}},
      {"pocketsphinx",
       toml::table{{"model_dir", config.pocketsphinx.model_dir},
                   {"max_utterance_seconds", config.pocketsphinx.max_utterance_seconds},
                   {"min_pause_seconds", config.pocketsphinx.min_pause_seconds},
                   {"maxhmmpf", config.pocketsphinx.maxhmmpf}}},
      {"openai", toml::table{{"base_url", config.openai.base_url},
                             {"model", config.openai.model},
                             {"language", config.openai.language},
                             {"piece_seconds", config.openai.piece_seconds},
                             {"max_retries", config.openai.max_retries},
                             {"timeout_seconds", config.openai.timeout.count()}}},
      {"transcript",
       toml::table{{"target_chunk_seconds", config.transcript.target_chunk_seconds},
                   {"detect_temporal_markers", config.transcript.detect_temporal_markers}}},
      {"graph", toml::table{{"extractor", config.graph.extractor},
                            {"max_concepts_per_chunk", config.graph.max_concepts_per_chunk}}},
      {"llm", toml::table{{"base_url", config.llm.base_url},
                          {"model", config.llm.model},
                          {"max_retries", config.llm.max_retries},
                          {"invalid_reply_retries", config.llm.invalid_reply_retries},
                          {"timeout_seconds", config.llm.timeout.count()}}},
      {"chapters", toml::table{{"min_degree", config.chapters.min_degree},
                               {"max_chapters", config.chapters.max_chapters}}},
      {"neo4j", toml::table{{"uri", config.neo4j.uri},
                            {"database", config.neo4j.database},
                            {"user", config.neo4j.user},
                            {"api", config.neo4j.api},
                            {"batch_size", config.neo4j.batch_size},
                            {"max_retries", config.neo4j.max_retries},
                            {"retry_base_delay_ms", config.neo4j.retry_base_delay.count()},
                            {"retry_max_delay_ms", config.neo4j.retry_max_delay.count()},
                            {"timeout_seconds", config.neo4j.timeout.count()}}},
  };

  std::ostringstream out;
  out << root << "\n\n# secrets\n"
      << "# firestore.credentials_file " << Mask(config.secrets.firestore_credentials_file) << "\n"
      << "# neo4j.password " << Mask(config.secrets.neo4j_password) << "\n"
      << "# openai.api_key " << Mask(config.secrets.openai_api_key) << "\n"
      << "# llm.api_key " << Mask(config.secrets.llm_api_key) << "\n";
  return out.str();
}

}  // namespace talegraph::config
