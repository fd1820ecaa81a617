#include "store/neo4j_client.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <optional>
#include <thread>
#include <utility>

#include "store/store_error.h"

namespace talegraph::store {

namespace {

namespace json = boost::json;

constexpr size_t kMaxQuotedBodyBytes = 300;

// Result of one exchange with the server.
struct Outcome {
  std::optional<CypherResult> result;
  // Reason of the failure, for logs and the final error.
  std::string failure;
  // Neo4j's status code, when the response contains one.
  std::string code;
  bool retryable = false;
};

std::string EndpointOf(const Neo4jClientOptions& options) {
  std::string base = options.uri;
  while (!base.empty() && base.back() == '/') {
    base.pop_back();
  }
  const char* path = options.api == Neo4jApi::kQuery ? "query/v2" : "tx/commit";
  return fmt::format("{}/db/{}/{}", base, options.database, path);
}

std::string RequestBody(Neo4jApi api, const CypherStatement& statement) {
  json::object entry{{"statement", statement.text}, {"parameters", statement.parameters}};
  if (api == Neo4jApi::kQuery) {
    return json::serialize(entry);
  }
  return json::serialize(json::object{{"statements", json::array{std::move(entry)}}});
}

std::string Quote(std::string_view body) {
  if (body.size() <= kMaxQuotedBodyBytes) {
    return std::string(body);
  }
  return fmt::format("{}...", body.substr(0, kMaxQuotedBodyBytes));
}

// Returns the first entry of a response's "errors" list, when there is one.
const json::object* FirstError(const json::object& body) {
  const json::value* errors = body.if_contains("errors");
  if (errors == nullptr || !errors->is_array() || errors->as_array().empty()) {
    return nullptr;
  }
  return errors->as_array()[0].if_object();
}

std::string StringField(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  return value != nullptr && value->is_string() ? std::string(value->as_string()) : std::string();
}

std::vector<std::string> Columns(const json::value* fields) {
  std::vector<std::string> columns;
  if (fields != nullptr && fields->is_array()) {
    for (const json::value& field : fields->as_array()) {
      columns.push_back(field.is_string() ? std::string(field.as_string()) : std::string());
    }
  }
  return columns;
}

// Query API: {"data": {"fields": [...], "values": [[...], ...]}}.
std::optional<CypherResult> ParseQueryResult(const json::object& body) {
  const json::object* data = body.contains("data") ? body.at("data").if_object() : nullptr;
  if (data == nullptr) {
    return std::nullopt;
  }
  CypherResult result;
  result.columns = Columns(data->if_contains("fields"));
  const json::value* values = data->if_contains("values");
  if (values == nullptr || !values->is_array()) {
    return std::nullopt;
  }
  for (const json::value& row : values->as_array()) {
    if (!row.is_array()) {
      return std::nullopt;
    }
    result.rows.push_back(row.as_array());
  }
  return result;
}

// Transactional endpoint: {"results": [{"columns": [...], "data": [{"row": [...]}]}]}.
std::optional<CypherResult> ParseTransactionalResult(const json::object& body) {
  const json::value* results = body.if_contains("results");
  if (results == nullptr || !results->is_array() || results->as_array().empty()) {
    return std::nullopt;
  }
  const json::object* first = results->as_array()[0].if_object();
  if (first == nullptr) {
    return std::nullopt;
  }
  CypherResult result;
  result.columns = Columns(first->if_contains("columns"));
  const json::value* data = first->if_contains("data");
  if (data == nullptr || !data->is_array()) {
    return std::nullopt;
  }
  for (const json::value& entry : data->as_array()) {
    const json::value* row = entry.is_object() ? entry.as_object().if_contains("row") : nullptr;
    if (row == nullptr || !row->is_array()) {
      return std::nullopt;
    }
    result.rows.push_back(row->as_array());
  }
  return result;
}

Outcome Interpret(Neo4jApi api, const net::HttpResponse& response) {
  json::error_code parse_error;
  json::value parsed = json::parse(response.body, parse_error);
  const json::object* body = parse_error ? nullptr : parsed.if_object();
  if (body != nullptr) {
    if (const json::object* error = FirstError(*body)) {
      std::string code = StringField(*error, "code");
      bool retryable = code.starts_with("Neo.TransientError.") || response.status == 503;
      return {std::nullopt, fmt::format("{}: {}", code, StringField(*error, "message")), code,
              retryable};
    }
  }
  if (response.status == 503 || response.status < 200 || response.status >= 300 ||
      body == nullptr) {
    return {std::nullopt, fmt::format("HTTP status {}: {}", response.status, Quote(response.body)),
            "", response.status == 503};
  }
  std::optional<CypherResult> result =
      api == Neo4jApi::kQuery ? ParseQueryResult(*body) : ParseTransactionalResult(*body);
  if (!result) {
    return {std::nullopt, fmt::format("unexpected response: {}", Quote(response.body)), "", false};
  }
  return {std::move(result), {}, {}, false};
}

}  // namespace

std::string BasicAuthorization(std::string_view user, std::string_view password) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string input = fmt::format("{}:{}", user, password);
  std::string encoded = "Basic ";
  for (size_t i = 0; i < input.size(); i += 3) {
    uint32_t group = static_cast<uint8_t>(input[i]) << 16;
    size_t available = std::min<size_t>(3, input.size() - i);
    if (available > 1) {
      group |= static_cast<uint8_t>(input[i + 1]) << 8;
    }
    if (available > 2) {
      group |= static_cast<uint8_t>(input[i + 2]);
    }
    for (size_t k = 0; k < 4; ++k) {
      encoded += k <= available ? kAlphabet[(group >> (18 - 6 * k)) & 0x3f] : '=';
    }
  }
  return encoded;
}

Neo4jClient::Neo4jClient(Neo4jClientOptions options)
    : options_(std::move(options)),
      endpoint_(EndpointOf(options_)),
      authorization_(BasicAuthorization(options_.user, options_.password)) {}

Neo4jClient::~Neo4jClient() = default;

std::unique_ptr<net::HttpClient> Neo4jClient::AcquireConnection() {
  {
    std::lock_guard lock(pool_mutex_);
    if (!idle_connections_.empty()) {
      auto connection = std::move(idle_connections_.back());
      idle_connections_.pop_back();
      return connection;
    }
  }
  return std::make_unique<net::HttpClient>();
}

void Neo4jClient::ReleaseConnection(std::unique_ptr<net::HttpClient> connection) {
  std::lock_guard lock(pool_mutex_);
  idle_connections_.push_back(std::move(connection));
}

CypherResult Neo4jClient::Run(const CypherStatement& statement, std::string_view label) {
  std::string body = RequestBody(options_.api, statement);
  net::HttpRequest request;
  request.method = "POST";
  request.url = endpoint_;
  request.headers = {{"Content-Type", "application/json"},
                     {"Accept", "application/json"},
                     {"Authorization", authorization_}};
  request.body = body;
  request.timeout = options_.timeout;

  const int max_attempts = std::max(options_.retry.max_retries, 0) + 1;
  for (int attempt = 1;; ++attempt) {
    auto connection = AcquireConnection();
    Outcome outcome;
    std::optional<net::HttpResponse> response;
    try {
      response = connection->Send(request);
      outcome = Interpret(options_.api, *response);
      ReleaseConnection(std::move(connection));
    } catch (const net::HttpError& error) {
      // The connection is dropped with the handle, so the next attempt
      // connects afresh.
      outcome = {std::nullopt, error.what(), "", true};
    }
    if (outcome.result) {
      return std::move(*outcome.result);
    }
    if (!outcome.retryable || attempt == max_attempts) {
      spdlog::error("neo4j {} failed at attempt {} of {}: {}", label, attempt, max_attempts,
                    outcome.failure);
      throw Neo4jError(
          fmt::format("Neo4j {} failed after {} attempt(s): {}", label, attempt, outcome.failure),
          outcome.code);
    }
    auto delay = net::RetryDelay(options_.retry, attempt, response ? &*response : nullptr);
    spdlog::warn("neo4j {} attempt {} of {} failed: {}; retrying in {} ms", label, attempt,
                 max_attempts, outcome.failure, delay.count());
    std::this_thread::sleep_for(delay);
  }
}

}  // namespace talegraph::store
