#include "store/sqlite_document_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <atomic>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <system_error>

#include "store/document_store_contract.h"

namespace talegraph::store {
namespace {

// Folder under the system temporary folder for this process's database files. It is removed
// when the process exits.
class TemporaryFolder {
 public:
  TemporaryFolder() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "talegraph-store-test-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      throw std::system_error(errno, std::generic_category(), "mkdtemp " + pattern);
    }
    path_ = pattern;
  }
  ~TemporaryFolder() {
    std::error_code error;
    std::filesystem::remove_all(path_, error);
  }

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

const std::filesystem::path& TestFolder() {
  static const TemporaryFolder folder;
  return folder.path();
}

// Returns a path in TestFolder() that no earlier call returned.
std::string NewDatabasePath() {
  static std::atomic<int> count = 0;
  return (TestFolder() / ("store-" + std::to_string(count++) + ".db")).string();
}

INSTANTIATE_TEST_SUITE_P(
    Sqlite, DocumentStoreContract,
    ::testing::Values(
        DocumentStoreFactory{"InMemory",
                             [] { return std::make_unique<SqliteDocumentStore>(":memory:"); }},
        DocumentStoreFactory{
            "File", [] { return std::make_unique<SqliteDocumentStore>(NewDatabasePath()); }}),
    DocumentStoreFactoryName);

// Runs `action` and returns the message of the StoreError it throws, or "" when it throws none.
std::string StoreErrorMessage(const std::function<void()>& action) {
  try {
    action();
  } catch (const StoreError& error) {
    return error.what();
  }
  return "";
}

// Returns the update time of the document at `path`, or "" when it is missing.
std::string UpdateTimeOf(DocumentStore& store, std::string_view path) {
  const std::optional<Document> document = store.Get(path);
  return document.has_value() ? document->update_time : "";
}

// Runs `sql` on the database file through a connection of its own.
void RunSql(const std::string& file_path, const char* sql) {
  sqlite3* database = nullptr;
  ASSERT_EQ(sqlite3_open(file_path.c_str(), &database), SQLITE_OK);
  char* error = nullptr;
  const int result = sqlite3_exec(database, sql, nullptr, nullptr, &error);
  EXPECT_EQ(result, SQLITE_OK) << (error != nullptr ? error : "");
  sqlite3_free(error);
  sqlite3_close(database);
}

TEST(SqliteDocumentStore, ReopenKeepsDocuments) {
  const std::string file_path = NewDatabasePath();
  std::string update_time;
  {
    SqliteDocumentStore store(file_path);
    ASSERT_TRUE(store.Set("users/u1", {{"name", "Ada"}}, std::string("a\0b", 3)));
    ASSERT_TRUE(store.Set("users/u1/sessions/s1", {{"n", 1}}));
    update_time = UpdateTimeOf(store, "users/u1");
  }
  ASSERT_FALSE(update_time.empty());

  SqliteDocumentStore store(file_path);
  const std::optional<Document> document = store.Get("users/u1");
  ASSERT_TRUE(document.has_value());
  EXPECT_EQ(document->fields, (boost::json::object{{"name", "Ada"}}));
  EXPECT_EQ(document->data, std::string("a\0b", 3));
  EXPECT_EQ(document->update_time, update_time);
  EXPECT_EQ(store.List("users/u1/sessions").size(), 1u);
}

TEST(SqliteDocumentStore, ReopenKeepsUpdateTimesUnique) {
  const std::string file_path = NewDatabasePath();
  std::string deleted_update_time;
  std::string kept_update_time;
  {
    SqliteDocumentStore store(file_path);
    ASSERT_TRUE(store.Set("users/kept", {}));
    kept_update_time = UpdateTimeOf(store, "users/kept");
    // The deleted document carried the largest update time, so MAX(update_time) alone would
    // not show it after reopening.
    ASSERT_TRUE(store.Set("users/deleted", {}));
    deleted_update_time = UpdateTimeOf(store, "users/deleted");
    ASSERT_TRUE(store.Delete("users/deleted"));
  }
  ASSERT_FALSE(kept_update_time.empty());
  ASSERT_FALSE(deleted_update_time.empty());

  SqliteDocumentStore store(file_path);
  ASSERT_TRUE(store.Set("users/deleted", {}));
  EXPECT_NE(UpdateTimeOf(store, "users/deleted"), deleted_update_time);
  ASSERT_TRUE(store.Set("users/kept", {}));
  EXPECT_NE(UpdateTimeOf(store, "users/kept"), kept_update_time);
}

TEST(SqliteDocumentStore, OpenCreatesParentFolders) {
  const std::filesystem::path file_path = TestFolder() / "nested" / "deeper" / "store.db";

  SqliteDocumentStore store(file_path.string());
  ASSERT_TRUE(store.Set("users/u1", {}));

  EXPECT_TRUE(std::filesystem::is_regular_file(file_path));
}

TEST(SqliteDocumentStore, UsesWriteAheadLog) {
  const std::string file_path = NewDatabasePath();
  SqliteDocumentStore store(file_path);
  ASSERT_TRUE(store.Set("users/u1", {}));

  // SQLite keeps the -wal file while a connection in WAL mode is open.
  EXPECT_TRUE(std::filesystem::exists(file_path + "-wal"));
}

TEST(SqliteDocumentStore, OpenUnderRegularFileThrows) {
  const std::filesystem::path blocker = TestFolder() / "blocker";
  std::ofstream(blocker) << "a regular file, not a folder";
  const std::string file_path = (blocker / "sub" / "store.db").string();

  const std::string message = StoreErrorMessage([&] { SqliteDocumentStore store(file_path); });

  ASSERT_FALSE(message.empty());
  EXPECT_NE(message.find(file_path), std::string::npos) << message;
}

TEST(SqliteDocumentStore, OpenNonDatabaseFileThrows) {
  const std::string file_path = NewDatabasePath();
  std::ofstream(file_path) << std::string(4096, 'x');

  const std::string message = StoreErrorMessage([&] { SqliteDocumentStore store(file_path); });

  ASSERT_FALSE(message.empty());
  EXPECT_NE(message.find(file_path), std::string::npos) << message;
  EXPECT_NE(message.find("not a database"), std::string::npos) << message;
}

TEST(SqliteDocumentStore, SqliteErrorNamesOperation) {
  const std::string file_path = NewDatabasePath();
  SqliteDocumentStore store(file_path);
  RunSql(file_path, "DROP TABLE documents");

  const std::string message = StoreErrorMessage([&] { store.Get("users/u1"); });

  ASSERT_FALSE(message.empty());
  EXPECT_NE(message.find("Get"), std::string::npos) << message;
  EXPECT_NE(message.find("users/u1"), std::string::npos) << message;
  EXPECT_NE(message.find(file_path), std::string::npos) << message;
  EXPECT_NE(message.find("no such table"), std::string::npos) << message;
}

TEST(SqliteDocumentStore, FailedWriteRollsBack) {
  const std::string file_path = NewDatabasePath();
  SqliteDocumentStore store(file_path);
  ASSERT_TRUE(store.Set("users/u1", {{"v", 1}}));
  // The trigger makes the second write of the batch fail inside the transaction.
  RunSql(file_path,
         "CREATE TRIGGER reject_bad BEFORE INSERT ON documents WHEN NEW.id = 'bad' "
         "BEGIN SELECT RAISE(ABORT, 'rejected by test trigger'); END");

  WriteBatch batch;
  batch.Update("users/u1", {{"v", 2}}).Set("users/bad", {});
  const std::string message = StoreErrorMessage([&] { store.Commit(batch); });

  EXPECT_NE(message.find("rejected by test trigger"), std::string::npos) << message;
  const std::optional<Document> document = store.Get("users/u1");
  ASSERT_TRUE(document.has_value());
  EXPECT_EQ(document->fields, (boost::json::object{{"v", 1}}));
  EXPECT_TRUE(store.Set("users/u2", {}));
}

TEST(SqliteDocumentStore, CorruptFieldsThrowStoreError) {
  const std::string file_path = NewDatabasePath();
  SqliteDocumentStore store(file_path);
  ASSERT_TRUE(store.Set("users/u1", {}));
  RunSql(file_path, "UPDATE documents SET fields = 'not json' WHERE path = 'users/u1'");

  const std::string message = StoreErrorMessage([&] { store.Get("users/u1"); });

  EXPECT_NE(message.find("users/u1"), std::string::npos) << message;
}

TEST(SqliteDocumentStore, QueryIntegerMatchesEqualDouble) {
  SqliteDocumentStore store(":memory:");
  ASSERT_TRUE(store.Set("jobs/integer", {{"n", 2}}));
  ASSERT_TRUE(store.Set("jobs/double", {{"n", 2.0}}));

  EXPECT_EQ(store.Query("jobs", "n", 2).size(), 2u);
  EXPECT_EQ(store.Query("jobs", "n", 2.0).size(), 2u);
}

TEST(SqliteDocumentStore, QueryCompositeValueThrows) {
  SqliteDocumentStore store(":memory:");

  EXPECT_THROW(store.Query("jobs", "tags", boost::json::array{"a"}), std::invalid_argument);
  EXPECT_THROW(store.Query("jobs", "tags", boost::json::object{{"a", 1}}), std::invalid_argument);
}

}  // namespace
}  // namespace talegraph::store
