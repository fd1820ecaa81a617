#include "graph/llm_extractor.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <utility>

#include "graph/llm_reply.h"
#include "net/http_client.h"
#include "net/retry.h"
#include "util/printable.h"

namespace talegraph::graph {

struct LlmExtractor::Settings {
  std::string url;
  std::string model;
  std::string api_key;
  std::chrono::seconds timeout{0};
  net::RetryPolicy retry;
  int invalid_reply_retries = 0;
};

namespace {

using Settings = LlmExtractor::Settings;

std::string ChatCompletionsUrl(std::string_view base_url) {
  while (base_url.ends_with('/')) {
    base_url.remove_suffix(1);
  }
  return fmt::format("{}/chat/completions", base_url);
}

// Replaces each occurrence of `secret` in `text`, in case a service echoes
// the API key in an error body.
std::string Redact(std::string text, const std::string& secret) {
  if (secret.empty()) {
    return text;
  }
  for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at)) {
    text.replace(at, secret.size(), "[redacted]");
  }
  return text;
}

double MillisecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

// One chunk's exchange with the service, from the first request to a valid
// reply or the reason there is none.
class ChunkRequest {
 public:
  ChunkRequest(const Settings& settings, const std::string& chunk_id, const std::string& text,
               size_t max_concepts)
      : settings_(settings), chunk_id_(chunk_id), text_(text), max_concepts_(max_concepts) {
    request_.method = "POST";
    request_.url = settings.url;
    request_.timeout = settings.timeout;
    request_.headers.emplace_back("Content-Type", "application/json");
    if (!settings.api_key.empty()) {
      request_.headers.emplace_back("Authorization", "Bearer " + settings.api_key);
    }
  }

  // Returns the reply, or nullopt with failure() set.
  std::optional<ReplyConcepts> Run() {
    const int replies = settings_.invalid_reply_retries + 1;
    std::string problem;
    for (int reply = 1; reply <= replies; ++reply) {
      // A retry tells the model what was wrong, because the same request
      // at temperature 0 would likely get the same reply.
      body_ = BuildChatRequest(settings_.model, text_, max_concepts_, problem);
      request_.body = body_;
      std::optional<std::string> body = Send(reply);
      if (!body) {
        return std::nullopt;
      }
      try {
        return ParseChatReply(*body);
      } catch (const InvalidReplyError& error) {
        problem = error.what();
        failure_ = fmt::format("reply {} of {} is invalid: {}", reply, replies, problem);
        spdlog::warn("llm chunk_id={}: {}", chunk_id_, Redact(failure_, settings_.api_key));
      }
    }
    return std::nullopt;
  }

  const std::string& failure() const { return failure_; }

 private:
  // Returns the body of a 2xx response, or nullopt with failure_ set.
  std::optional<std::string> Send(int reply) {
    std::string label = fmt::format("llm chunk_id={} reply={}", chunk_id_, reply);
    net::RetriedResponse result;
    try {
      result = net::SendWithRetries(client_, request_, settings_.retry, label);
    } catch (const net::HttpError& error) {
      failure_ = error.timed_out()
                     ? fmt::format("the request timed out after {} s (llm.timeout_seconds): {}",
                                   settings_.timeout.count(), error.what())
                     : std::string(error.what());
      return std::nullopt;
    }
    const net::HttpResponse& response = result.response;
    if (response.status < 200 || response.status > 299) {
      failure_ = fmt::format("the service returned status {} after {} attempts: \"{}\"",
                             response.status, result.attempts, util::Printable(response.body));
      return std::nullopt;
    }
    return std::move(result.response.body);
  }

  const Settings& settings_;
  const std::string& chunk_id_;
  const std::string& text_;
  size_t max_concepts_;
  std::string body_;
  net::HttpRequest request_;
  net::HttpClient client_;
  std::string failure_;
};

}  // namespace

LlmExtractor::LlmExtractor(const config::LlmConfig& config, const config::Secrets& secrets,
                           std::chrono::milliseconds backoff_base) {
  if (config.base_url.empty()) {
    throw std::invalid_argument(
        "llm.base_url is empty. Set it to the service's URL up to and including /v1");
  }
  if (config.model.empty()) {
    throw std::invalid_argument("llm.model is empty. Set it to a chat model of the service");
  }
  auto settings = std::make_shared<Settings>();
  settings->url = ChatCompletionsUrl(config.base_url);
  settings->model = config.model;
  settings->api_key = secrets.llm_api_key;
  settings->timeout = config.timeout;
  settings->retry = {config.max_retries, backoff_base, kLlmMaxRetryDelay};
  settings->invalid_reply_retries = std::max(config.invalid_reply_retries, 0);
  settings_ = std::move(settings);
}

ChunkConcepts LlmExtractor::Extract(const std::string& chunk_id, const std::string& text,
                                    const CorpusStats& corpus, size_t max_concepts) {
  auto started = std::chrono::steady_clock::now();
  ChunkRequest request(*settings_, chunk_id, text, max_concepts);
  std::optional<ReplyConcepts> reply = request.Run();
  if (!reply) {
    spdlog::warn("llm chunk_id={}: no valid reply ({}); extracting with the keyphrase engine",
                 chunk_id, Redact(request.failure(), settings_->api_key));
    return fallback_.Extract(chunk_id, text, corpus, max_concepts);
  }

  ChunkConcepts concepts = std::move(reply->concepts);
  for (Concept& entity : concepts.concepts) {
    entity.weight = ConceptWeight(corpus, entity.key, entity.kind, 1);
  }
  RankConcepts(concepts, max_concepts);
  spdlog::debug(
      "llm chunk_id={}: {} concepts and {} relations in {:.0f} ms ({} entities without "
      "a content word dropped)",
      chunk_id, concepts.concepts.size(), concepts.relations.size(), MillisecondsSince(started),
      reply->dropped_entities);
  return concepts;
}

}  // namespace talegraph::graph
