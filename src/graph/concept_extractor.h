// ConceptExtractor: finds the concepts (people, places, times, topics) that
// one transcript chunk mentions, for the knowledge graph.
//
// Thread safety: Extract may be called from several threads at once.
#pragma once

#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

namespace talegraph::graph {

struct Concept {
  // Normalized key (lower case, stemmed, fillers and possessives removed),
  // the same for every spelling of the concept. A node's id derives from it.
  std::string key;
  // Display name as spoken, such as "Aunt Martha" or "Chicago".
  std::string name;
  // person, place, time, topic, or another kind the extractor gives.
  std::string kind;
  // Importance within the chunk, where greater is more important.
  double weight = 0;
};

// A relation the extractor found between two concepts of the same chunk,
// named by their keys.
struct Relation {
  std::string source_key;
  std::string target_key;
  std::string label;
};

struct ChunkConcepts {
  // Ordered by weight, heaviest first.
  std::vector<Concept> concepts;
  std::vector<Relation> relations;
};

// Document frequencies over the user's transcript chunks, for scoring a
// phrase by how rare it is across the user's stories. CountCorpus in
// graph/keyphrase.h builds it from chunk texts for every extractor.
struct CorpusStats {
  size_t chunk_count = 0;
  // Number of chunks in which each normalized key occurs.
  std::unordered_map<std::string, size_t> chunks_with_key;
};

class ConceptExtractor {
 public:
  virtual ~ConceptExtractor() = default;

  // Returns the concepts of one chunk's text, at most `max_concepts`.
  virtual ChunkConcepts Extract(const std::string& chunk_id, const std::string& text,
                                const CorpusStats& corpus, size_t max_concepts) = 0;
};

}  // namespace talegraph::graph
