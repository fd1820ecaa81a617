// FirestoreDocumentStore: the DocumentStore backend on Cloud Firestore in
// native mode, or on Google's Firestore emulator, through the REST API v1.
#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "store/document_store.h"
#include "store/firestore_auth.h"
#include "store/firestore_rest.h"

namespace talegraph::store {

struct FirestoreOptions {
  // scheme://host[:port] of the API, such as "https://firestore.googleapis.com" or
  // "http://127.0.0.1:8081" for the emulator.
  std::string endpoint;
  std::string project_id;
  std::string database = "(default)";
  FirestoreRetryPolicy retry;
  // Limit on one request, connecting included.
  std::chrono::milliseconds timeout{30000};
};

// DocumentStore kept in Firestore. A document's JSON fields become Firestore fields (see
// firestore_value.h), its binary payload the bytes field "data", and each write also sets
// the string field "_revision" to a new random id. Firestore keeps a document's
// updateTime when a write leaves it unchanged, so without that field a repeated Set or an
// empty Update would not change update_time. Reads leave both fields out of
// Document::fields, and writes reject fields of those names.
//
// update_time is Firestore's updateTime (RFC 3339 with microseconds), which
// Precondition::UpdateTimeIs sends back as the updateTime precondition.
//
// Every call checks its input before any request, so an invalid path, id, field or size
// throws std::invalid_argument and sends nothing. Thread-safe.
class FirestoreDocumentStore final : public DocumentStore {
 public:
  // Firestore's limits: 1 MiB a document, counted as Firestore's storage size (document
  // name, field names and values), and 10 MiB an API request.
  static constexpr size_t kMaxDocumentBytes = 1'048'576;
  static constexpr size_t kMaxRequestBytes = 10'485'760;
  // Maximum bytes of one document id or collection id.
  static constexpr size_t kMaxIdBytes = 1500;
  // Documents fetched by one runQuery request while List or Query pages through a
  // collection.
  static constexpr size_t kQueryPageSize = 300;
  static constexpr std::string_view kDataField = "data";
  static constexpr std::string_view kRevisionField = "_revision";

  // Sends nothing until the first call. `tokens` supplies each request's Authorization.
  FirestoreDocumentStore(FirestoreOptions options, std::shared_ptr<AccessTokenSource> tokens);

  std::optional<Document> Get(std::string_view path) override;
  bool Set(std::string_view path, const boost::json::object& fields, std::string_view data = {},
           const Precondition& precondition = {}) override;
  bool Update(std::string_view path, const boost::json::object& fields,
              const Precondition& precondition = {}) override;
  bool Delete(std::string_view path, const Precondition& precondition = {}) override;
  std::vector<Document> List(std::string_view collection, const ListOptions& options = {}) override;
  std::vector<Document> Query(std::string_view collection, std::string_view field,
                              const boost::json::value& value,
                              const ListOptions& options = {}) override;
  bool Commit(const WriteBatch& batch) override;
  // Cuts a group before it would pass kMaxBatchWrites writes or kMaxRequestBytes of
  // request. Throws std::invalid_argument for a write that breaks a limit on its own.
  std::vector<WriteBatch> SplitForCommit(const WriteBatch& batch) const override;
  void Ping() override;

  // Returns the body of the commit request for `batch`, or nullopt when a write can never
  // succeed (an Update with Precondition::NotExists). Throws std::invalid_argument for a
  // batch that breaks a Firestore limit: over kMaxBatchWrites writes, a document over
  // kMaxDocumentBytes, or a request over kMaxRequestBytes. Public for tests.
  // A batch over kMaxRequestBytes is rejected rather than split, because Commit is atomic.
  // CommitInGroups splits it instead, without that guarantee.
  std::optional<std::string> BuildCommitBody(const WriteBatch& batch) const;

  // Returns "projects/P/databases/D/documents/<path>", the resource name of a document.
  std::string DocumentName(std::string_view path) const;

 private:
  std::optional<boost::json::object> EncodeWrite(const Write& write) const;
  std::vector<Document> RunQuery(std::string_view collection,
                                 const boost::json::object* where_filter,
                                 const ListOptions& options, std::string_view label);
  bool SendCommit(std::string_view body, std::string_view label);
  Document DecodeDocument(const boost::json::value& document) const;

  const FirestoreOptions options_;
  const std::string root_;  // projects/P/databases/D/documents
  FirestoreRest rest_;
};

}  // namespace talegraph::store
