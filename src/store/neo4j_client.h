// A client of Neo4j's HTTP APIs that runs Cypher statements with
// parameters: the Query API (POST /db/{database}/query/v2, Neo4j 5.19 and
// later, and Aura) or the older transactional endpoint
// (POST /db/{database}/tx/commit).
#pragma once

#include <boost/json.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "net/http_client.h"
#include "net/retry.h"
#include "store/store_error.h"

namespace talegraph::store {

enum class Neo4jApi { kQuery, kTransactional };

struct Neo4jClientOptions {
  // Scheme, host and port, such as "http://127.0.0.1:7474"; a trailing slash
  // is ignored.
  std::string uri;
  std::string database = "neo4j";
  std::string user = "neo4j";
  // Never logged.
  std::string password;
  Neo4jApi api = Neo4jApi::kQuery;
  // Applies to network errors, HTTP 503 and Neo.TransientError.* codes.
  net::RetryPolicy retry;
  std::chrono::milliseconds timeout{30000};
};

struct CypherStatement {
  std::string text;
  // Values of the $names in `text`.
  boost::json::object parameters;
};

// Rows of a statement's result, each row one value per returned column.
// Values are plain JSON: numbers, strings, booleans, null, lists and maps.
struct CypherResult {
  std::vector<std::string> columns;
  std::vector<boost::json::array> rows;
};

// A statement that failed, with Neo4j's status code such as
// "Neo.ClientError.Statement.SyntaxError", or an empty code when the server
// sent none (a network error, an unexpected response).
class Neo4jError : public StoreError {
 public:
  Neo4jError(const std::string& message, std::string code)
      : StoreError(message), code_(std::move(code)) {}

  const std::string& code() const { return code_; }

 private:
  std::string code_;
};

// Runs each statement in its own transaction, sent again with backoff while
// it fails for a reason that may pass. Safe to call from any number of
// threads: each call borrows a connection from a pool, so connections are
// reused between calls. NOTE: a statement sent again after a network error
// may have committed already, so only idempotent statements belong here.
class Neo4jClient {
 public:
  explicit Neo4jClient(Neo4jClientOptions options);
  ~Neo4jClient();
  Neo4jClient(const Neo4jClient&) = delete;
  Neo4jClient& operator=(const Neo4jClient&) = delete;

  // Runs `statement` and returns its result. `label` names the operation in
  // log lines and errors. Throws Neo4jError with Neo4j's error code and
  // message when the statement fails, or when the server stays unreachable
  // or transiently failing after the last retry.
  CypherResult Run(const CypherStatement& statement, std::string_view label);

  const Neo4jClientOptions& options() const { return options_; }

 private:
  std::unique_ptr<net::HttpClient> AcquireConnection();
  void ReleaseConnection(std::unique_ptr<net::HttpClient> connection);

  Neo4jClientOptions options_;
  std::string endpoint_;
  std::string authorization_;
  std::mutex pool_mutex_;
  std::vector<std::unique_ptr<net::HttpClient>> idle_connections_;
};

// Returns "Basic " and the Base64 of "user:password" (RFC 7617).
std::string BasicAuthorization(std::string_view user, std::string_view password);

}  // namespace talegraph::store
