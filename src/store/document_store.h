// DocumentStore: the document database behind talegraph's users, uploads,
// recordings and jobs, shaped after Cloud Firestore so that the embedded
// SQLite backend and the Firestore backend are interchangeable.
//
// A document lives at a slash-separated path of alternating collection and
// document ids, such as "recordings/abc" or "recordings/abc/audio_parts/000001".
// Its JSON fields hold the metadata; an optional binary payload holds bytes
// (Firestore stores it as a bytesValue field named "data").
//
// Thread safety: every backend may be called from any number of threads.
// Expected outcomes (missing document, failed precondition) are return
// values. A backend that cannot reach its database throws StoreError.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "store/store_error.h"

namespace talegraph::store {

struct Document {
  // Full path, for example "users/u1". Filled in by the store on reads.
  std::string path;
  boost::json::object fields;
  // Binary payload; empty when the document has none.
  std::string data;
  // Opaque revision token that changes on every write. Filled in on reads
  // and usable in Precondition::UpdateTimeIs.
  std::string update_time;

  // The last path segment.
  std::string_view Id() const;
};

// Condition a write needs to hold, checked atomically with the write.
struct Precondition {
  enum class Kind { kNone, kExists, kNotExists, kUpdateTimeIs };
  Kind kind = Kind::kNone;
  std::string update_time;

  static Precondition None() { return {}; }
  static Precondition Exists() { return {Kind::kExists, {}}; }
  static Precondition NotExists() { return {Kind::kNotExists, {}}; }
  static Precondition UpdateTimeIs(std::string token) {
    return {Kind::kUpdateTimeIs, std::move(token)};
  }
};

// One write of a batch.
struct Write {
  enum class Kind {
    kSet,     // create or replace the whole document
    kUpdate,  // merge `fields` into an existing document; fails if it is missing
    kDelete,  // remove the document; succeeds when it is already gone
  };
  Kind kind = Kind::kSet;
  std::string path;
  boost::json::object fields;
  std::string data;  // kSet only
  Precondition precondition;
};

// Writes applied all together or not at all.
class WriteBatch {
 public:
  WriteBatch& Set(std::string path, boost::json::object fields, std::string data = {},
                  Precondition precondition = {});
  WriteBatch& Update(std::string path, boost::json::object fields, Precondition precondition = {});
  WriteBatch& Delete(std::string path, Precondition precondition = {});
  WriteBatch& Add(Write write);

  const std::vector<Write>& writes() const { return writes_; }
  bool empty() const { return writes_.empty(); }
  size_t size() const { return writes_.size(); }

 private:
  std::vector<Write> writes_;
};

struct ListOptions {
  // Maximum number of documents returned; 0 means no limit.
  size_t limit = 0;
  // Return only documents whose id sorts after this one (for paging).
  std::string start_after;
};

class DocumentStore {
 public:
  // Firestore's limits, which every backend enforces so that code tested on
  // SQLite also runs on Firestore: at most 500 writes a commit, and at most
  // 1 MiB a document (the binary payload is kept below this).
  static constexpr size_t kMaxBatchWrites = 500;
  static constexpr size_t kMaxDataBytes = 1'000'000;

  virtual ~DocumentStore() = default;

  // Returns the document at `path`, or nullopt when there is none.
  virtual std::optional<Document> Get(std::string_view path) = 0;

  // Creates or replaces the document. Returns false when the precondition
  // fails, in which case nothing is written.
  virtual bool Set(std::string_view path, const boost::json::object& fields,
                   std::string_view data = {}, const Precondition& precondition = {}) = 0;

  // Merges top-level `fields` into the existing document, keeping its data.
  // Returns false, writing nothing, when the document is missing or the
  // precondition fails.
  virtual bool Update(std::string_view path, const boost::json::object& fields,
                      const Precondition& precondition = {}) = 0;

  // Deletes the document (not its subcollections). Returns false when the
  // precondition fails; deleting a missing document without one succeeds.
  virtual bool Delete(std::string_view path, const Precondition& precondition = {}) = 0;

  // Lists the documents directly in a collection, such as "users" or
  // "recordings/abc/audio_parts", ordered by document id.
  virtual std::vector<Document> List(std::string_view collection,
                                     const ListOptions& options = {}) = 0;

  // Lists the documents of a collection whose top-level `field` equals
  // `value`, ordered by document id.
  virtual std::vector<Document> Query(std::string_view collection, std::string_view field,
                                      const boost::json::value& value,
                                      const ListOptions& options = {}) = 0;

  // Applies every write of the batch atomically. Returns false, writing
  // nothing, when any precondition fails or an update targets a missing
  // document. Throws std::invalid_argument for more than kMaxBatchWrites
  // writes, as Set does for data over kMaxDataBytes.
  virtual bool Commit(const WriteBatch& batch) = 0;

  // Applies the writes in order, in as many commits as the backend's limits
  // require. Unlike Commit it is not atomic: a failure part way leaves the
  // earlier commits applied, so use it only for writes that are safe to apply
  // again, such as deletions. Returns false at the first commit whose
  // precondition fails, and skips the rest.
  bool CommitInGroups(const WriteBatch& batch);

  // Returns the groups of `batch`, in order, that CommitInGroups commits one
  // at a time. The default cuts every kMaxBatchWrites writes.
  virtual std::vector<WriteBatch> SplitForCommit(const WriteBatch& batch) const;

  // Checks that the database answers; throws StoreError when it does not.
  virtual void Ping() = 0;
};

}  // namespace talegraph::store
