// Tests of the Firestore backend: the store contract and the limits against Google's
// Firestore emulator (FIRESTORE_EMULATOR_HOST), and retries and request checks against
// tests/store/google_stub_server.py.
#include "store/firestore_document_store.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <cstdlib>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "net/http_client.h"
#include "store/document_store_contract.h"
#include "store/firestore_auth.h"
#include "store/python_stub.h"

namespace talegraph::store {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;

constexpr char kStubScript[] = TALEGRAPH_SOURCE_DIR "/tests/store/google_stub_server.py";

std::string EmulatorHost() {
  const char* host = std::getenv("FIRESTORE_EMULATOR_HOST");
  return host != nullptr ? host : "";
}

std::string EmulatorUnavailableReason() {
  if (EmulatorHost().empty()) {
    return "FIRESTORE_EMULATOR_HOST is not set; start the emulator with "
           "scripts/start-firestore-emulator.sh and export its host:port";
  }
  return "";
}

// Deletes every document of `project` in the emulator, through its reset endpoint.
void ClearEmulatorProject(const std::string& project) {
  net::HttpClient client;
  net::HttpRequest request;
  request.method = "DELETE";
  request.url = "http://" + EmulatorHost() + "/emulator/v1/projects/" + project +
                "/databases/(default)/documents";
  const net::HttpResponse response = client.Send(request);
  if (response.status != 200) {
    throw std::runtime_error("clearing emulator project " + project + " failed with status " +
                             std::to_string(response.status) + ": " + response.body);
  }
}

// Returns a project id that no other test of this process used, cleared in the emulator.
// Each test process (ctest runs several at once) gets its own projects, and the previous
// test's project is cleared to keep the emulator's memory small.
std::string NewEmulatorProject() {
  static std::atomic<int> count = 0;
  const int number = count++;
  const std::string prefix = "talegraph-test-" + std::to_string(getpid()) + "-";
  if (number > 0) {
    ClearEmulatorProject(prefix + std::to_string(number - 1));
  }
  const std::string project = prefix + std::to_string(number);
  ClearEmulatorProject(project);
  return project;
}

FirestoreOptions EmulatorOptions(const std::string& project) {
  return {.endpoint = "http://" + EmulatorHost(),
          .project_id = project,
          .database = "(default)",
          .retry = {},
          .timeout = milliseconds(30000)};
}

std::unique_ptr<FirestoreDocumentStore> NewEmulatorStore() {
  return std::make_unique<FirestoreDocumentStore>(EmulatorOptions(NewEmulatorProject()),
                                                  MakeEmulatorTokenSource());
}

INSTANTIATE_TEST_SUITE_P(Firestore, DocumentStoreContract,
                         ::testing::Values(DocumentStoreFactory(
                             "Emulator", [] { return NewEmulatorStore(); },
                             EmulatorUnavailableReason)),
                         DocumentStoreFactoryName);

// Tests that need the emulator: skipped without it, failed when services are required.
class FirestoreEmulatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string reason = EmulatorUnavailableReason();
    if (!reason.empty() && ServicesRequired()) {
      FAIL() << reason << " (TALEGRAPH_REQUIRE_SERVICES=1 turns this skip into a failure)";
    }
    if (!reason.empty()) {
      GTEST_SKIP() << reason;
    }
    project_ = NewEmulatorProject();
    store_ = std::make_unique<FirestoreDocumentStore>(EmulatorOptions(project_),
                                                      MakeEmulatorTokenSource());
  }

  // Reads the document at `path` with a plain REST GET, bypassing the store's decoding.
  json::object ReadRaw(const std::string& path) {
    net::HttpClient client;
    net::HttpRequest request;
    request.url = "http://" + EmulatorHost() + "/v1/" + store_->DocumentName(path);
    request.headers = {{"Authorization", "Bearer owner"}};
    const net::HttpResponse response = client.Send(request);
    EXPECT_EQ(response.status, 200) << response.body;
    return json::parse(response.body).as_object();
  }

  std::string project_;
  std::unique_ptr<FirestoreDocumentStore> store_;
};

std::string RandomBytes(size_t size) {
  std::mt19937 generator(12345);
  std::uniform_int_distribution<int> byte(0, 255);
  std::string bytes(size, '\0');
  for (char& c : bytes) {
    c = static_cast<char>(byte(generator));
  }
  return bytes;
}

TEST_F(FirestoreEmulatorTest, LargestAudioPartRoundTrips) {
  // An audio part as the upload flow writes it, at the largest storage.audio_part_bytes.
  const std::string path = "recordings/AbCdEfGhIjKlMnOpQrSt/audio_parts/000001";
  const std::string bytes = RandomBytes(DocumentStore::kMaxDataBytes);
  const json::object fields{{"index", 1}, {"size_bytes", bytes.size()}};
  ASSERT_TRUE(store_->Set(path, fields, bytes));

  const std::optional<Document> document = store_->Get(path);
  ASSERT_TRUE(document.has_value());
  EXPECT_EQ(document->fields, fields);
  ASSERT_EQ(document->data.size(), bytes.size());
  EXPECT_TRUE(document->data == bytes) << "the payload read back differs from the one written";
}

TEST_F(FirestoreEmulatorTest, StoresNativeFirestoreTypes) {
  ASSERT_TRUE(store_->Set("users/u1",
                          {{"name", "Ada"},
                           {"age", 36},
                           {"ratio", 0.25},
                           {"active", true},
                           {"deleted_at", nullptr},
                           {"created_at", "2026-12-03T21:04:05.123Z"},
                           {"tags", json::array{"a", 1}},
                           {"profile", json::object{{"city", "Oslo"}}}},
                          std::string("\x00\xff", 2)));

  const json::object raw = ReadRaw("users/u1");
  const json::object& fields = raw.at("fields").as_object();
  EXPECT_EQ(fields.at("name"), (json::value{{"stringValue", "Ada"}}));
  EXPECT_EQ(fields.at("age"), (json::value{{"integerValue", "36"}}));
  EXPECT_EQ(fields.at("ratio"), (json::value{{"doubleValue", 0.25}}));
  EXPECT_EQ(fields.at("active"), (json::value{{"booleanValue", true}}));
  EXPECT_EQ(fields.at("deleted_at"), (json::value{{"nullValue", nullptr}}));
  EXPECT_TRUE(fields.at("created_at").as_object().contains("timestampValue"));
  EXPECT_TRUE(fields.at("tags").as_object().contains("arrayValue"));
  EXPECT_TRUE(fields.at("profile").as_object().contains("mapValue"));
  EXPECT_EQ(fields.at("data"), (json::value{{"bytesValue", "AP8="}}));
  EXPECT_TRUE(fields.at("_revision").as_object().contains("stringValue"));
}

TEST_F(FirestoreEmulatorTest, EmptyUpdateChangesUpdateTime) {
  ASSERT_TRUE(store_->Set("users/u1", {{"v", 1}}));
  const std::optional<Document> before = store_->Get("users/u1");
  ASSERT_TRUE(before.has_value());

  ASSERT_TRUE(store_->Update("users/u1", {}, Precondition::UpdateTimeIs(before->update_time)));

  const std::optional<Document> after = store_->Get("users/u1");
  ASSERT_TRUE(after.has_value());
  EXPECT_NE(after->update_time, before->update_time);
  EXPECT_EQ(after->fields, (json::object{{"v", 1}}));
}

TEST_F(FirestoreEmulatorTest, QuotedFieldNamesWork) {
  ASSERT_TRUE(store_->Set("users/u1", {{"first-name", "Ada"}, {"back`tick", 1}}));
  ASSERT_TRUE(store_->Update("users/u1", {{"first-name", "Grace"}}));

  const std::optional<Document> document = store_->Get("users/u1");
  ASSERT_TRUE(document.has_value());
  EXPECT_EQ(document->fields, (json::object{{"first-name", "Grace"}, {"back`tick", 1}}));
  EXPECT_EQ(store_->Query("users", "first-name", "Grace").size(), 1u);
}

TEST_F(FirestoreEmulatorTest, ListPagesPastQueryPageSize) {
  const size_t count = FirestoreDocumentStore::kQueryPageSize + 5;
  WriteBatch batch;
  for (size_t i = 0; i < count; ++i) {
    batch.Set("items/" + std::to_string(1000 + i), {{"kind", "a"}});
  }
  ASSERT_TRUE(store_->Commit(batch));

  EXPECT_EQ(store_->List("items").size(), count);
  EXPECT_EQ(store_->Query("items", "kind", "a").size(), count);
  EXPECT_EQ(store_->List("items", {.limit = count - 1, .start_after = ""}).size(), count - 1);
}

// ---------------------------------------------------------------------------------------------
// Checks before any request and retries, against the stub server

class FirestoreStubTest : public ::testing::Test {
 protected:
  FirestoreStubTest() : stub_(kStubScript) {}

  std::unique_ptr<FirestoreDocumentStore> NewStore(FirestoreRetryPolicy retry = {
                                                       .max_retries = 5,
                                                       .base_delay = milliseconds(1),
                                                       .max_delay = milliseconds(5),
                                                       .max_total = milliseconds(10000)}) {
    return std::make_unique<FirestoreDocumentStore>(
        FirestoreOptions{.endpoint = stub_.base_url(),
                         .project_id = "stub-project",
                         .database = "(default)",
                         .retry = retry,
                         .timeout = milliseconds(10000)},
        MakeEmulatorTokenSource());
  }

  void QueueFailures(const json::array& failures) {
    Post("/control/fail", json::serialize(json::object{{"failures", failures}}));
  }

  json::array Requests() {
    net::HttpRequest request;
    request.url = stub_.base_url() + "/control/requests";
    return json::parse(client_.Send(request).body).as_array();
  }

 private:
  void Post(const std::string& path, const std::string& body) {
    net::HttpRequest request;
    request.method = "POST";
    request.url = stub_.base_url() + path;
    request.body = body;
    ASSERT_EQ(client_.Send(request).status, 200);
  }

  testing::PythonStub stub_;
  net::HttpClient client_;
};

TEST_F(FirestoreStubTest, InvalidIdsThrowBeforeRequest) {
  auto store = NewStore();
  const std::string long_id(FirestoreDocumentStore::kMaxIdBytes + 1, 'a');
  const std::vector<std::string> paths = {"users/__reserved__", "__x__/u1", "users/" + long_id,
                                          "users/.."};
  for (const std::string& path : paths) {
    SCOPED_TRACE(path.substr(0, 40));
    EXPECT_THROW(store->Get(path), std::invalid_argument);
    EXPECT_THROW(store->Set(path, {}), std::invalid_argument);
    EXPECT_THROW(store->Delete(path), std::invalid_argument);
  }
  EXPECT_THROW(store->List("__x__"), std::invalid_argument);
  EXPECT_NO_THROW(store->Get("users/" + std::string(FirestoreDocumentStore::kMaxIdBytes, 'a')));

  EXPECT_EQ(Requests().size(), 1u);
}

TEST_F(FirestoreStubTest, ReservedFieldsThrowBeforeRequest) {
  auto store = NewStore();
  EXPECT_THROW(store->Set("users/u1", {{"data", "x"}}), std::invalid_argument);
  EXPECT_THROW(store->Update("users/u1", {{"_revision", 1}}), std::invalid_argument);
  EXPECT_THROW(store->Query("users", "data", "x"), std::invalid_argument);

  EXPECT_TRUE(Requests().empty());
}

TEST_F(FirestoreStubTest, CommitOverMaxWritesSendsNothing) {
  // The emulator accepts 600 writes in one commit, where Firestore allows 500, so only the
  // store's own check keeps a larger batch from production.
  auto store = NewStore();
  WriteBatch batch;
  for (size_t i = 0; i < DocumentStore::kMaxBatchWrites + 1; ++i) {
    batch.Set("items/" + std::to_string(i), {});
  }
  EXPECT_THROW(store->BuildCommitBody(batch), std::invalid_argument);
  EXPECT_THROW(store->Commit(batch), std::invalid_argument);

  EXPECT_TRUE(Requests().empty());
}

TEST_F(FirestoreStubTest, CommitRequestSizeLimit) {
  auto store = NewStore();
  const std::string part(DocumentStore::kMaxDataBytes, 'x');
  // Base64 makes each 1,000,000-byte payload 1,333,336 bytes of request: 7 fit in 10 MiB,
  // 8 do not.
  WriteBatch fits;
  for (int i = 0; i < 7; ++i) {
    fits.Set("parts/" + std::to_string(i), {}, part);
  }
  const std::optional<std::string> body = store->BuildCommitBody(fits);
  ASSERT_TRUE(body.has_value());
  EXPECT_LE(body->size(), FirestoreDocumentStore::kMaxRequestBytes);

  WriteBatch too_large = fits;
  too_large.Set("parts/7", {}, part);
  EXPECT_THROW(store->BuildCommitBody(too_large), std::invalid_argument);
  EXPECT_THROW(store->Commit(too_large), std::invalid_argument);

  EXPECT_TRUE(Requests().empty());
}

// Returns the number of writes in each commit request the stub received.
std::vector<size_t> CommitSizes(const json::array& requests) {
  std::vector<size_t> sizes;
  for (const auto& request : requests) {
    if (request.at("path").as_string().ends_with(":commit")) {
      sizes.push_back(json::parse(request.at("body").as_string()).at("writes").as_array().size());
    }
  }
  return sizes;
}

TEST_F(FirestoreStubTest, CommitInGroupsSplitsAtMaxWrites) {
  auto store = NewStore();
  WriteBatch batch;
  for (size_t i = 0; i < 2 * DocumentStore::kMaxBatchWrites + 1; ++i) {
    batch.Set("items/" + std::to_string(i), {{"i", static_cast<int64_t>(i)}});
  }
  EXPECT_TRUE(store->CommitInGroups(batch));

  const std::vector<size_t> expected{500, 500, 1};
  EXPECT_EQ(CommitSizes(Requests()), expected);
}

TEST_F(FirestoreStubTest, CommitInGroupsSplitsAtRequestSize) {
  auto store = NewStore();
  // Seven base64 payloads of 1,000,000 bytes fit in one 10 MiB request, eight do not.
  const std::string part(DocumentStore::kMaxDataBytes, 'x');
  WriteBatch batch;
  for (int i = 0; i < 15; ++i) {
    batch.Set("parts/" + std::to_string(i), {}, part);
  }
  const std::vector<WriteBatch> groups = store->SplitForCommit(batch);
  ASSERT_EQ(groups.size(), 3u);
  for (const WriteBatch& group : groups) {
    const std::optional<std::string> body = store->BuildCommitBody(group);
    ASSERT_TRUE(body.has_value());
    EXPECT_LE(body->size(), FirestoreDocumentStore::kMaxRequestBytes);
  }
  EXPECT_TRUE(store->CommitInGroups(batch));

  const std::vector<size_t> expected{7, 7, 1};
  EXPECT_EQ(CommitSizes(Requests()), expected);
}

TEST_F(FirestoreStubTest, DocumentOverOneMebibyteThrows) {
  auto store = NewStore();
  // Payload and fields are each under a limit of their own, but together over 1 MiB.
  const std::string data(DocumentStore::kMaxDataBytes, 'x');
  const json::object fields{{"note", std::string(60'000, 'n')}};
  EXPECT_THROW(store->Set("parts/p1", fields, data), std::invalid_argument);
  EXPECT_NO_THROW(store->BuildCommitBody(WriteBatch().Set("parts/p1", {}, data)));

  EXPECT_TRUE(Requests().empty());
}

TEST_F(FirestoreStubTest, MalformedUpdateTimeFailsWithoutRequest) {
  auto store = NewStore();
  EXPECT_FALSE(store->Set("users/u1", {}, {}, Precondition::UpdateTimeIs("bogus")));
  EXPECT_FALSE(store->Update("users/u1", {}, Precondition::NotExists()));

  EXPECT_TRUE(Requests().empty());
}

TEST_F(FirestoreStubTest, RetriesTransientFailures) {
  auto store = NewStore();
  QueueFailures({json::array{503, "UNAVAILABLE"}, json::array{409, "ABORTED"},
                 json::array{429, "RESOURCE_EXHAUSTED"}, json::array{500, "INTERNAL"}});

  EXPECT_FALSE(store->Get("users/u1").has_value());

  EXPECT_EQ(Requests().size(), 5u);
}

TEST_F(FirestoreStubTest, LastRetryFailureThrowsStoreError) {
  auto store = NewStore({.max_retries = 2,
                         .base_delay = milliseconds(1),
                         .max_delay = milliseconds(5),
                         .max_total = milliseconds(10000)});
  QueueFailures({json::array{503, "UNAVAILABLE"}, json::array{503, "UNAVAILABLE"},
                 json::array{503, "UNAVAILABLE"}, json::array{503, "UNAVAILABLE"}});

  try {
    store->Set("users/u1", {{"v", 1}});
    FAIL() << "Set succeeded although every attempt got 503";
  } catch (const StoreError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("users/u1"), std::string::npos) << message;
    EXPECT_NE(message.find("3 attempts"), std::string::npos) << message;
    EXPECT_NE(message.find("UNAVAILABLE"), std::string::npos) << message;
    EXPECT_NE(message.find("stub failure"), std::string::npos) << message;
  }
  EXPECT_EQ(Requests().size(), 3u);
}

TEST_F(FirestoreStubTest, TotalRetryTimeIsBounded) {
  auto store = NewStore({.max_retries = 20,
                         .base_delay = milliseconds(100),
                         .max_delay = milliseconds(100),
                         .max_total = milliseconds(250)});
  json::array failures;
  for (int i = 0; i < 20; ++i) {
    failures.push_back(json::array{503, "UNAVAILABLE"});
  }
  QueueFailures(failures);

  const auto started = std::chrono::steady_clock::now();
  EXPECT_THROW(store->Get("users/u1"), StoreError);
  const auto elapsed = std::chrono::steady_clock::now() - started;

  EXPECT_LT(elapsed, std::chrono::seconds(2));
  EXPECT_LE(Requests().size(), 3u);
}

TEST_F(FirestoreStubTest, PreconditionAndArgumentErrorsAreNotRetried) {
  auto store = NewStore();
  QueueFailures({json::array{400, "FAILED_PRECONDITION"}, json::array{409, "ALREADY_EXISTS"},
                 json::array{404, "NOT_FOUND"}, json::array{400, "INVALID_ARGUMENT"},
                 json::array{403, "PERMISSION_DENIED"}});

  EXPECT_FALSE(store->Set("users/u1", {}));
  EXPECT_FALSE(store->Set("users/u1", {}, {}, Precondition::NotExists()));
  EXPECT_FALSE(store->Update("users/u1", {}));
  EXPECT_THROW(store->Set("users/u1", {}), std::invalid_argument);
  EXPECT_THROW(store->Set("users/u1", {}), StoreError);

  EXPECT_EQ(Requests().size(), 5u);
}

// Returns a loopback port that nothing listens on: bound, read back and closed.
int ClosedLoopbackPort() {
  const int socket_fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  bind(socket_fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  getsockname(socket_fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(socket_fd);
  return ntohs(address.sin_port);
}

TEST(FirestoreDocumentStore, UnreachableHostThrowsStoreError) {
  FirestoreDocumentStore store(
      FirestoreOptions{.endpoint = "http://127.0.0.1:" + std::to_string(ClosedLoopbackPort()),
                       .project_id = "p",
                       .database = "(default)",
                       .retry = {.max_retries = 1,
                                 .base_delay = milliseconds(1),
                                 .max_delay = milliseconds(1),
                                 .max_total = milliseconds(1000)},
                       .timeout = milliseconds(2000)},
      MakeEmulatorTokenSource());

  EXPECT_THROW(store.Ping(), StoreError);
  EXPECT_THROW(store.List("users"), StoreError);
}

TEST(FirestoreDocumentStore, EmptyProjectIdThrows) {
  EXPECT_THROW(FirestoreDocumentStore(FirestoreOptions{.endpoint = "http://127.0.0.1:1",
                                                       .project_id = "",
                                                       .database = "(default)",
                                                       .retry = {},
                                                       .timeout = milliseconds(1000)},
                                      MakeEmulatorTokenSource()),
               std::invalid_argument);
}

}  // namespace
}  // namespace talegraph::store
