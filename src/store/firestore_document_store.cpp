#include "store/firestore_document_store.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/json/serialize.hpp>
#include <stdexcept>
#include <utility>

#include "store/document_validation.h"
#include "store/firestore_value.h"
#include "store/store_error.h"
#include "util/ids.h"

namespace talegraph::store {

namespace {

namespace json = boost::json;

// Firestore's document name size adds 16 bytes to its ids, and a document's size adds 32
// bytes to its name and fields.
constexpr size_t kDocumentNameOverhead = 16;
constexpr size_t kDocumentOverhead = 32;

// Document that Ping reads. It need not exist: a missing document still proves that the
// database responds and accepts the credentials.
constexpr std::string_view kPingPath = "talegraph/ping";

// Throws std::invalid_argument for an id that Firestore rejects: over kMaxIdBytes bytes,
// or of the reserved form __.*__. ValidatePath has already rejected '/', "." and "..".
void ValidateFirestoreIds(std::string_view path) {
  size_t start = 0;
  while (start <= path.size()) {
    const size_t slash = std::min(path.find('/', start), path.size());
    const std::string_view id = path.substr(start, slash - start);
    if (id.size() > FirestoreDocumentStore::kMaxIdBytes) {
      throw std::invalid_argument(fmt::format(
          "invalid path \"{}...\": an id is {} bytes, over Firestore's maximum of {} bytes",
          path.substr(0, 64), id.size(), FirestoreDocumentStore::kMaxIdBytes));
    }
    if (id.size() >= 4 && id.starts_with("__") && id.ends_with("__")) {
      throw std::invalid_argument(fmt::format(
          "invalid path \"{}\": Firestore reserves ids of the form __.*__ such as \"{}\"", path,
          id));
    }
    start = slash + 1;
  }
}

void ValidateDocumentPath(std::string_view path) {
  ValidatePath(path, PathKind::kDocument);
  ValidateFirestoreIds(path);
}

void ValidateCollectionPath(std::string_view collection) {
  ValidatePath(collection, PathKind::kCollection);
  ValidateFirestoreIds(collection);
}

bool IsReservedField(std::string_view field) {
  return field == FirestoreDocumentStore::kDataField ||
         field == FirestoreDocumentStore::kRevisionField;
}

void ValidateFields(std::string_view path, const json::object& fields) {
  for (const auto& field : fields) {
    if (IsReservedField(field.key())) {
      throw std::invalid_argument(fmt::format(
          "field \"{}\" of \"{}\" is reserved: the Firestore store keeps the binary payload in "
          "\"{}\" and a write marker in \"{}\"; rename the field",
          std::string_view(field.key()), path, FirestoreDocumentStore::kDataField,
          FirestoreDocumentStore::kRevisionField));
    }
  }
}

// Firestore's storage size of a document: its name (each id as a string, plus 16), its
// fields' names and values, and 32 bytes.
size_t DocumentStorageSize(std::string_view path, const json::object& fields, std::string_view data,
                           std::string_view revision) {
  size_t size = kDocumentNameOverhead + kDocumentOverhead;
  size_t start = 0;
  while (start <= path.size()) {
    const size_t slash = std::min(path.find('/', start), path.size());
    size += slash - start + 1;
    start = slash + 1;
  }
  for (const auto& [name, value] : fields) {
    size += firestore::StorageSizeOf(std::string_view(name)) + firestore::StorageSizeOf(value);
  }
  if (!data.empty()) {
    size += firestore::StorageSizeOf(FirestoreDocumentStore::kDataField) + data.size();
  }
  size += firestore::StorageSizeOf(FirestoreDocumentStore::kRevisionField) +
          firestore::StorageSizeOf(revision);
  return size;
}

// Whether `token` has the form of a Firestore updateTime, such as
// 2026-12-04T00:14:19.818502Z. Firestore rejects a malformed updateTime precondition as an
// invalid argument, but the contract treats it as one that fails.
bool IsTimestampToken(std::string_view token) {
  if (token.size() < 20 || token.size() > 30 || !token.ends_with('Z')) {
    return false;
  }
  constexpr std::string_view kPattern = "dddd-dd-ddTdd:dd:dd";
  for (size_t i = 0; i < kPattern.size(); ++i) {
    const bool digit = token[i] >= '0' && token[i] <= '9';
    if (kPattern[i] == 'd' ? !digit : token[i] != kPattern[i]) {
      return false;
    }
  }
  const std::string_view fraction = token.substr(19, token.size() - 20);
  if (fraction.empty()) {
    return true;
  }
  return fraction.size() >= 2 && fraction[0] == '.' &&
         fraction.find_first_not_of("0123456789", 1) == std::string_view::npos;
}

// Returns the currentDocument precondition of a write, {} for none, or nullopt when the
// precondition cannot hold.
std::optional<json::object> EncodePrecondition(const Precondition& precondition) {
  switch (precondition.kind) {
    case Precondition::Kind::kNone:
      return json::object();
    case Precondition::Kind::kExists:
      return json::object{{"exists", true}};
    case Precondition::Kind::kNotExists:
      return json::object{{"exists", false}};
    case Precondition::Kind::kUpdateTimeIs:
      if (!IsTimestampToken(precondition.update_time)) {
        return std::nullopt;
      }
      return json::object{{"updateTime", precondition.update_time}};
  }
  return std::nullopt;
}

// Percent-encodes each id of a resource name for a URL path, keeping '/' between ids and
// the parentheses of "(default)".
std::string UrlPathOf(std::string_view name) {
  std::string encoded;
  for (const char c : name) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '.' || c == '_' || c == '~' || c == '/' || c == '(' ||
                       c == ')';
    if (plain) {
      encoded.push_back(c);
    } else {
      encoded += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    }
  }
  return encoded;
}

std::string_view IdOf(std::string_view path) { return path.substr(path.rfind('/') + 1); }

[[noreturn]] void ThrowUnexpected(const FirestoreResponse& response, std::string_view label) {
  throw StoreError(fmt::format("Firestore {} failed with status {} {}: {}", label, response.status,
                               response.error_status, response.error_message));
}

// Whether an error response to a commit means that a precondition did not hold: a document
// exists that must not (ALREADY_EXISTS), is missing (NOT_FOUND), or changed
// (FAILED_PRECONDITION).
bool IsPreconditionFailure(const FirestoreResponse& response) {
  return response.error_status == "ALREADY_EXISTS" || response.error_status == "NOT_FOUND" ||
         response.error_status == "FAILED_PRECONDITION";
}

}  // namespace

FirestoreDocumentStore::FirestoreDocumentStore(FirestoreOptions options,
                                               std::shared_ptr<AccessTokenSource> tokens)
    : options_(std::move(options)),
      root_(fmt::format("projects/{}/databases/{}/documents", options_.project_id,
                        options_.database)),
      rest_(options_.endpoint, std::move(tokens), options_.retry, options_.timeout) {
  if (options_.project_id.empty()) {
    throw std::invalid_argument("Firestore project id is empty; set firestore.project_id");
  }
}

std::string FirestoreDocumentStore::DocumentName(std::string_view path) const {
  return root_ + "/" + std::string(path);
}

std::optional<Document> FirestoreDocumentStore::Get(std::string_view path) {
  ValidateDocumentPath(path);

  // batchGet, unlike a GET of the document, reports a missing document as "missing", so
  // that a 404 means a missing database or project.
  const std::string label = fmt::format("get of \"{}\"", path);
  const json::object body{{"documents", json::array{json::string(DocumentName(path))}}};
  const FirestoreResponse response =
      rest_.Send("POST", "/v1/" + UrlPathOf(root_) + ":batchGet", json::serialize(body), label);
  if (response.status != 200) {
    ThrowUnexpected(response, label);
  }
  const json::array* results = response.body.if_array();
  if (results == nullptr) {
    throw StoreError(fmt::format("Firestore {} returned a body that is not an array", label));
  }
  for (const json::value& result : *results) {
    const json::object* object = result.if_object();
    if (object == nullptr) {
      continue;
    }
    if (const json::value* found = object->if_contains("found")) {
      return DecodeDocument(*found);
    }
    if (object->contains("missing")) {
      return std::nullopt;
    }
  }
  throw StoreError(fmt::format("Firestore {} returned neither found nor missing", label));
}

bool FirestoreDocumentStore::Set(std::string_view path, const json::object& fields,
                                 std::string_view data, const Precondition& precondition) {
  WriteBatch batch;
  batch.Set(std::string(path), fields, std::string(data), precondition);
  return Commit(batch);
}

bool FirestoreDocumentStore::Update(std::string_view path, const json::object& fields,
                                    const Precondition& precondition) {
  WriteBatch batch;
  batch.Update(std::string(path), fields, precondition);
  return Commit(batch);
}

bool FirestoreDocumentStore::Delete(std::string_view path, const Precondition& precondition) {
  WriteBatch batch;
  batch.Delete(std::string(path), precondition);
  return Commit(batch);
}

std::vector<Document> FirestoreDocumentStore::List(std::string_view collection,
                                                   const ListOptions& options) {
  ValidateCollectionPath(collection);
  return RunQuery(collection, nullptr, options, fmt::format("list of \"{}\"", collection));
}

std::vector<Document> FirestoreDocumentStore::Query(std::string_view collection,
                                                    std::string_view field,
                                                    const json::value& value,
                                                    const ListOptions& options) {
  ValidateCollectionPath(collection);
  ValidateFieldName(field);
  ValidateQueryValue(field, value);
  if (IsReservedField(field)) {
    throw std::invalid_argument(fmt::format(
        "query field \"{}\" is reserved by the Firestore store; query another field", field));
  }

  const json::object field_reference{{"fieldPath", firestore::FieldPathOf(field)}};
  json::object filter;
  if (value.is_null()) {
    filter["unaryFilter"] = {{"op", "IS_NULL"}, {"field", field_reference}};
  } else {
    filter["fieldFilter"] = {{"field", field_reference},
                             {"op", "EQUAL"},
                             {"value", firestore::EncodeValue(value, field)}};
  }
  return RunQuery(
      collection, &filter, options,
      fmt::format("query of \"{}\" where {} == {}", collection, field, json::serialize(value)));
}

bool FirestoreDocumentStore::Commit(const WriteBatch& batch) {
  ValidateBatch(batch);
  if (batch.empty()) {
    return true;
  }
  const std::optional<std::string> body = BuildCommitBody(batch);
  if (!body) {
    return false;
  }
  const std::string label = batch.size() == 1
                                ? fmt::format("commit of \"{}\"", batch.writes()[0].path)
                                : fmt::format("commit of {} writes starting at \"{}\"",
                                              batch.size(), batch.writes()[0].path);
  return SendCommit(*body, label);
}

std::vector<WriteBatch> FirestoreDocumentStore::SplitForCommit(const WriteBatch& batch) const {
  // The request is {"writes":[w1,w2,...]}: a fixed frame plus each write and a comma.
  constexpr size_t kFrameBytes = std::string_view(R"({"writes":[]})").size();
  std::vector<WriteBatch> groups;
  size_t group_bytes = kFrameBytes;
  for (const Write& write : batch.writes()) {
    // A write that can never succeed encodes to nothing and fails its own group's commit.
    const std::optional<json::object> encoded = EncodeWrite(write);
    const size_t write_bytes = encoded ? json::serialize(*encoded).size() + 1 : 0;
    if (kFrameBytes + write_bytes > kMaxRequestBytes) {
      throw std::invalid_argument(
          fmt::format("write of \"{}\" encodes to {} bytes, over Firestore's maximum of {} bytes "
                      "a request; store less data in the document",
                      write.path, write_bytes, kMaxRequestBytes));
    }
    if (groups.empty() || groups.back().size() == kMaxBatchWrites ||
        group_bytes + write_bytes > kMaxRequestBytes) {
      groups.emplace_back();
      group_bytes = kFrameBytes;
    }
    groups.back().Add(write);
    group_bytes += write_bytes;
  }
  return groups;
}

void FirestoreDocumentStore::Ping() { Get(kPingPath); }

std::optional<std::string> FirestoreDocumentStore::BuildCommitBody(const WriteBatch& batch) const {
  ValidateBatch(batch);
  json::array writes;
  writes.reserve(batch.size());
  for (const Write& write : batch.writes()) {
    std::optional<json::object> encoded = EncodeWrite(write);
    if (!encoded) {
      return std::nullopt;
    }
    writes.push_back(std::move(*encoded));
  }
  std::string body = json::serialize(json::object{{"writes", std::move(writes)}});
  if (body.size() > kMaxRequestBytes) {
    throw std::invalid_argument(fmt::format(
        "batch of {} writes starting at \"{}\" encodes to a {}-byte commit request, over "
        "Firestore's maximum of {} bytes; commit it in smaller batches",
        batch.size(), batch.writes()[0].path, body.size(), kMaxRequestBytes));
  }
  return body;
}

std::optional<json::object> FirestoreDocumentStore::EncodeWrite(const Write& write) const {
  ValidateDocumentPath(write.path);
  const std::optional<json::object> precondition = EncodePrecondition(write.precondition);
  if (!precondition) {
    return std::nullopt;
  }
  json::object encoded;
  if (!precondition->empty()) {
    encoded["currentDocument"] = *precondition;
  }
  if (write.kind == Write::Kind::kDelete) {
    encoded["delete"] = DocumentName(write.path);
    return encoded;
  }

  ValidateFields(write.path, write.fields);
  const std::string revision = util::GenerateId();
  json::object fields = firestore::EncodeFields(write.fields);
  fields[kRevisionField] = json::object{{"stringValue", revision}};
  if (write.kind == Write::Kind::kSet) {
    const size_t size = DocumentStorageSize(write.path, write.fields, write.data, revision);
    if (size > kMaxDocumentBytes) {
      throw std::invalid_argument(fmt::format(
          "document \"{}\" would be {} bytes in Firestore, over its maximum of {} bytes; "
          "store less data or fewer fields in it",
          write.path, size, kMaxDocumentBytes));
    }
    if (!write.data.empty()) {
      fields[kDataField] = firestore::EncodeBytes(write.data);
    }
  } else {
    // Update: replace only the named fields and the revision, and require the document.
    if (write.precondition.kind == Precondition::Kind::kNotExists) {
      return std::nullopt;
    }
    if (precondition->empty()) {
      encoded["currentDocument"] = {{"exists", true}};
    }
    json::array mask;
    for (const auto& field : write.fields) {
      mask.push_back(json::string(firestore::FieldPathOf(field.key())));
    }
    mask.push_back(json::string(kRevisionField));
    encoded["updateMask"] = {{"fieldPaths", std::move(mask)}};
  }
  encoded["update"] = {{"name", DocumentName(write.path)}, {"fields", std::move(fields)}};
  return encoded;
}

bool FirestoreDocumentStore::SendCommit(std::string_view body, std::string_view label) {
  const FirestoreResponse response =
      rest_.Send("POST", "/v1/" + UrlPathOf(root_) + ":commit", body, label);
  if (response.status == 200) {
    return true;
  }
  if (IsPreconditionFailure(response)) {
    spdlog::debug("Firestore {} rejected by a precondition: {} {}", label, response.error_status,
                  response.error_message);
    return false;
  }
  if (response.error_status == "INVALID_ARGUMENT") {
    throw std::invalid_argument(
        fmt::format("Firestore rejected the {}: {}", label, response.error_message));
  }
  ThrowUnexpected(response, label);
}

std::vector<Document> FirestoreDocumentStore::RunQuery(std::string_view collection,
                                                       const json::object* where_filter,
                                                       const ListOptions& options,
                                                       std::string_view label) {
  if (options.start_after.find('/') != std::string::npos) {
    throw std::invalid_argument(
        fmt::format("invalid start_after \"{}\" for \"{}\": expected a document id without '/'",
                    options.start_after, collection));
  }
  ValidateFirestoreIds(options.start_after);
  const size_t slash = collection.rfind('/');
  const std::string parent =
      slash == std::string_view::npos ? root_ : DocumentName(collection.substr(0, slash));
  const std::string url_path = "/v1/" + UrlPathOf(parent) + ":runQuery";

  std::vector<Document> documents;
  std::string start_after = options.start_after;
  while (true) {
    size_t page_size = kQueryPageSize;
    if (options.limit != 0) {
      page_size = std::min(page_size, options.limit - documents.size());
    }
    json::object query;
    query["from"] = json::array{json::object{{"collectionId", IdOf(collection)}}};
    query["orderBy"] = json::array{json::object{{"field", json::object{{"fieldPath", "__name__"}}},
                                                {"direction", "ASCENDING"}}};
    query["limit"] = page_size;
    if (where_filter != nullptr) {
      query["where"] = *where_filter;
    }
    if (!start_after.empty()) {
      const std::string cursor = DocumentName(std::string(collection) + "/" + start_after);
      query["startAt"] = json::object{
          {"values", json::array{json::object{{"referenceValue", cursor}}}}, {"before", false}};
    }
    const json::object body{{"structuredQuery", std::move(query)}};
    const FirestoreResponse response = rest_.Send("POST", url_path, json::serialize(body), label);
    if (response.status != 200) {
      if (response.error_status == "INVALID_ARGUMENT") {
        throw std::invalid_argument(
            fmt::format("Firestore rejected the {}: {}", label, response.error_message));
      }
      ThrowUnexpected(response, label);
    }
    const json::array* results = response.body.if_array();
    if (results == nullptr) {
      throw StoreError(fmt::format("Firestore {} returned a body that is not an array", label));
    }

    size_t page_count = 0;
    for (const json::value& result : *results) {
      const json::object* object = result.if_object();
      const json::value* document = object != nullptr ? object->if_contains("document") : nullptr;
      if (document != nullptr) {
        documents.push_back(DecodeDocument(*document));
        ++page_count;
      }
    }
    const bool reached_limit = options.limit != 0 && documents.size() >= options.limit;
    if (page_count < page_size || reached_limit) {
      return documents;
    }
    start_after = std::string(documents.back().Id());
  }
}

Document FirestoreDocumentStore::DecodeDocument(const json::value& encoded) const {
  const json::object* object = encoded.if_object();
  const json::value* name = object != nullptr ? object->if_contains("name") : nullptr;
  const json::value* update_time = object != nullptr ? object->if_contains("updateTime") : nullptr;
  if (name == nullptr || !name->is_string() || update_time == nullptr ||
      !update_time->is_string() || !name->get_string().starts_with(root_ + "/")) {
    throw StoreError("Firestore returned a document without a name under " + root_ +
                     " or an updateTime: " + json::serialize(encoded).substr(0, 200));
  }

  Document document;
  document.path = std::string(name->get_string().subview(root_.size() + 1));
  document.update_time = update_time->get_string();
  if (const json::value* fields = object->if_contains("fields")) {
    if (!fields->is_object()) {
      throw StoreError("Firestore returned document \"" + document.path +
                       "\" with fields that are not an object");
    }
    json::object encoded_fields = fields->get_object();
    if (const json::value* data = encoded_fields.if_contains(kDataField)) {
      document.data = firestore::DecodeBytes(*data, kDataField);
      encoded_fields.erase(kDataField);
    }
    encoded_fields.erase(kRevisionField);
    document.fields = firestore::DecodeFields(encoded_fields);
  }
  return document;
}

}  // namespace talegraph::store
