// Engine "keyphrase", the embedded default: concepts from names, years and
// phrases of up to three content words, scored by tf-idf against the
// user's other chunks. It needs no model and no network.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "graph/concept_extractor.h"

namespace talegraph::graph {

// Factor on the score of a person, place or time, because names and dates
// make better chapters than common nouns.
inline constexpr double kNamedKindFactor = 1.5;

// A phrase of two or three content words is one concept only when its key
// occurs at least this many times in the chunk, or in at least this many
// of the user's chunks. Otherwise each of its words is a concept alone.
inline constexpr size_t kMinPhraseOccurrences = 2;

// Keyphrase extraction. Stateless, so Extract may run on several threads.
//
// Each concept's weight is tf * idf * factor: tf is its occurrences in the
// chunk, idf is ln((N + 1) / (df + 1)) + 1 with N = corpus.chunk_count
// and df = corpus.chunks_with_key[key], and the factor is kNamedKindFactor
// for kinds person, place and time, else 1. Ties are broken by key, so the
// output depends only on the input. Relations are left empty: the graph
// joins concepts that occur in the same chunk. A kinship title is left out
// of a name ("Aunt Martha" is "Martha"), but a form of address is kept
// ("Mrs Smith" and "Mr Smith" stay two people).
class KeyphraseExtractor final : public ConceptExtractor {
 public:
  ChunkConcepts Extract(const std::string& chunk_id, const std::string& text,
                        const CorpusStats& corpus, size_t max_concepts) override;
};

// Counts, for each key that KeyphraseExtractor may give (names, years, and
// every phrase of one to three words in a row), the texts it occurs in.
CorpusStats CountCorpus(const std::vector<std::string>& texts);

// Returns ln((N + 1) / (df + 1)) + 1 for `key`, at least 1.
double InverseChunkFrequency(const CorpusStats& corpus, const std::string& key);

// Returns count * idf * factor, the weight of a concept that occurs `count`
// times in a chunk.
double ConceptWeight(const CorpusStats& corpus, const std::string& key, std::string_view kind,
                     size_t count);

// Orders concepts by weight, heaviest first and equal weights by key, keeps
// the first `max_concepts`, and drops the relations to concepts cut off.
void RankConcepts(ChunkConcepts& concepts, size_t max_concepts);

}  // namespace talegraph::graph
