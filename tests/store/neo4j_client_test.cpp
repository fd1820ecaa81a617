// Tests of Neo4jClient's error handling against a scripted loopback HTTP
// server, and against the real Neo4j server when one is configured.

#include "store/neo4j_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "store/neo4j_test_server.h"
#include "store/store_error.h"

namespace talegraph::store {
namespace {

using testing::Neo4jTestOptions;

struct ScriptedResponse {
  int status;
  std::string body;
};

// An HTTP server on a free 127.0.0.1 port that sends the n-th scripted
// response to the n-th request (the last one repeats) and closes each
// connection after its response.
class ScriptedServer {
 public:
  explicit ScriptedServer(std::vector<ScriptedResponse> responses)
      : responses_(std::move(responses)) {
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    if (bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        listen(listener_, 8) != 0) {
      throw std::runtime_error("the scripted server could not listen on 127.0.0.1");
    }
    socklen_t length = sizeof address;
    getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }

  ~ScriptedServer() {
    shutdown(listener_, SHUT_RDWR);
    close(listener_);
    thread_.join();
  }

  std::string uri() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int requests() const { return requests_; }
  std::string last_request() const { return last_request_; }

 private:
  void Serve() {
    while (true) {
      int connection = accept(listener_, nullptr, nullptr);
      if (connection < 0) {
        return;
      }
      last_request_ = ReadRequest(connection);
      const ScriptedResponse& response =
          responses_[std::min<size_t>(requests_, responses_.size() - 1)];
      ++requests_;
      std::string reply = "HTTP/1.1 " + std::to_string(response.status) +
                          " Scripted\r\nContent-Type: application/json\r\nContent-Length: " +
                          std::to_string(response.body.size()) + "\r\nConnection: close\r\n\r\n" +
                          response.body;
      (void)send(connection, reply.data(), reply.size(), MSG_NOSIGNAL);
      close(connection);
    }
  }

  // Reads the header and a body of Content-Length bytes.
  static std::string ReadRequest(int connection) {
    std::string request;
    char buffer[4096];
    size_t expected = std::string::npos;
    while (expected == std::string::npos || request.size() < expected) {
      ssize_t received = recv(connection, buffer, sizeof buffer, 0);
      if (received <= 0) {
        break;
      }
      request.append(buffer, static_cast<size_t>(received));
      size_t header_end = request.find("\r\n\r\n");
      if (expected == std::string::npos && header_end != std::string::npos) {
        size_t field = request.find("Content-Length: ");
        size_t length = field == std::string::npos ? 0 : std::stoul(request.substr(field + 16));
        expected = header_end + 4 + length;
      }
    }
    return request;
  }

  std::vector<ScriptedResponse> responses_;
  int listener_ = -1;
  uint16_t port_ = 0;
  std::thread thread_;
  std::atomic<int> requests_{0};
  std::string last_request_;
};

Neo4jClientOptions ScriptedOptions(const ScriptedServer& server, Neo4jApi api) {
  Neo4jClientOptions options;
  options.uri = server.uri() + "/";
  options.password = "secret-password";
  options.api = api;
  options.retry.max_retries = 3;
  options.retry.base_delay = std::chrono::milliseconds(1);
  options.retry.max_delay = std::chrono::milliseconds(5);
  options.timeout = std::chrono::milliseconds(5000);
  return options;
}

constexpr char kDeadlock[] =
    R"({"errors":[{"code":"Neo.TransientError.Transaction.DeadlockDetected",)"
    R"("message":"ForsetiClient can't acquire ExclusiveLock"}]})";
constexpr char kQueryRow[] = R"({"data":{"fields":["x"],"values":[[7]]},"bookmarks":[]})";

TEST(Neo4jClient, BasicAuthorizationIsBase64) {
  EXPECT_EQ(BasicAuthorization("neo4j", "password"), "Basic bmVvNGo6cGFzc3dvcmQ=");
  EXPECT_EQ(BasicAuthorization("a", "b"), "Basic YTpi");
  EXPECT_EQ(BasicAuthorization("ab", "c"), "Basic YWI6Yw==");
}

TEST(Neo4jClient, QueryApiRequestAndResult) {
  ScriptedServer server({{200, kQueryRow}});
  Neo4jClient client(ScriptedOptions(server, Neo4jApi::kQuery));
  CypherResult result = client.Run({"RETURN $x AS x", {{"x", 7}}}, "test");
  ASSERT_EQ(result.rows.size(), 1u);
  EXPECT_EQ(result.rows[0][0].as_int64(), 7);
  ASSERT_EQ(result.columns.size(), 1u);
  EXPECT_EQ(result.columns[0], "x");
  std::string request = server.last_request();
  EXPECT_NE(request.find("POST /db/neo4j/query/v2 "), std::string::npos) << request;
  EXPECT_NE(request.find(R"({"statement":"RETURN $x AS x","parameters":{"x":7}})"),
            std::string::npos)
      << request;
  EXPECT_NE(request.find("Authorization: Basic bmVvNGo6c2VjcmV0LXBhc3N3b3Jk"), std::string::npos);
}

TEST(Neo4jClient, TransactionalRequestAndResult) {
  ScriptedServer server(
      {{200, R"({"results":[{"columns":["x"],"data":[{"row":[7],"meta":[null]}]}],"errors":[]})"}});
  Neo4jClient client(ScriptedOptions(server, Neo4jApi::kTransactional));
  CypherResult result = client.Run({"RETURN $x AS x", {{"x", 7}}}, "test");
  ASSERT_EQ(result.rows.size(), 1u);
  EXPECT_EQ(result.rows[0][0].as_int64(), 7);
  std::string request = server.last_request();
  EXPECT_NE(request.find("POST /db/neo4j/tx/commit "), std::string::npos) << request;
  EXPECT_NE(request.find(R"({"statements":[{"statement":"RETURN $x AS x")"), std::string::npos)
      << request;
}

TEST(Neo4jClient, RetriesTransientErrorThenSucceeds) {
  ScriptedServer server({{200, kDeadlock}, {503, "{}"}, {200, kQueryRow}});
  Neo4jClient client(ScriptedOptions(server, Neo4jApi::kQuery));
  CypherResult result = client.Run({"RETURN 7 AS x", {}}, "test");
  EXPECT_EQ(server.requests(), 3);
  ASSERT_EQ(result.rows.size(), 1u);
}

TEST(Neo4jClient, TransientErrorFailsAfterLastRetry) {
  ScriptedServer server({{200, kDeadlock}});
  Neo4jClient client(ScriptedOptions(server, Neo4jApi::kTransactional));
  try {
    client.Run({"RETURN 1", {}}, "merge of concept nodes");
    FAIL() << "expected StoreError";
  } catch (const StoreError& error) {
    std::string message = error.what();
    EXPECT_NE(message.find("Neo.TransientError.Transaction.DeadlockDetected"), std::string::npos)
        << message;
    EXPECT_NE(message.find("merge of concept nodes"), std::string::npos) << message;
    EXPECT_NE(message.find("4 attempt"), std::string::npos) << message;
  }
  EXPECT_EQ(server.requests(), 4);
}

TEST(Neo4jClient, ClientErrorIsNotRetried) {
  ScriptedServer server({{400, R"({"errors":[{"code":"Neo.ClientError.Statement.SyntaxError",)"
                               R"("message":"Invalid input 'RETRUN'"}]})"}});
  Neo4jClient client(ScriptedOptions(server, Neo4jApi::kQuery));
  try {
    client.Run({"RETRUN 1", {}}, "test");
    FAIL() << "expected StoreError";
  } catch (const StoreError& error) {
    EXPECT_NE(
        std::string(error.what()).find("Neo.ClientError.Statement.SyntaxError: Invalid input"),
        std::string::npos)
        << error.what();
  }
  EXPECT_EQ(server.requests(), 1);
}

TEST(Neo4jClient, UnreachableServerFailsAfterRetries) {
  uint16_t closed_port = 0;
  {
    ScriptedServer server({{200, kQueryRow}});
    closed_port = static_cast<uint16_t>(std::stoi(server.uri().substr(17)));
  }
  Neo4jClientOptions options;
  options.uri = "http://127.0.0.1:" + std::to_string(closed_port);
  options.retry.max_retries = 1;
  options.retry.base_delay = std::chrono::milliseconds(1);
  Neo4jClient client(options);
  try {
    client.Run({"RETURN 1", {}}, "ping");
    FAIL() << "expected StoreError";
  } catch (const StoreError& error) {
    std::string message = error.what();
    EXPECT_NE(message.find("Neo4j ping failed after 2 attempt(s)"), std::string::npos) << message;
    EXPECT_NE(message.find(std::to_string(closed_port)), std::string::npos) << message;
  }
}

TEST(Neo4jClient, WrongPasswordOnRealServer) {
  auto options = Neo4jTestOptions();
  TALEGRAPH_REQUIRE_NEO4J(options);
  options->password = "not-the-password";
  Neo4jClient client(*options);
  try {
    client.Run({"RETURN 1", {}}, "ping");
    FAIL() << "expected StoreError";
  } catch (const StoreError& error) {
    EXPECT_NE(std::string(error.what()).find("Neo.ClientError.Security.Unauthorized"),
              std::string::npos)
        << error.what();
  }
}

TEST(Neo4jClient, ParametersRoundTripOnRealServer) {
  for (Neo4jApi api : {Neo4jApi::kQuery, Neo4jApi::kTransactional}) {
    auto options = Neo4jTestOptions(api);
    TALEGRAPH_REQUIRE_NEO4J(options);
    Neo4jClient client(*options);
    // A value that would break the statement if it were pasted into the text.
    std::string tricky = "it's \"quoted\" }) DETACH DELETE n //";
    CypherResult result = client.Run({"RETURN $text AS text, $list AS list",
                                      {{"text", tricky}, {"list", boost::json::array{"a", "b"}}}},
                                     "round trip");
    ASSERT_EQ(result.rows.size(), 1u);
    EXPECT_EQ(result.rows[0][0].as_string(), tricky);
    EXPECT_EQ(result.rows[0][1].as_array().size(), 2u);
  }
}

}  // namespace
}  // namespace talegraph::store
