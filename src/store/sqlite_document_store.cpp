#include "store/sqlite_document_store.h"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <chrono>
#include <filesystem>
#include <limits>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "store/document_validation.h"

namespace talegraph::store {
namespace {

constexpr std::string_view kInMemoryPath = ":memory:";

// Maximum time in ms that a statement waits for another connection's lock before it fails
// with SQLITE_BUSY.
constexpr int kBusyTimeoutMs = 5000;

// `data` is NULL when the document has no binary payload.
constexpr const char* kSetupSql = R"sql(
  PRAGMA journal_mode = WAL;
  PRAGMA synchronous = NORMAL;
  CREATE TABLE IF NOT EXISTS documents (
    path TEXT PRIMARY KEY,
    parent TEXT NOT NULL,
    id TEXT NOT NULL,
    fields TEXT NOT NULL,
    data BLOB,
    update_time INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS documents_by_parent ON documents (parent, id);
)sql";

constexpr std::string_view kSelectDocumentSql =
    "SELECT path, fields, data, update_time FROM documents WHERE path = ?1";
constexpr std::string_view kSelectFieldsSql =
    "SELECT fields, update_time FROM documents WHERE path = ?1";
constexpr std::string_view kUpsertSql =
    "INSERT INTO documents (path, parent, id, fields, data, update_time) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (path) DO UPDATE SET "
    "fields = excluded.fields, data = excluded.data, update_time = excluded.update_time";
constexpr std::string_view kUpdateFieldsSql =
    "UPDATE documents SET fields = ?2, update_time = ?3 WHERE path = ?1";
constexpr std::string_view kDeleteSql = "DELETE FROM documents WHERE path = ?1";

// ?1 is the collection, ?2 the id to start after ('' for the first page) and ?3 the limit
// (-1 for none).
constexpr std::string_view kListSql =
    "SELECT path, fields, data, update_time FROM documents "
    "WHERE parent = ?1 AND id > ?2 ORDER BY id LIMIT ?3";

// Like kListSql, and the field at JSON path ?4 must have one of the JSON types ?5 and ?6 and
// equal ?7. The type check keeps the string "1" and the boolean true (which json_extract
// returns as 1) from matching the integer 1.
constexpr std::string_view kQuerySql =
    "SELECT path, fields, data, update_time FROM documents "
    "WHERE parent = ?1 AND id > ?2 AND json_type(fields, ?4) IN (?5, ?6) "
    "AND json_extract(fields, ?4) IS ?7 ORDER BY id LIMIT ?3";

constexpr std::string_view kMaxUpdateTimeSql = "SELECT MAX(update_time) FROM documents";

std::string DescribeDatabase(sqlite3* database) {
  const char* file = sqlite3_db_filename(database, "main");
  if (file == nullptr || *file == '\0') {
    return std::string(kInMemoryPath);
  }
  return file;
}

// Builds a message such as `SQLite Get of "users/u1" in /data/talegraph.db failed: database
// is locked`. An empty `path` is left out.
std::string DescribeFailure(sqlite3* database, std::string_view operation, std::string_view path) {
  std::string message = "SQLite ";
  message += operation;
  if (!path.empty()) {
    message += " of \"";
    message += path;
    message += '"';
  }
  message += " in ";
  message += DescribeDatabase(database);
  message += " failed: ";
  message += sqlite3_errmsg(database);
  return message;
}

// One run of a cached statement. The destructor resets the statement and clears its
// bindings, which ends its read transaction and drops the pointers bound with SQLITE_STATIC.
// Text and blobs bound here must therefore outlive the Execution.
class Execution {
 public:
  Execution(sqlite3_stmt* statement, std::string_view operation, std::string_view path)
      : statement_(statement), operation_(operation), path_(path) {}
  ~Execution() {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
  }
  Execution(const Execution&) = delete;
  Execution& operator=(const Execution&) = delete;

  void BindText(int index, std::string_view text) {
    // An empty view may have a null data pointer, which SQLite would bind as NULL.
    const char* chars = text.empty() ? "" : text.data();
    Check(sqlite3_bind_text64(statement_, index, chars, text.size(), SQLITE_STATIC, SQLITE_UTF8));
  }
  void BindBlob(int index, std::string_view bytes) {
    Check(sqlite3_bind_blob64(statement_, index, bytes.data(), bytes.size(), SQLITE_STATIC));
  }
  void BindInt64(int index, int64_t value) { Check(sqlite3_bind_int64(statement_, index, value)); }
  void BindDouble(int index, double value) { Check(sqlite3_bind_double(statement_, index, value)); }
  void BindNull(int index) { Check(sqlite3_bind_null(statement_, index)); }

  // Steps to the next row. Returns false when there are no more rows.
  bool Step() {
    const int result = sqlite3_step(statement_);
    if (result == SQLITE_ROW) {
      return true;
    }
    if (result == SQLITE_DONE) {
      return false;
    }
    Fail();
  }

  std::string_view Text(int column) const {
    const auto* chars = reinterpret_cast<const char*>(sqlite3_column_text(statement_, column));
    const int size = sqlite3_column_bytes(statement_, column);
    return chars == nullptr ? std::string_view() : std::string_view(chars, size);
  }
  std::string_view Blob(int column) const {
    const auto* bytes = static_cast<const char*>(sqlite3_column_blob(statement_, column));
    const int size = sqlite3_column_bytes(statement_, column);
    return bytes == nullptr ? std::string_view() : std::string_view(bytes, size);
  }
  int64_t Int64(int column) const { return sqlite3_column_int64(statement_, column); }

 private:
  void Check(int result) const {
    if (result != SQLITE_OK) {
      Fail();
    }
  }
  [[noreturn]] void Fail() const {
    sqlite3* database = sqlite3_db_handle(statement_);
    std::string message = DescribeFailure(database, operation_, path_);
    // The low byte of an extended result code is its primary code.
    if ((sqlite3_extended_errcode(database) & 0xff) == SQLITE_FULL) {
      throw StorageFullError(std::move(message));
    }
    throw StoreError(std::move(message));
  }

  sqlite3_stmt* statement_;
  std::string_view operation_;
  std::string_view path_;
};

// Binds ?5 and ?6 of kQuerySql to the JSON types that match `value`, and ?7 to the SQL value
// that json_extract returns for it. Integers and doubles match each other by numeric value.
void BindQueryValue(Execution& query, const boost::json::value& value) {
  switch (value.kind()) {
    case boost::json::kind::string:
      query.BindText(5, "text");
      query.BindText(6, "text");
      query.BindText(7, value.get_string());
      return;
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
    case boost::json::kind::double_:
      query.BindText(5, "integer");
      query.BindText(6, "real");
      break;
    case boost::json::kind::bool_:
      query.BindText(5, value.get_bool() ? "true" : "false");
      query.BindText(6, value.get_bool() ? "true" : "false");
      query.BindInt64(7, value.get_bool() ? 1 : 0);
      return;
    case boost::json::kind::null:
      query.BindText(5, "null");
      query.BindText(6, "null");
      query.BindNull(7);
      return;
    case boost::json::kind::array:
    case boost::json::kind::object:
      throw std::invalid_argument("query values must be JSON scalars");
  }

  if (value.is_int64()) {
    query.BindInt64(7, value.get_int64());
  } else if (value.is_uint64() && value.get_uint64() <= std::numeric_limits<int64_t>::max()) {
    query.BindInt64(7, static_cast<int64_t>(value.get_uint64()));
  } else {
    query.BindDouble(7, value.to_number<double>());
  }
}

// Returns the SQLite JSON path of a top-level field, quoted so that any name without '"' works.
std::string JsonPathOf(std::string_view field) {
  std::string json_path = "$.\"";
  json_path += field;
  json_path += '"';
  return json_path;
}

void BindListOptions(Execution& list, std::string_view collection, const ListOptions& options) {
  constexpr size_t kMaxSqlLimit = std::numeric_limits<int64_t>::max();
  const int64_t limit =
      options.limit == 0 ? -1 : static_cast<int64_t>(std::min(options.limit, kMaxSqlLimit));
  list.BindText(1, collection);
  list.BindText(2, options.start_after);
  list.BindInt64(3, limit);
}

std::string_view ParentOf(std::string_view path) { return path.substr(0, path.rfind('/')); }

std::string_view IdOf(std::string_view path) { return path.substr(path.rfind('/') + 1); }

boost::json::object ParseFields(std::string_view text, std::string_view path) {
  boost::system::error_code error;
  boost::json::value parsed = boost::json::parse(text, error);
  if (error || !parsed.is_object()) {
    throw StoreError(
        "stored fields of \"" + std::string(path) +
        "\" are not a JSON object, so the database may be corrupt: " +
        (error ? error.message() : "parsed a " + std::string(to_string(parsed.kind()))));
  }
  return std::move(parsed.get_object());
}

// Reads a row of the form (path, fields, data, update_time).
Document DocumentFromRow(const Execution& row) {
  Document document;
  document.path = row.Text(0);
  document.fields = ParseFields(row.Text(1), document.path);
  document.data = row.Blob(2);
  document.update_time = std::to_string(row.Int64(3));
  return document;
}

std::vector<Document> ReadDocuments(Execution& selection) {
  std::vector<Document> documents;
  while (selection.Step()) {
    documents.push_back(DocumentFromRow(selection));
  }
  return documents;
}

bool UpdateTimeMatches(std::string_view token, int64_t update_time) {
  int64_t parsed = 0;
  const char* end = token.data() + token.size();
  const auto [stop, error] = std::from_chars(token.data(), end, parsed);
  return error == std::errc() && stop == end && parsed == update_time;
}

// `update_time` is the stored update time, or nullopt when the document is missing.
bool PreconditionHolds(const Precondition& precondition, std::optional<int64_t> update_time) {
  switch (precondition.kind) {
    case Precondition::Kind::kNone:
      return true;
    case Precondition::Kind::kExists:
      return update_time.has_value();
    case Precondition::Kind::kNotExists:
      return !update_time.has_value();
    case Precondition::Kind::kUpdateTimeIs:
      return update_time.has_value() && UpdateTimeMatches(precondition.update_time, *update_time);
  }
  return false;
}

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

// BEGIN IMMEDIATE on construction, so that the write lock is taken before any precondition is
// read, and ROLLBACK on destruction unless Commit() ran.
class SqliteDocumentStore::Transaction {
 public:
  Transaction(SqliteDocumentStore& store, std::string_view operation, std::string_view path)
      : store_(store), operation_(operation), path_(path) {
    Execution(store_.begin_.get(), operation_, path_).Step();
  }
  ~Transaction() {
    if (!committed_) {
      Rollback();
    }
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  void Commit() {
    Execution(store_.commit_.get(), operation_, path_).Step();
    committed_ = true;
  }

 private:
  // Logs a failure instead of throwing, because it runs in the destructor.
  void Rollback() {
    sqlite3* database = store_.database_.get();
    if (sqlite3_get_autocommit(database) != 0) {
      // SQLite has already rolled back, as it may after SQLITE_FULL or SQLITE_IOERR.
      return;
    }
    sqlite3_stmt* rollback = store_.rollback_.get();
    if (sqlite3_step(rollback) != SQLITE_DONE) {
      spdlog::error("{}", DescribeFailure(database, "Rollback", path_));
    }
    sqlite3_reset(rollback);
  }

  SqliteDocumentStore& store_;
  std::string_view operation_;
  std::string_view path_;
  bool committed_ = false;
};

void SqliteDocumentStore::DatabaseCloser::operator()(sqlite3* database) const {
  sqlite3_close_v2(database);
}

void SqliteDocumentStore::StatementFinalizer::operator()(sqlite3_stmt* statement) const {
  sqlite3_finalize(statement);
}

SqliteDocumentStore::SqliteDocumentStore(const std::string& file_path) : file_path_(file_path) {
  Open();
  PrepareStatements();
  ReadLastUpdateTime();
}

SqliteDocumentStore::~SqliteDocumentStore() = default;

void SqliteDocumentStore::Open() {
  if (file_path_ != kInMemoryPath) {
    CreateParentFolder(file_path_);
  }

  // SQLITE_OPEN_NOMUTEX is safe because mutex_ serializes every use of the connection.
  sqlite3* database = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  const int result = sqlite3_open_v2(file_path_.c_str(), &database, flags, nullptr);
  database_.reset(database);
  if (result != SQLITE_OK) {
    const char* reason = database != nullptr ? sqlite3_errmsg(database) : sqlite3_errstr(result);
    throw StoreError("opening SQLite database \"" + file_path_ + "\" failed: " + reason);
  }

  sqlite3_busy_timeout(database, kBusyTimeoutMs);
  char* error = nullptr;
  if (sqlite3_exec(database, kSetupSql, nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = "setting up SQLite database \"" + file_path_ + "\" failed: ";
    message += error != nullptr ? error : sqlite3_errmsg(database);
    sqlite3_free(error);
    throw StoreError(message);
  }
}

SqliteDocumentStore::StatementPtr SqliteDocumentStore::Prepare(std::string_view sql) {
  sqlite3_stmt* statement = nullptr;
  const int result = sqlite3_prepare_v3(database_.get(), sql.data(), static_cast<int>(sql.size()),
                                        SQLITE_PREPARE_PERSISTENT, &statement, nullptr);
  StatementPtr prepared(statement);
  if (result != SQLITE_OK) {
    throw StoreError("preparing SQLite statement \"" + std::string(sql) + "\" on \"" + file_path_ +
                     "\" failed: " + sqlite3_errmsg(database_.get()));
  }
  return prepared;
}

void SqliteDocumentStore::PrepareStatements() {
  begin_ = Prepare("BEGIN IMMEDIATE");
  commit_ = Prepare("COMMIT");
  rollback_ = Prepare("ROLLBACK");
  select_document_ = Prepare(kSelectDocumentSql);
  select_fields_ = Prepare(kSelectFieldsSql);
  upsert_ = Prepare(kUpsertSql);
  update_fields_ = Prepare(kUpdateFieldsSql);
  delete_ = Prepare(kDeleteSql);
  list_ = Prepare(kListSql);
  query_ = Prepare(kQuerySql);
  ping_ = Prepare("SELECT 1");
}

void SqliteDocumentStore::ReadLastUpdateTime() {
  const StatementPtr max_update_time = Prepare(kMaxUpdateTimeSql);
  Execution select(max_update_time.get(), "Open", "");
  if (select.Step()) {
    last_update_time_ = select.Int64(0);  // 0 for an empty table, where MAX is NULL.
  }
}

std::optional<Document> SqliteDocumentStore::Get(std::string_view path) {
  ValidatePath(path, PathKind::kDocument);

  std::lock_guard lock(mutex_);
  Execution select(select_document_.get(), "Get", path);
  select.BindText(1, path);
  if (!select.Step()) {
    return std::nullopt;
  }
  return DocumentFromRow(select);
}

bool SqliteDocumentStore::Set(std::string_view path, const boost::json::object& fields,
                              std::string_view data, const Precondition& precondition) {
  ValidatePath(path, PathKind::kDocument);
  ValidateData(path, data);

  std::lock_guard lock(mutex_);
  Transaction transaction(*this, "Set", path);
  if (!ApplySet(path, fields, data, precondition)) {
    return false;
  }
  transaction.Commit();
  return true;
}

bool SqliteDocumentStore::Update(std::string_view path, const boost::json::object& fields,
                                 const Precondition& precondition) {
  ValidatePath(path, PathKind::kDocument);

  std::lock_guard lock(mutex_);
  Transaction transaction(*this, "Update", path);
  if (!ApplyUpdate(path, fields, precondition)) {
    return false;
  }
  transaction.Commit();
  return true;
}

bool SqliteDocumentStore::Delete(std::string_view path, const Precondition& precondition) {
  ValidatePath(path, PathKind::kDocument);

  std::lock_guard lock(mutex_);
  Transaction transaction(*this, "Delete", path);
  if (!ApplyDelete(path, precondition)) {
    return false;
  }
  transaction.Commit();
  return true;
}

std::vector<Document> SqliteDocumentStore::List(std::string_view collection,
                                                const ListOptions& options) {
  ValidatePath(collection, PathKind::kCollection);

  std::lock_guard lock(mutex_);
  Execution list(list_.get(), "List", collection);
  BindListOptions(list, collection, options);
  return ReadDocuments(list);
}

std::vector<Document> SqliteDocumentStore::Query(std::string_view collection,
                                                 std::string_view field,
                                                 const boost::json::value& value,
                                                 const ListOptions& options) {
  ValidatePath(collection, PathKind::kCollection);
  ValidateFieldName(field);
  ValidateQueryValue(field, value);
  const std::string json_path = JsonPathOf(field);

  std::lock_guard lock(mutex_);
  Execution query(query_.get(), "Query", collection);
  BindListOptions(query, collection, options);
  query.BindText(4, json_path);
  BindQueryValue(query, value);
  return ReadDocuments(query);
}

bool SqliteDocumentStore::Commit(const WriteBatch& batch) {
  ValidateBatch(batch);
  if (batch.empty()) {
    return true;
  }

  std::lock_guard lock(mutex_);
  Transaction transaction(*this, "Commit", "");
  for (const Write& write : batch.writes()) {
    if (!ApplyWrite(write)) {
      return false;
    }
  }
  transaction.Commit();
  return true;
}

void SqliteDocumentStore::Ping() {
  std::lock_guard lock(mutex_);
  Execution(ping_.get(), "Ping", "").Step();
}

bool SqliteDocumentStore::ApplyWrite(const Write& write) {
  switch (write.kind) {
    case Write::Kind::kSet:
      return ApplySet(write.path, write.fields, write.data, write.precondition);
    case Write::Kind::kUpdate:
      return ApplyUpdate(write.path, write.fields, write.precondition);
    case Write::Kind::kDelete:
      return ApplyDelete(write.path, write.precondition);
  }
  throw std::invalid_argument("invalid write kind for \"" + write.path + "\"");
}

bool SqliteDocumentStore::ApplySet(std::string_view path, const boost::json::object& fields,
                                   std::string_view data, const Precondition& precondition) {
  if (precondition.kind != Precondition::Kind::kNone &&
      !PreconditionHolds(precondition, ReadUpdateTime(path))) {
    return false;
  }

  const std::string fields_json = boost::json::serialize(fields);
  Execution upsert(upsert_.get(), "Set", path);
  upsert.BindText(1, path);
  upsert.BindText(2, ParentOf(path));
  upsert.BindText(3, IdOf(path));
  upsert.BindText(4, fields_json);
  if (data.empty()) {
    upsert.BindNull(5);
  } else {
    upsert.BindBlob(5, data);
  }
  upsert.BindInt64(6, NextUpdateTime());
  upsert.Step();
  return true;
}

bool SqliteDocumentStore::ApplyUpdate(std::string_view path, const boost::json::object& fields,
                                      const Precondition& precondition) {
  std::optional<StoredFields> stored = ReadFields(path);
  if (!stored.has_value() || !PreconditionHolds(precondition, stored->update_time)) {
    return false;
  }

  for (const auto& field : fields) {
    stored->fields.insert_or_assign(field.key(), field.value());
  }
  WriteFields(path, stored->fields);
  return true;
}

bool SqliteDocumentStore::ApplyDelete(std::string_view path, const Precondition& precondition) {
  if (precondition.kind != Precondition::Kind::kNone &&
      !PreconditionHolds(precondition, ReadUpdateTime(path))) {
    return false;
  }

  Execution remove(delete_.get(), "Delete", path);
  remove.BindText(1, path);
  remove.Step();
  return true;
}

std::optional<int64_t> SqliteDocumentStore::ReadUpdateTime(std::string_view path) {
  Execution select(select_fields_.get(), "Precondition check", path);
  select.BindText(1, path);
  if (!select.Step()) {
    return std::nullopt;
  }
  return select.Int64(1);
}

std::optional<SqliteDocumentStore::StoredFields> SqliteDocumentStore::ReadFields(
    std::string_view path) {
  Execution select(select_fields_.get(), "Update", path);
  select.BindText(1, path);
  if (!select.Step()) {
    return std::nullopt;
  }
  return StoredFields{.fields = ParseFields(select.Text(0), path), .update_time = select.Int64(1)};
}

void SqliteDocumentStore::WriteFields(std::string_view path, const boost::json::object& fields) {
  const std::string fields_json = boost::json::serialize(fields);
  Execution update(update_fields_.get(), "Update", path);
  update.BindText(1, path);
  update.BindText(2, fields_json);
  update.BindInt64(3, NextUpdateTime());
  update.Step();
}

int64_t SqliteDocumentStore::NextUpdateTime() {
  using std::chrono::duration_cast;
  using std::chrono::microseconds;
  using std::chrono::system_clock;

  // Starting from the clock keeps tokens unique across reopening even when the document that
  // carried the largest one was deleted, unless the clock was set back meanwhile.
  const int64_t now = duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
  last_update_time_ = std::max(last_update_time_ + 1, now);
  return last_update_time_;
}

}  // namespace talegraph::store
