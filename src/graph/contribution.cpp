#include "graph/contribution.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "util/sha256.h"

namespace talegraph::graph {

namespace {

// Hex digits kept from the SHA-256: 96 bits, so a collision among a
// user's concepts is negligible.
constexpr size_t kIdHexDigits = 24;

// Returns the distinct, non-empty keys of a chunk's concepts, in their
// order, with the first concept of each key.
std::vector<const Concept*> DistinctConcepts(const ChunkConcepts& concepts) {
  std::vector<const Concept*> distinct;
  std::set<std::string_view> seen;
  for (const auto& concept_ : concepts.concepts) {
    if (!concept_.key.empty() && seen.insert(concept_.key).second) {
      distinct.push_back(&concept_);
    }
  }
  return distinct;
}

}  // namespace

std::string ConceptNodeId(std::string_view user_id, std::string_view key) {
  util::Sha256 sha;
  sha.Update(user_id);
  // A separator that neither part contains keeps ("ab", "c") and ("a", "bc") apart.
  sha.Update(std::string_view("\0", 1));
  sha.Update(key);
  std::string hex = sha.FinishHex();
  std::string id = "c";
  id.append(hex, 0, kIdHexDigits);
  return id;
}

store::GraphContribution BuildContribution(std::string_view user_id, std::string_view recording_id,
                                           const std::vector<ExtractedChunk>& chunks) {
  // Keyed by node id, so that the output is ordered and has one entry per id.
  std::map<std::string, store::ConceptNode> nodes;
  std::map<std::pair<std::string, std::string>, std::set<std::string>> edges;

  for (const auto& chunk : chunks) {
    std::vector<std::string> ids;
    for (const Concept* concept_ : DistinctConcepts(chunk.concepts)) {
      std::string id = ConceptNodeId(user_id, concept_->key);
      auto [node, created] = nodes.try_emplace(id);
      if (created) {
        node->second.id = id;
        node->second.user_id = user_id;
        node->second.name = concept_->name.empty() ? concept_->key : concept_->name;
        node->second.kind = concept_->kind;
        node->second.recording_ids = {std::string(recording_id)};
      }
      node->second.chunk_ids.push_back(chunk.chunk_id);
      ids.push_back(std::move(id));
    }
    // Every pair of the chunk's concepts, relations included.
    for (size_t i = 0; i < ids.size(); ++i) {
      for (size_t j = i + 1; j < ids.size(); ++j) {
        auto ends = std::minmax(ids[i], ids[j]);
        edges[{ends.first, ends.second}].insert(chunk.chunk_id);
      }
    }
  }

  store::GraphContribution contribution;
  contribution.user_id = user_id;
  contribution.recording_id = recording_id;
  for (auto& [id, node] : nodes) {
    std::sort(node.chunk_ids.begin(), node.chunk_ids.end());
    node.chunk_ids.erase(std::unique(node.chunk_ids.begin(), node.chunk_ids.end()),
                         node.chunk_ids.end());
    node.mentions = static_cast<int64_t>(node.chunk_ids.size());
    contribution.nodes.push_back(std::move(node));
  }
  for (auto& [ends, chunk_ids] : edges) {
    store::ConceptEdge edge{std::string(user_id), ends.first, ends.second,
                            static_cast<int64_t>(chunk_ids.size()),
                            std::vector<std::string>(chunk_ids.begin(), chunk_ids.end())};
    contribution.edges.push_back(std::move(edge));
  }
  return contribution;
}

}  // namespace talegraph::graph
