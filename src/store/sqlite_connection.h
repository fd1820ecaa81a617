// SqliteConnection: one SQLite connection with cached prepared statements,
// the building block of the SQLite graph store. Every failure throws
// StoreError with the operation and the database file in its message.
//
// Thread safety: none. The owner serializes every use of the connection.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "store/store_error.h"

struct sqlite3;
struct sqlite3_stmt;

namespace talegraph::store {

class SqliteConnection {
 public:
  // Opens the database at `file_path`, creating the file and its parent
  // folder when missing (":memory:" opens a private in-memory database), and
  // runs `setup_sql`. Throws StoreError.
  SqliteConnection(const std::string& file_path, std::string_view setup_sql);
  ~SqliteConnection();

  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  // Returns the prepared statement for `sql`, preparing it on first use.
  sqlite3_stmt* Statement(std::string_view sql);

  // Builds a message such as `SQLite Merge in /data/talegraph.db failed:
  // database is locked`.
  std::string DescribeFailure(std::string_view operation) const;

  sqlite3* handle() const { return database_.get(); }

 private:
  struct DatabaseCloser {
    void operator()(sqlite3* database) const;
  };
  struct StatementFinalizer {
    void operator()(sqlite3_stmt* statement) const;
  };

  std::string file_path_;
  std::unique_ptr<sqlite3, DatabaseCloser> database_;
  // Declared after database_, so the statements are finalized before the
  // connection closes.
  std::unordered_map<std::string, std::unique_ptr<sqlite3_stmt, StatementFinalizer>> statements_;
};

// One run of a cached statement. The destructor resets the statement and
// clears its bindings. Text is bound without a copy, so it must outlive the
// run.
class SqliteRun {
 public:
  SqliteRun(SqliteConnection& connection, std::string_view sql, std::string_view operation);
  ~SqliteRun();

  SqliteRun(const SqliteRun&) = delete;
  SqliteRun& operator=(const SqliteRun&) = delete;

  // Binds ?index, counted from 1.
  SqliteRun& Bind(int index, std::string_view text);
  SqliteRun& Bind(int index, int64_t value);

  // Steps to the next row. Returns false when there are no more rows.
  bool Step();

  // Runs a statement that returns no rows.
  void Execute();

  std::string_view Text(int column) const;
  int64_t Int64(int column) const;

 private:
  void Check(int result) const;
  [[noreturn]] void Fail() const;

  SqliteConnection& connection_;
  sqlite3_stmt* statement_;
  std::string_view operation_;
};

// BEGIN IMMEDIATE (or a deferred BEGIN for a read-only snapshot) on
// construction, and ROLLBACK on destruction unless Commit() ran.
class SqliteTransaction {
 public:
  enum class Mode { kRead, kWrite };

  SqliteTransaction(SqliteConnection& connection, std::string_view operation, Mode mode);
  ~SqliteTransaction();

  SqliteTransaction(const SqliteTransaction&) = delete;
  SqliteTransaction& operator=(const SqliteTransaction&) = delete;

  void Commit();

 private:
  SqliteConnection& connection_;
  std::string_view operation_;
  // Prepared up front, so that the destructor never prepares (and throws).
  sqlite3_stmt* rollback_;
  bool committed_ = false;
};

}  // namespace talegraph::store
