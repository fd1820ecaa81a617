// SqliteDocumentStore: the embedded DocumentStore backend, one SQLite database file.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "store/document_store.h"

struct sqlite3;
struct sqlite3_stmt;

namespace talegraph::store {

// DocumentStore kept in one SQLite database, in the table
// documents(path, parent, id, fields, data, update_time).
//
// Thread safety: all calls share one connection and its cached prepared statements, and
// mutex_ serializes them. The store is safe from any number of threads, but it runs one
// statement at a time.
//
// Update times are microseconds since the Unix epoch, rendered as decimal strings. Where the
// clock alone would not do, the value is raised so that every write gets a larger update time
// than any this object wrote before or found in the file when it opened it.
// NOTE: that counter lives in this object. Two stores writing the same file, in one process or
// several, could give two revisions of one document the same update time and so defeat
// Precondition::UpdateTimeIs.
class SqliteDocumentStore final : public DocumentStore {
 public:
  // Opens the database at `file_path`, creating the file, its parent folder and the schema
  // when missing. ":memory:" opens a private in-memory database. Throws StoreError when the
  // folder cannot be created or the database cannot be opened or set up.
  explicit SqliteDocumentStore(const std::string& file_path);
  ~SqliteDocumentStore() override;

  SqliteDocumentStore(const SqliteDocumentStore&) = delete;
  SqliteDocumentStore& operator=(const SqliteDocumentStore&) = delete;

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
  void Ping() override;

 private:
  struct DatabaseCloser {
    void operator()(sqlite3* database) const;
  };
  struct StatementFinalizer {
    void operator()(sqlite3_stmt* statement) const;
  };
  using DatabasePtr = std::unique_ptr<sqlite3, DatabaseCloser>;
  using StatementPtr = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

  // Stored fields of a document and its update time, read for Update.
  struct StoredFields {
    boost::json::object fields;
    int64_t update_time = 0;
  };

  class Transaction;

  void Open();
  StatementPtr Prepare(std::string_view sql);
  void PrepareStatements();
  void ReadLastUpdateTime();

  // The helpers below run with mutex_ held, inside a transaction where they write.
  bool ApplyWrite(const Write& write);
  bool ApplySet(std::string_view path, const boost::json::object& fields, std::string_view data,
                const Precondition& precondition);
  bool ApplyUpdate(std::string_view path, const boost::json::object& fields,
                   const Precondition& precondition);
  bool ApplyDelete(std::string_view path, const Precondition& precondition);
  std::optional<int64_t> ReadUpdateTime(std::string_view path);
  std::optional<StoredFields> ReadFields(std::string_view path);
  void WriteFields(std::string_view path, const boost::json::object& fields);
  int64_t NextUpdateTime();

  const std::string file_path_;

  std::mutex mutex_;
  // Everything below is guarded by mutex_. The statements are declared after database_, so
  // they are finalized before the connection closes.
  DatabasePtr database_;
  StatementPtr begin_;
  StatementPtr commit_;
  StatementPtr rollback_;
  StatementPtr select_document_;
  StatementPtr select_fields_;
  StatementPtr upsert_;
  StatementPtr update_fields_;
  StatementPtr delete_;
  StatementPtr list_;
  StatementPtr query_;
  StatementPtr ping_;
  int64_t last_update_time_ = 0;
};

}  // namespace talegraph::store
