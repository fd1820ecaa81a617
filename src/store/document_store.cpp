#include "store/document_store.h"

#include <utility>

namespace talegraph::store {

std::string_view Document::Id() const {
  const std::string_view full_path = path;
  const size_t slash = full_path.rfind('/');
  if (slash == std::string_view::npos) {
    return full_path;
  }
  return full_path.substr(slash + 1);
}

WriteBatch& WriteBatch::Set(std::string path, boost::json::object fields, std::string data,
                            Precondition precondition) {
  writes_.push_back(Write{.kind = Write::Kind::kSet,
                          .path = std::move(path),
                          .fields = std::move(fields),
                          .data = std::move(data),
                          .precondition = std::move(precondition)});
  return *this;
}

WriteBatch& WriteBatch::Update(std::string path, boost::json::object fields,
                               Precondition precondition) {
  writes_.push_back(Write{.kind = Write::Kind::kUpdate,
                          .path = std::move(path),
                          .fields = std::move(fields),
                          .data = {},
                          .precondition = std::move(precondition)});
  return *this;
}

WriteBatch& WriteBatch::Delete(std::string path, Precondition precondition) {
  writes_.push_back(Write{.kind = Write::Kind::kDelete,
                          .path = std::move(path),
                          .fields = {},
                          .data = {},
                          .precondition = std::move(precondition)});
  return *this;
}

WriteBatch& WriteBatch::Add(Write write) {
  writes_.push_back(std::move(write));
  return *this;
}

bool DocumentStore::CommitInGroups(const WriteBatch& batch) {
  for (const WriteBatch& group : SplitForCommit(batch)) {
    if (!Commit(group)) {
      return false;
    }
  }
  return true;
}

std::vector<WriteBatch> DocumentStore::SplitForCommit(const WriteBatch& batch) const {
  std::vector<WriteBatch> groups;
  for (const Write& write : batch.writes()) {
    if (groups.empty() || groups.back().size() == kMaxBatchWrites) {
      groups.emplace_back();
    }
    groups.back().Add(write);
  }
  return groups;
}

}  // namespace talegraph::store
