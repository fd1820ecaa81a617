#include "store/document_store_contract.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace talegraph::store {

void PrintTo(const DocumentStoreFactory& factory, std::ostream* output) {
  *output << "DocumentStoreFactory " << factory.name;
}

std::string DocumentStoreFactoryName(
    const ::testing::TestParamInfo<DocumentStoreFactory>& parameter) {
  return parameter.param.name;
}

bool ServicesRequired() {
  const char* required = std::getenv("TALEGRAPH_REQUIRE_SERVICES");
  return required != nullptr && std::string_view(required) == "1";
}

void DocumentStoreContract::SetUp() {
  if (GetParam().unavailable_reason) {
    const std::string reason = GetParam().unavailable_reason();
    if (!reason.empty() && ServicesRequired()) {
      FAIL() << reason << " (TALEGRAPH_REQUIRE_SERVICES=1 turns this skip into a failure)";
    }
    if (!reason.empty()) {
      GTEST_SKIP() << reason;
    }
  }
  store_ = GetParam().create();
  ASSERT_NE(store_, nullptr);
}

namespace {

// Every byte value from 0 to 255, twice, so the payload starts with and contains NUL bytes.
std::string AllByteValues() {
  std::string bytes;
  for (int repeat = 0; repeat < 2; ++repeat) {
    for (int value = 0; value < 256; ++value) {
      bytes.push_back(static_cast<char>(value));
    }
  }
  return bytes;
}

std::vector<std::string> IdsOf(const std::vector<Document>& documents) {
  std::vector<std::string> ids;
  for (const Document& document : documents) {
    ids.emplace_back(document.Id());
  }
  return ids;
}

using Ids = std::vector<std::string>;

// ---------------------------------------------------------------------------------------------
// Get, Set, Update and Delete

TEST_P(DocumentStoreContract, GetMissingReturnsNullopt) {
  EXPECT_FALSE(store().Get("users/nobody").has_value());
}

TEST_P(DocumentStoreContract, SetThenGetReturnsDocument) {
  const boost::json::object fields{{"name", "Ada"}, {"age", 36}};
  ASSERT_TRUE(store().Set("users/ada", fields, "payload"));

  const std::optional<Document> document = store().Get("users/ada");
  ASSERT_TRUE(document.has_value());
  EXPECT_EQ(document->path, "users/ada");
  EXPECT_EQ(document->Id(), "ada");
  EXPECT_EQ(document->fields, fields);
  EXPECT_EQ(document->data, "payload");
  EXPECT_FALSE(document->update_time.empty());
}

TEST_P(DocumentStoreContract, SetKeepsAllByteValues) {
  const std::string data = AllByteValues();
  ASSERT_EQ(data.size(), 512u);
  ASSERT_TRUE(store().Set("uploads/u1", {}, data));

  const std::optional<Document> document = store().Get("uploads/u1");
  ASSERT_TRUE(document.has_value());
  EXPECT_EQ(document->data.size(), data.size());
  EXPECT_EQ(document->data, data);
}

TEST_P(DocumentStoreContract, SetWithoutDataStoresEmptyData) {
  ASSERT_TRUE(store().Set("users/u1", {{"name", "x"}}));

  const std::optional<Document> document = store().Get("users/u1");
  ASSERT_TRUE(document.has_value());
  EXPECT_TRUE(document->data.empty());
}

TEST_P(DocumentStoreContract, SetKeepsFieldTypes) {
  const boost::json::object fields{
      {"text", "quote \" backslash \\ newline \n tab \t \xc3\xbc \xe2\x82\xac"},
      {"negative", -9'007'199'254'740'993},
      {"max_int64", std::numeric_limits<int64_t>::max()},
      {"ratio", 0.1},
      {"flag", true},
      {"off", false},
      {"nothing", nullptr},
      {"list", boost::json::array{1, "two", 3.5, false}},
      {"nested", boost::json::object{{"inner", boost::json::object{{"deep", "yes"}}}}},
      {"empty_object", boost::json::object{}},
      {"empty_list", boost::json::array{}},
  };
  ASSERT_TRUE(store().Set("users/u1", fields));

  const std::optional<Document> document = store().Get("users/u1");
  ASSERT_TRUE(document.has_value());
  EXPECT_EQ(document->fields, fields);
}

TEST_P(DocumentStoreContract, SetReplacesDocument) {
  ASSERT_TRUE(store().Set("users/u1", {{"old", 1}, {"kept", "no"}}, "old data"));
  ASSERT_TRUE(store().Set("users/u1", {{"new", 2}}, "new data"));

  const std::optional<Document> document = store().Get("users/u1");
  ASSERT_TRUE(document.has_value());
  EXPECT_EQ(document->fields, (boost::json::object{{"new", 2}}));
  EXPECT_EQ(document->data, "new data");
}

TEST_P(DocumentStoreContract, SetWithoutDataClearsData) {
  ASSERT_TRUE(store().Set("users/u1", {}, "old data"));
  ASSERT_TRUE(store().Set("users/u1", {{"a", 1}}));

  const std::optional<Document> document = store().Get("users/u1");
  ASSERT_TRUE(document.has_value());
  EXPECT_TRUE(document->data.empty());
}

TEST_P(DocumentStoreContract, UpdateMergesFields) {
  ASSERT_TRUE(store().Set("users/u1", {{"a", 1}, {"b", 2}}, "data"));
  ASSERT_TRUE(store().Update("users/u1", {{"b", 3}, {"c", 4}}));

  const std::optional<Document> document = store().Get("users/u1");
  ASSERT_TRUE(document.has_value());
  EXPECT_EQ(document->fields, (boost::json::object{{"a", 1}, {"b", 3}, {"c", 4}}));
  EXPECT_EQ(document->data, "data");
}

TEST_P(DocumentStoreContract, UpdateReplacesNestedObject) {
  ASSERT_TRUE(store().Set("users/u1", {{"profile", boost::json::object{{"a", 1}, {"b", 2}}}}));
  ASSERT_TRUE(store().Update("users/u1", {{"profile", boost::json::object{{"c", 3}}}}));

  const std::optional<Document> document = store().Get("users/u1");
  ASSERT_TRUE(document.has_value());
  EXPECT_EQ(document->fields, (boost::json::object{{"profile", boost::json::object{{"c", 3}}}}));
}

TEST_P(DocumentStoreContract, UpdateStoresNull) {
  ASSERT_TRUE(store().Set("users/u1", {{"a", 1}, {"b", 2}}));
  ASSERT_TRUE(store().Update("users/u1", {{"a", nullptr}}));

  const std::optional<Document> document = store().Get("users/u1");
  ASSERT_TRUE(document.has_value());
  EXPECT_EQ(document->fields, (boost::json::object{{"a", nullptr}, {"b", 2}}));
}

TEST_P(DocumentStoreContract, UpdateMissingReturnsFalse) {
  EXPECT_FALSE(store().Update("users/nobody", {{"a", 1}}));
  EXPECT_FALSE(store().Get("users/nobody").has_value());
}

TEST_P(DocumentStoreContract, DeleteRemovesDocument) {
  ASSERT_TRUE(store().Set("users/u1", {{"a", 1}}, "data"));

  EXPECT_TRUE(store().Delete("users/u1"));
  EXPECT_FALSE(store().Get("users/u1").has_value());
}

TEST_P(DocumentStoreContract, DeleteMissingSucceeds) {
  EXPECT_TRUE(store().Delete("users/nobody"));
}

TEST_P(DocumentStoreContract, DeleteKeepsSubcollections) {
  ASSERT_TRUE(store().Set("users/u1", {{"a", 1}}));
  ASSERT_TRUE(store().Set("users/u1/sessions/s1", {{"b", 2}}));

  ASSERT_TRUE(store().Delete("users/u1"));

  EXPECT_FALSE(store().Get("users/u1").has_value());
  EXPECT_TRUE(store().Get("users/u1/sessions/s1").has_value());
  EXPECT_EQ(IdsOf(store().List("users/u1/sessions")), Ids{"s1"});
}

TEST_P(DocumentStoreContract, DeleteRemovesOnlyThatDocument) {
  ASSERT_TRUE(store().Set("users/u1", {}));
  ASSERT_TRUE(store().Set("users/u10", {}));
  ASSERT_TRUE(store().Set("groups/u1", {}));

  ASSERT_TRUE(store().Delete("users/u1"));

  EXPECT_TRUE(store().Get("users/u10").has_value());
  EXPECT_TRUE(store().Get("groups/u1").has_value());
}

TEST_P(DocumentStoreContract, PingSucceeds) { EXPECT_NO_THROW(store().Ping()); }

// ---------------------------------------------------------------------------------------------
// Preconditions and update times

TEST_P(DocumentStoreContract, SetNotExistsCreatesOnce) {
  EXPECT_TRUE(store().Set("users/u1", {{"v", 1}}, "first", Precondition::NotExists()));
  EXPECT_FALSE(store().Set("users/u1", {{"v", 2}}, "second", Precondition::NotExists()));

  const std::optional<Document> document = store().Get("users/u1");
  ASSERT_TRUE(document.has_value());
  EXPECT_EQ(document->fields, (boost::json::object{{"v", 1}}));
  EXPECT_EQ(document->data, "first");
}

TEST_P(DocumentStoreContract, SetExistsNeedsDocument) {
  EXPECT_FALSE(store().Set("users/u1", {{"v", 1}}, {}, Precondition::Exists()));
  EXPECT_FALSE(store().Get("users/u1").has_value());

  ASSERT_TRUE(store().Set("users/u1", {{"v", 1}}));
  EXPECT_TRUE(store().Set("users/u1", {{"v", 2}}, {}, Precondition::Exists()));

  const std::optional<Document> document = store().Get("users/u1");
  ASSERT_TRUE(document.has_value());
  EXPECT_EQ(document->fields, (boost::json::object{{"v", 2}}));
}

TEST_P(DocumentStoreContract, SetUpdateTimeIsMatch) {
  ASSERT_TRUE(store().Set("users/u1", {{"v", 1}}));
  const std::optional<Document> before = store().Get("users/u1");
  ASSERT_TRUE(before.has_value());

  EXPECT_TRUE(
      store().Set("users/u1", {{"v", 2}}, {}, Precondition::UpdateTimeIs(before->update_time)));

  const std::optional<Document> after = store().Get("users/u1");
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->fields, (boost::json::object{{"v", 2}}));
}

TEST_P(DocumentStoreContract, SetUpdateTimeIsMismatch) {
  ASSERT_TRUE(store().Set("users/u1", {{"v", 1}}, "first"));
  const std::optional<Document> stale = store().Get("users/u1");
  ASSERT_TRUE(stale.has_value());
  ASSERT_TRUE(store().Set("users/u1", {{"v", 2}}, "second"));
  const std::optional<Document> current = store().Get("users/u1");
  ASSERT_TRUE(current.has_value());

  EXPECT_FALSE(
      store().Set("users/u1", {{"v", 3}}, "third", Precondition::UpdateTimeIs(stale->update_time)));
  EXPECT_FALSE(store().Set("users/u1", {{"v", 3}}, "third", Precondition::UpdateTimeIs("bogus")));
  EXPECT_FALSE(store().Set("users/u1", {{"v", 3}}, "third", Precondition::UpdateTimeIs("")));

  const std::optional<Document> after = store().Get("users/u1");
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->fields, (boost::json::object{{"v", 2}}));
  EXPECT_EQ(after->data, "second");
  EXPECT_EQ(after->update_time, current->update_time);
}

TEST_P(DocumentStoreContract, SetUpdateTimeIsMissing) {
  ASSERT_TRUE(store().Set("users/u1", {{"v", 1}}));
  const std::optional<Document> deleted = store().Get("users/u1");
  ASSERT_TRUE(deleted.has_value());
  ASSERT_TRUE(store().Delete("users/u1"));

  EXPECT_FALSE(
      store().Set("users/u1", {{"v", 2}}, {}, Precondition::UpdateTimeIs(deleted->update_time)));
  EXPECT_FALSE(store().Get("users/u1").has_value());
}

TEST_P(DocumentStoreContract, UpdateUpdateTimeIsMatch) {
  ASSERT_TRUE(store().Set("users/u1", {{"v", 1}}));
  const std::optional<Document> before = store().Get("users/u1");
  ASSERT_TRUE(before.has_value());

  EXPECT_TRUE(
      store().Update("users/u1", {{"v", 2}}, Precondition::UpdateTimeIs(before->update_time)));

  const std::optional<Document> after = store().Get("users/u1");
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->fields, (boost::json::object{{"v", 2}}));
}

TEST_P(DocumentStoreContract, UpdateUpdateTimeIsMismatch) {
  ASSERT_TRUE(store().Set("users/u1", {{"v", 1}}));
  const std::optional<Document> stale = store().Get("users/u1");
  ASSERT_TRUE(stale.has_value());
  ASSERT_TRUE(store().Update("users/u1", {{"v", 2}}));
  const std::optional<Document> current = store().Get("users/u1");
  ASSERT_TRUE(current.has_value());

  EXPECT_FALSE(
      store().Update("users/u1", {{"v", 3}}, Precondition::UpdateTimeIs(stale->update_time)));

  const std::optional<Document> after = store().Get("users/u1");
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->fields, (boost::json::object{{"v", 2}}));
  EXPECT_EQ(after->update_time, current->update_time);
}

TEST_P(DocumentStoreContract, DeleteExistsNeedsDocument) {
  EXPECT_FALSE(store().Delete("users/nobody", Precondition::Exists()));

  ASSERT_TRUE(store().Set("users/u1", {}));
  EXPECT_TRUE(store().Delete("users/u1", Precondition::Exists()));
  EXPECT_FALSE(store().Get("users/u1").has_value());
}

TEST_P(DocumentStoreContract, DeleteUpdateTimeIsMismatch) {
  ASSERT_TRUE(store().Set("users/u1", {{"v", 1}}));
  const std::optional<Document> stale = store().Get("users/u1");
  ASSERT_TRUE(stale.has_value());
  ASSERT_TRUE(store().Set("users/u1", {{"v", 2}}));

  EXPECT_FALSE(store().Delete("users/u1", Precondition::UpdateTimeIs(stale->update_time)));

  const std::optional<Document> after = store().Get("users/u1");
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->fields, (boost::json::object{{"v", 2}}));
}

TEST_P(DocumentStoreContract, DeleteUpdateTimeIsMatch) {
  ASSERT_TRUE(store().Set("users/u1", {{"v", 1}}));
  const std::optional<Document> current = store().Get("users/u1");
  ASSERT_TRUE(current.has_value());

  EXPECT_TRUE(store().Delete("users/u1", Precondition::UpdateTimeIs(current->update_time)));
  EXPECT_FALSE(store().Get("users/u1").has_value());
}

TEST_P(DocumentStoreContract, UpdateTimeChangesOnEveryWrite) {
  std::vector<std::string> update_times;
  const auto record_update_time = [&] {
    const std::optional<Document> document = store().Get("users/u1");
    ASSERT_TRUE(document.has_value());
    ASSERT_FALSE(document->update_time.empty());
    update_times.push_back(document->update_time);
  };

  ASSERT_TRUE(store().Set("users/u1", {{"v", 1}}));
  record_update_time();
  ASSERT_TRUE(store().Set("users/u1", {{"v", 1}}));  // Same content, new revision.
  record_update_time();
  ASSERT_TRUE(store().Update("users/u1", {{"v", 2}}));
  record_update_time();
  ASSERT_TRUE(store().Update("users/u1", {}));
  record_update_time();
  ASSERT_TRUE(store().Delete("users/u1"));
  ASSERT_TRUE(store().Set("users/u1", {{"v", 1}}));
  record_update_time();
  WriteBatch batch;
  batch.Update("users/u1", {{"v", 3}});
  ASSERT_TRUE(store().Commit(batch));
  record_update_time();

  const std::set<std::string> distinct(update_times.begin(), update_times.end());
  EXPECT_EQ(distinct.size(), update_times.size());
}

TEST_P(DocumentStoreContract, ReadsReturnSameUpdateTime) {
  ASSERT_TRUE(store().Set("users/u1", {{"status", "open"}}));
  const std::optional<Document> got = store().Get("users/u1");
  ASSERT_TRUE(got.has_value());

  const std::vector<Document> listed = store().List("users");
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].update_time, got->update_time);

  const std::vector<Document> queried = store().Query("users", "status", "open");
  ASSERT_EQ(queried.size(), 1u);
  EXPECT_EQ(queried[0].update_time, got->update_time);
}

TEST_P(DocumentStoreContract, ConcurrentUpdatesCountExactly) {
  constexpr int kThreads = 8;
  constexpr int kIncrementsPerThread = 25;
  ASSERT_TRUE(store().Set("counters/c1", {{"count", 0}}));

  // Each increment reads the counter and writes count + 1 only if no other thread wrote it in
  // between, retrying otherwise. A lost update would leave the count short.
  std::atomic<bool> document_missing = false;
  const auto increment = [&] {
    for (int i = 0; i < kIncrementsPerThread; ++i) {
      while (true) {
        const std::optional<Document> counter = store().Get("counters/c1");
        if (!counter.has_value()) {
          document_missing = true;
          return;
        }
        const int64_t count = counter->fields.at("count").as_int64();
        if (store().Update("counters/c1", {{"count", count + 1}},
                           Precondition::UpdateTimeIs(counter->update_time))) {
          break;
        }
      }
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back(increment);
  }
  for (std::thread& thread : threads) {
    thread.join();
  }

  ASSERT_FALSE(document_missing);
  const std::optional<Document> counter = store().Get("counters/c1");
  ASSERT_TRUE(counter.has_value());
  EXPECT_EQ(counter->fields.at("count").as_int64(), kThreads * kIncrementsPerThread);
}

// ---------------------------------------------------------------------------------------------
// List

TEST_P(DocumentStoreContract, ListDirectChildrenOnly) {
  ASSERT_TRUE(store().Set("users/a", {}));
  ASSERT_TRUE(store().Set("users/b", {}));
  ASSERT_TRUE(store().Set("users/a/sessions/s1", {}));
  ASSERT_TRUE(store().Set("users/a/sessions/s1/events/e1", {}));
  ASSERT_TRUE(store().Set("usersx/c", {}));
  ASSERT_TRUE(store().Set("groups/users", {}));

  EXPECT_EQ(IdsOf(store().List("users")), (Ids{"a", "b"}));
  EXPECT_EQ(IdsOf(store().List("users/a/sessions")), Ids{"s1"});
  EXPECT_EQ(IdsOf(store().List("users/a/sessions/s1/events")), Ids{"e1"});
}

TEST_P(DocumentStoreContract, ListOrdersById) {
  for (const char* id : {"c", "a", "b10", "b", "aa", "B"}) {
    ASSERT_TRUE(store().Set(std::string("items/") + id, {}));
  }

  EXPECT_EQ(IdsOf(store().List("items")), (Ids{"B", "a", "aa", "b", "b10", "c"}));
}

TEST_P(DocumentStoreContract, ListHonorsLimit) {
  for (const char* id : {"d", "c", "b", "a"}) {
    ASSERT_TRUE(store().Set(std::string("items/") + id, {}));
  }

  EXPECT_EQ(IdsOf(store().List("items", {.limit = 2, .start_after = ""})), (Ids{"a", "b"}));
  EXPECT_EQ(IdsOf(store().List("items", {.limit = 10, .start_after = ""})),
            (Ids{"a", "b", "c", "d"}));
}

TEST_P(DocumentStoreContract, ListStartsAfterId) {
  for (const char* id : {"a", "b", "c", "d"}) {
    ASSERT_TRUE(store().Set(std::string("items/") + id, {}));
  }

  EXPECT_EQ(IdsOf(store().List("items", {.limit = 0, .start_after = "b"})), (Ids{"c", "d"}));
  EXPECT_EQ(IdsOf(store().List("items", {.limit = 0, .start_after = "bb"})), (Ids{"c", "d"}));
  EXPECT_EQ(IdsOf(store().List("items", {.limit = 0, .start_after = "d"})), Ids{});
  EXPECT_EQ(IdsOf(store().List("items", {.limit = 1, .start_after = "a"})), Ids{"b"});
}

TEST_P(DocumentStoreContract, ListPagesThroughCollection) {
  for (int i = 0; i < 7; ++i) {
    ASSERT_TRUE(store().Set("items/" + std::to_string(i), {}));
  }

  Ids seen;
  ListOptions options{.limit = 3, .start_after = ""};
  while (true) {
    const std::vector<Document> page = store().List("items", options);
    if (page.empty()) {
      break;
    }
    ASSERT_LE(page.size(), 3u);
    for (const Document& document : page) {
      seen.emplace_back(document.Id());
    }
    options.start_after = std::string(page.back().Id());
  }

  EXPECT_EQ(seen, (Ids{"0", "1", "2", "3", "4", "5", "6"}));
}

TEST_P(DocumentStoreContract, ListEmptyCollection) { EXPECT_TRUE(store().List("nothing").empty()); }

TEST_P(DocumentStoreContract, ListReturnsFullDocuments) {
  const std::string data = AllByteValues();
  ASSERT_TRUE(store().Set("users/u1", {{"name", "Ada"}}, data));

  const std::vector<Document> documents = store().List("users");
  ASSERT_EQ(documents.size(), 1u);
  EXPECT_EQ(documents[0].path, "users/u1");
  EXPECT_EQ(documents[0].fields, (boost::json::object{{"name", "Ada"}}));
  EXPECT_EQ(documents[0].data, data);
  EXPECT_FALSE(documents[0].update_time.empty());
}

// ---------------------------------------------------------------------------------------------
// Query

TEST_P(DocumentStoreContract, QueryByString) {
  ASSERT_TRUE(store().Set("jobs/a", {{"status", "done"}}));
  ASSERT_TRUE(store().Set("jobs/b", {{"status", "open"}}));
  ASSERT_TRUE(store().Set("jobs/c", {{"status", "done"}}));
  ASSERT_TRUE(store().Set("jobs/d", {{"other", "done"}}));
  ASSERT_TRUE(store().Set("jobs/e", {{"status", "Done"}}));

  EXPECT_EQ(IdsOf(store().Query("jobs", "status", "done")), (Ids{"a", "c"}));
}

TEST_P(DocumentStoreContract, QueryByStringWithEscapes) {
  const std::string tricky = "quote \" backslash \\ newline \n \xc3\xbc";
  ASSERT_TRUE(store().Set("jobs/a", {{"title", tricky}}));
  ASSERT_TRUE(store().Set("jobs/b", {{"title", "plain"}}));

  EXPECT_EQ(IdsOf(store().Query("jobs", "title", boost::json::value(tricky))), Ids{"a"});
}

TEST_P(DocumentStoreContract, QueryByInteger) {
  ASSERT_TRUE(store().Set("jobs/a", {{"attempts", 1}}));
  ASSERT_TRUE(store().Set("jobs/b", {{"attempts", 2}}));
  ASSERT_TRUE(store().Set("jobs/c", {{"attempts", 1}}));
  ASSERT_TRUE(store().Set("jobs/d", {{"attempts", -1}}));

  EXPECT_EQ(IdsOf(store().Query("jobs", "attempts", 1)), (Ids{"a", "c"}));
  EXPECT_EQ(IdsOf(store().Query("jobs", "attempts", -1)), Ids{"d"});
}

TEST_P(DocumentStoreContract, QueryByDouble) {
  ASSERT_TRUE(store().Set("jobs/a", {{"score", 2.5}}));
  ASSERT_TRUE(store().Set("jobs/b", {{"score", 2}}));
  ASSERT_TRUE(store().Set("jobs/c", {{"score", 3.5}}));

  EXPECT_EQ(IdsOf(store().Query("jobs", "score", 2.5)), Ids{"a"});
}

TEST_P(DocumentStoreContract, QueryByBool) {
  ASSERT_TRUE(store().Set("jobs/a", {{"done", true}}));
  ASSERT_TRUE(store().Set("jobs/b", {{"done", false}}));
  ASSERT_TRUE(store().Set("jobs/c", {{"done", 1}}));
  ASSERT_TRUE(store().Set("jobs/d", {{"done", 0}}));
  ASSERT_TRUE(store().Set("jobs/e", {{"done", "true"}}));
  ASSERT_TRUE(store().Set("jobs/f", {}));

  EXPECT_EQ(IdsOf(store().Query("jobs", "done", true)), Ids{"a"});
  EXPECT_EQ(IdsOf(store().Query("jobs", "done", false)), Ids{"b"});
}

TEST_P(DocumentStoreContract, QueryByNull) {
  ASSERT_TRUE(store().Set("jobs/a", {{"owner", nullptr}}));
  ASSERT_TRUE(store().Set("jobs/b", {{"owner", "ada"}}));
  ASSERT_TRUE(store().Set("jobs/c", {}));
  ASSERT_TRUE(store().Set("jobs/d", {{"owner", 0}}));
  ASSERT_TRUE(store().Set("jobs/e", {{"owner", false}}));

  EXPECT_EQ(IdsOf(store().Query("jobs", "owner", nullptr)), Ids{"a"});
}

TEST_P(DocumentStoreContract, QueryStringDoesNotMatchInteger) {
  ASSERT_TRUE(store().Set("jobs/text", {{"n", "1"}}));
  ASSERT_TRUE(store().Set("jobs/number", {{"n", 1}}));
  ASSERT_TRUE(store().Set("jobs/flag", {{"n", true}}));

  EXPECT_EQ(IdsOf(store().Query("jobs", "n", 1)), Ids{"number"});
  EXPECT_EQ(IdsOf(store().Query("jobs", "n", "1")), Ids{"text"});
}

TEST_P(DocumentStoreContract, QueryNoMatch) {
  ASSERT_TRUE(store().Set("jobs/a", {{"status", "open"}}));

  EXPECT_TRUE(store().Query("jobs", "status", "done").empty());
  EXPECT_TRUE(store().Query("jobs", "missing", "open").empty());
  EXPECT_TRUE(store().Query("empty", "status", "open").empty());
}

TEST_P(DocumentStoreContract, QueryTopLevelFieldOnly) {
  ASSERT_TRUE(store().Set("users/a", {{"address", boost::json::object{{"city", "Oslo"}}}}));
  ASSERT_TRUE(store().Set("users/b", {{"city", "Oslo"}}));

  EXPECT_EQ(IdsOf(store().Query("users", "city", "Oslo")), Ids{"b"});
}

TEST_P(DocumentStoreContract, QueryDirectChildrenOnly) {
  ASSERT_TRUE(store().Set("jobs/a", {{"status", "done"}}));
  ASSERT_TRUE(store().Set("jobs/a/steps/s1", {{"status", "done"}}));
  ASSERT_TRUE(store().Set("jobsx/b", {{"status", "done"}}));

  EXPECT_EQ(IdsOf(store().Query("jobs", "status", "done")), Ids{"a"});
  EXPECT_EQ(IdsOf(store().Query("jobs/a/steps", "status", "done")), Ids{"s1"});
}

TEST_P(DocumentStoreContract, QueryHonorsListOptions) {
  for (const char* id : {"e", "d", "c", "b", "a"}) {
    ASSERT_TRUE(store().Set(std::string("jobs/") + id, {{"status", "done"}}));
  }
  ASSERT_TRUE(store().Set("jobs/bb", {{"status", "open"}}));

  EXPECT_EQ(IdsOf(store().Query("jobs", "status", "done", {.limit = 2, .start_after = ""})),
            (Ids{"a", "b"}));
  EXPECT_EQ(IdsOf(store().Query("jobs", "status", "done", {.limit = 2, .start_after = "b"})),
            (Ids{"c", "d"}));
}

TEST_P(DocumentStoreContract, QueryInvalidFieldThrows) {
  for (const char* field : {"", "a.b", "a\"b", ".", "\""}) {
    SCOPED_TRACE(field);
    EXPECT_THROW(store().Query("jobs", field, "x"), std::invalid_argument);
  }
}

// ---------------------------------------------------------------------------------------------
// Commit

TEST_P(DocumentStoreContract, CommitAppliesAllWrites) {
  ASSERT_TRUE(store().Set("users/updated", {{"a", 1}}, "kept"));
  ASSERT_TRUE(store().Set("users/deleted", {{"a", 1}}));

  WriteBatch batch;
  batch.Set("users/created", {{"b", 2}}, "new data", Precondition::NotExists())
      .Update("users/updated", {{"c", 3}}, Precondition::Exists())
      .Delete("users/deleted", Precondition::Exists());
  ASSERT_EQ(batch.size(), 3u);
  EXPECT_TRUE(store().Commit(batch));

  const std::optional<Document> created = store().Get("users/created");
  ASSERT_TRUE(created.has_value());
  EXPECT_EQ(created->fields, (boost::json::object{{"b", 2}}));
  EXPECT_EQ(created->data, "new data");
  const std::optional<Document> updated = store().Get("users/updated");
  ASSERT_TRUE(updated.has_value());
  EXPECT_EQ(updated->fields, (boost::json::object{{"a", 1}, {"c", 3}}));
  EXPECT_EQ(updated->data, "kept");
  EXPECT_FALSE(store().Get("users/deleted").has_value());
}

TEST_P(DocumentStoreContract, CommitFailedPreconditionWritesNothing) {
  ASSERT_TRUE(store().Set("users/updated", {{"a", 1}}));
  ASSERT_TRUE(store().Set("users/deleted", {{"a", 1}}));
  ASSERT_TRUE(store().Set("users/guard", {{"a", 1}}));
  const std::optional<Document> updated_before = store().Get("users/updated");
  ASSERT_TRUE(updated_before.has_value());

  // The failing write comes last, so the backend must discard the writes before it.
  WriteBatch batch;
  batch.Set("users/created", {{"b", 2}})
      .Update("users/updated", {{"c", 3}})
      .Delete("users/deleted")
      .Set("users/guard", {{"b", 2}}, {}, Precondition::NotExists());
  EXPECT_FALSE(store().Commit(batch));

  EXPECT_FALSE(store().Get("users/created").has_value());
  const std::optional<Document> updated = store().Get("users/updated");
  ASSERT_TRUE(updated.has_value());
  EXPECT_EQ(updated->fields, (boost::json::object{{"a", 1}}));
  EXPECT_EQ(updated->update_time, updated_before->update_time);
  EXPECT_TRUE(store().Get("users/deleted").has_value());
  const std::optional<Document> guard = store().Get("users/guard");
  ASSERT_TRUE(guard.has_value());
  EXPECT_EQ(guard->fields, (boost::json::object{{"a", 1}}));
}

TEST_P(DocumentStoreContract, CommitStaleUpdateTimeWritesNothing) {
  ASSERT_TRUE(store().Set("users/u1", {{"v", 1}}));
  const std::optional<Document> stale = store().Get("users/u1");
  ASSERT_TRUE(stale.has_value());
  ASSERT_TRUE(store().Set("users/u1", {{"v", 2}}));

  WriteBatch batch;
  batch.Set("users/created", {{"b", 2}})
      .Update("users/u1", {{"v", 3}}, Precondition::UpdateTimeIs(stale->update_time));
  EXPECT_FALSE(store().Commit(batch));

  EXPECT_FALSE(store().Get("users/created").has_value());
  const std::optional<Document> current = store().Get("users/u1");
  ASSERT_TRUE(current.has_value());
  EXPECT_EQ(current->fields, (boost::json::object{{"v", 2}}));
}

TEST_P(DocumentStoreContract, CommitUpdateMissingFails) {
  WriteBatch batch;
  batch.Set("users/created", {{"b", 2}}).Update("users/nobody", {{"a", 1}});
  EXPECT_FALSE(store().Commit(batch));

  EXPECT_FALSE(store().Get("users/created").has_value());
  EXPECT_FALSE(store().Get("users/nobody").has_value());
}

TEST_P(DocumentStoreContract, CommitEmptyBatchSucceeds) {
  const WriteBatch batch;
  ASSERT_TRUE(batch.empty());
  EXPECT_TRUE(store().Commit(batch));
}

TEST_P(DocumentStoreContract, CommitMaxWritesSucceeds) {
  WriteBatch batch;
  for (size_t i = 0; i < DocumentStore::kMaxBatchWrites; ++i) {
    batch.Set("items/" + std::to_string(i), {{"i", i}});
  }
  EXPECT_TRUE(store().Commit(batch));

  EXPECT_EQ(store().List("items").size(), DocumentStore::kMaxBatchWrites);
}

TEST_P(DocumentStoreContract, CommitOverMaxWritesThrows) {
  WriteBatch batch;
  for (size_t i = 0; i < DocumentStore::kMaxBatchWrites + 1; ++i) {
    batch.Set("items/" + std::to_string(i), {{"i", i}});
  }
  EXPECT_THROW(store().Commit(batch), std::invalid_argument);

  EXPECT_TRUE(store().List("items").empty());
}

TEST_P(DocumentStoreContract, CommitInGroupsWritesLargeBatch) {
  const size_t count = 2 * DocumentStore::kMaxBatchWrites + 1;
  WriteBatch batch;
  for (size_t i = 0; i < count; ++i) {
    batch.Set(fmt::format("items/{:04d}", i), {{"i", i}});
  }
  EXPECT_TRUE(store().CommitInGroups(batch));

  const std::vector<Document> items = store().List("items");
  ASSERT_EQ(items.size(), count);
  EXPECT_EQ(items.back().fields.at("i").to_number<size_t>(), count - 1);
}

TEST_P(DocumentStoreContract, CommitInGroupsStopsAtFailedPrecondition) {
  ASSERT_TRUE(store().Set("items/taken", {}));
  WriteBatch batch;
  batch.Set("items/first", {});
  batch.Set("items/taken", {}, {}, Precondition::NotExists());
  EXPECT_FALSE(store().CommitInGroups(batch));

  EXPECT_FALSE(store().Get("items/first").has_value());
}

TEST_P(DocumentStoreContract, SetMaxDataSucceeds) {
  const std::string data(DocumentStore::kMaxDataBytes, 'x');
  ASSERT_TRUE(store().Set("uploads/u1", {}, data));

  const std::optional<Document> document = store().Get("uploads/u1");
  ASSERT_TRUE(document.has_value());
  EXPECT_EQ(document->data.size(), DocumentStore::kMaxDataBytes);
}

TEST_P(DocumentStoreContract, SetOverMaxDataThrows) {
  const std::string data(DocumentStore::kMaxDataBytes + 1, 'x');
  EXPECT_THROW(store().Set("uploads/u1", {}, data), std::invalid_argument);

  EXPECT_FALSE(store().Get("uploads/u1").has_value());
}

TEST_P(DocumentStoreContract, CommitOverMaxDataThrows) {
  WriteBatch batch;
  batch.Set("uploads/small", {}, "x")
      .Set("uploads/large", {}, std::string(DocumentStore::kMaxDataBytes + 1, 'x'));
  EXPECT_THROW(store().Commit(batch), std::invalid_argument);

  EXPECT_FALSE(store().Get("uploads/small").has_value());
  EXPECT_FALSE(store().Get("uploads/large").has_value());
}

// ---------------------------------------------------------------------------------------------
// Path validation

TEST_P(DocumentStoreContract, InvalidDocumentPathsThrow) {
  for (const char* path : {"", "/", "users", "users/", "/users/u1", "users//u1", "users/u1/",
                           "users/u1/sessions", "//", "users/.", "users/.."}) {
    SCOPED_TRACE(path);
    EXPECT_THROW(store().Get(path), std::invalid_argument);
    EXPECT_THROW(store().Set(path, {}), std::invalid_argument);
    EXPECT_THROW(store().Update(path, {}), std::invalid_argument);
    EXPECT_THROW(store().Delete(path), std::invalid_argument);

    WriteBatch batch;
    batch.Set("users/valid", {}).Delete(path);
    EXPECT_THROW(store().Commit(batch), std::invalid_argument);
  }

  EXPECT_FALSE(store().Get("users/valid").has_value());
}

TEST_P(DocumentStoreContract, InvalidCollectionPathsThrow) {
  for (const char* collection :
       {"", "/", "users/u1", "/users", "users/", "users//sessions", "users/u1/sessions/s1", ".."}) {
    SCOPED_TRACE(collection);
    EXPECT_THROW(store().List(collection), std::invalid_argument);
    EXPECT_THROW(store().Query(collection, "status", "done"), std::invalid_argument);
  }
}

}  // namespace
}  // namespace talegraph::store
