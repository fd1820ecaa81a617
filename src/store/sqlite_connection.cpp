#include "store/sqlite_connection.h"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <filesystem>
#include <system_error>

namespace talegraph::store {

namespace {

constexpr std::string_view kInMemoryPath = ":memory:";

// Maximum time in ms that a statement waits for another connection's lock
// (the document store's, say) before it fails with SQLITE_BUSY.
constexpr int kBusyTimeoutMs = 5000;

void CreateParentFolder(const std::string& file_path) {
  const std::filesystem::path folder = std::filesystem::path(file_path).parent_path();
  if (folder.empty()) {
    return;
  }
  std::error_code error;
  std::filesystem::create_directories(folder, error);
  if (error) {
    throw StoreError("creating folder \"" + folder.string() + "\" for SQLite database \"" +
                     file_path + "\" failed: " + error.message());
  }
}

}  // namespace

void SqliteConnection::DatabaseCloser::operator()(sqlite3* database) const {
  sqlite3_close_v2(database);
}

void SqliteConnection::StatementFinalizer::operator()(sqlite3_stmt* statement) const {
  sqlite3_finalize(statement);
}

SqliteConnection::SqliteConnection(const std::string& file_path, std::string_view setup_sql)
    : file_path_(file_path) {
  if (file_path_ != kInMemoryPath) {
    CreateParentFolder(file_path_);
  }
  sqlite3* database = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  const int result = sqlite3_open_v2(file_path_.c_str(), &database, flags, nullptr);
  database_.reset(database);
  if (result != SQLITE_OK) {
    const char* reason = database != nullptr ? sqlite3_errmsg(database) : sqlite3_errstr(result);
    throw StoreError("opening SQLite database \"" + file_path_ + "\" failed: " + reason);
  }

  sqlite3_busy_timeout(database, kBusyTimeoutMs);
  std::string sql(setup_sql);
  char* error = nullptr;
  if (sqlite3_exec(database, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = "setting up SQLite database \"" + file_path_ + "\" failed: ";
    message += error != nullptr ? error : sqlite3_errmsg(database);
    sqlite3_free(error);
    throw StoreError(message);
  }
}

SqliteConnection::~SqliteConnection() = default;

sqlite3_stmt* SqliteConnection::Statement(std::string_view sql) {
  auto found = statements_.find(std::string(sql));
  if (found != statements_.end()) {
    return found->second.get();
  }
  sqlite3_stmt* statement = nullptr;
  const int result = sqlite3_prepare_v3(database_.get(), sql.data(), static_cast<int>(sql.size()),
                                        SQLITE_PREPARE_PERSISTENT, &statement, nullptr);
  std::unique_ptr<sqlite3_stmt, StatementFinalizer> prepared(statement);
  if (result != SQLITE_OK) {
    throw StoreError("preparing SQLite statement \"" + std::string(sql) + "\" on \"" + file_path_ +
                     "\" failed: " + sqlite3_errmsg(database_.get()));
  }
  return statements_.emplace(std::string(sql), std::move(prepared)).first->second.get();
}

std::string SqliteConnection::DescribeFailure(std::string_view operation) const {
  std::string message = "SQLite ";
  message += operation;
  message += " in ";
  message += file_path_;
  message += " failed: ";
  message += sqlite3_errmsg(database_.get());
  return message;
}

SqliteRun::SqliteRun(SqliteConnection& connection, std::string_view sql, std::string_view operation)
    : connection_(connection), statement_(connection.Statement(sql)), operation_(operation) {}

SqliteRun::~SqliteRun() {
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
}

SqliteRun& SqliteRun::Bind(int index, std::string_view text) {
  // An empty view may have a null data pointer, which SQLite would bind as NULL.
  const char* chars = text.empty() ? "" : text.data();
  Check(sqlite3_bind_text64(statement_, index, chars, text.size(), SQLITE_STATIC, SQLITE_UTF8));
  return *this;
}

SqliteRun& SqliteRun::Bind(int index, int64_t value) {
  Check(sqlite3_bind_int64(statement_, index, value));
  return *this;
}

bool SqliteRun::Step() {
  const int result = sqlite3_step(statement_);
  if (result == SQLITE_ROW) {
    return true;
  }
  if (result == SQLITE_DONE) {
    return false;
  }
  Fail();
}

void SqliteRun::Execute() {
  while (Step()) {
  }
}

std::string_view SqliteRun::Text(int column) const {
  const auto* chars = reinterpret_cast<const char*>(sqlite3_column_text(statement_, column));
  const int size = sqlite3_column_bytes(statement_, column);
  return chars == nullptr ? std::string_view() : std::string_view(chars, size);
}

int64_t SqliteRun::Int64(int column) const { return sqlite3_column_int64(statement_, column); }

void SqliteRun::Check(int result) const {
  if (result != SQLITE_OK) {
    Fail();
  }
}

void SqliteRun::Fail() const { throw StoreError(connection_.DescribeFailure(operation_)); }

SqliteTransaction::SqliteTransaction(SqliteConnection& connection, std::string_view operation,
                                     Mode mode)
    : connection_(connection), operation_(operation), rollback_(connection.Statement("ROLLBACK")) {
  SqliteRun(connection_, mode == Mode::kWrite ? "BEGIN IMMEDIATE" : "BEGIN", operation_).Execute();
}

SqliteTransaction::~SqliteTransaction() {
  if (committed_ || sqlite3_get_autocommit(connection_.handle()) != 0) {
    // Committed, or SQLite has already rolled back, as it may after SQLITE_FULL or SQLITE_IOERR.
    return;
  }
  // Logs a failure instead of throwing, because it runs in the destructor.
  if (sqlite3_step(rollback_) != SQLITE_DONE) {
    spdlog::error("{}", connection_.DescribeFailure("Rollback"));
  }
  sqlite3_reset(rollback_);
}

void SqliteTransaction::Commit() {
  SqliteRun(connection_, "COMMIT", operation_).Execute();
  committed_ = true;
}

}  // namespace talegraph::store
