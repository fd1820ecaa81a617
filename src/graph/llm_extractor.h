// Engine "llm": concepts and relations from any OpenAI-compatible
// POST /chat/completions endpoint that supports structured output
// (response_format json_schema): OpenAI, vLLM, llama.cpp's server, Ollama.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "config/config.h"
#include "graph/concept_extractor.h"
#include "graph/keyphrase.h"

namespace talegraph::graph {

// Delay before the first retry of a request that failed with 429, a 5xx
// status or a network error. Each further retry doubles it.
inline constexpr std::chrono::milliseconds kLlmBackoffBase{1000};

// Maximum delay between two attempts, a Retry-After value included.
inline constexpr std::chrono::milliseconds kLlmMaxRetryDelay{60000};

// Asks the model for the chunk's entities and relations, and validates the
// reply (see ParseChatReply). A reply that is invalid is requested again up
// to llm.invalid_reply_retries times. When no valid reply comes, because
// of invalid replies, an error status or a network failure, the chunk is
// extracted by KeyphraseExtractor instead and a warning names the chunk.
//
// Entity keys go through NormalizeKey, so they meet the keys of the
// keyphrase engine. Weights are idf * factor as in KeyphraseExtractor,
// with each entity counted once.
//
// Thread safety: Extract may run on several threads; each call uses its own
// HTTP connection.
class LlmExtractor final : public ConceptExtractor {
 public:
  // `backoff_base` exists so that tests can shorten the retry delays.
  // Throws std::invalid_argument when the base URL or model is empty.
  LlmExtractor(const config::LlmConfig& config, const config::Secrets& secrets,
               std::chrono::milliseconds backoff_base = kLlmBackoffBase);

  ChunkConcepts Extract(const std::string& chunk_id, const std::string& text,
                        const CorpusStats& corpus, size_t max_concepts) override;

  struct Settings;

 private:
  std::shared_ptr<const Settings> settings_;
  KeyphraseExtractor fallback_;
};

}  // namespace talegraph::graph
