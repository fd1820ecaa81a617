#include "graph/keyphrase.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string_view>
#include <unordered_map>

#include "graph/mentions.h"
#include "graph/normalize.h"

namespace talegraph::graph {

namespace {

// Occurrences of one key in a chunk.
struct Tally {
  std::string name;
  std::string_view kind = kTopic;
  size_t count = 0;
};

// Whether a word of tokens [begin, end) repeats the word before it, as in
// "piano piano", which is no phrase.
bool HasRepeatedWord(const std::vector<Token>& tokens, size_t begin, size_t end) {
  for (size_t i = begin + 1; i < end; ++i) {
    if (tokens[i].stem == tokens[i - 1].stem) {
      return true;
    }
  }
  return false;
}

// Calls `visit(key)` for every phrase of one to kMaxPhraseWords words in
// the run `span`, except phrases with a repeated word.
template <typename Visit>
void ForEachPhrase(const std::vector<Token>& tokens, const Span& span, Visit visit) {
  for (size_t begin = span.begin; begin < span.end; ++begin) {
    for (size_t end = begin + 1; end <= std::min(span.end, begin + kMaxPhraseWords); ++end) {
      if (HasRepeatedWord(tokens, begin, end)) {
        break;
      }
      visit(KeyOf(tokens, begin, end));
    }
  }
}

class ChunkAnalysis {
 public:
  ChunkAnalysis(const std::string& text, const CorpusStats& corpus)
      : tokens_(Tokenize(text)), spans_(FindSpans(tokens_, HasCasing(text))), corpus_(corpus) {
    for (const Span& span : spans_) {
      if (span.type == SpanType::kRun) {
        ForEachPhrase(tokens_, span, [&](const std::string& key) { ++phrase_counts_[key]; });
      }
    }
  }

  // Returns the tally of every concept of the chunk, by key.
  std::map<std::string, Tally> Tallies() {
    for (const Span& span : spans_) {
      if (span.type == SpanType::kRun) {
        SplitRun(span);
      } else {
        Add(NameBegin(span), span.end, span.kind, span.title_case);
      }
    }
    return std::move(tallies_);
  }

 private:
  // Splits a run into phrases from left to right, taking at each word the
  // longest phrase that recurs, else the word alone.
  void SplitRun(const Span& span) {
    for (size_t begin = span.begin; begin < span.end;) {
      size_t end = begin + 1;
      for (size_t longer = std::min(span.end, begin + kMaxPhraseWords); longer > begin + 1;
           --longer) {
        if (!HasRepeatedWord(tokens_, begin, longer) && Recurs(KeyOf(tokens_, begin, longer))) {
          end = longer;
          break;
        }
      }
      Add(begin, end, PhraseKind(tokens_, begin, end), false);
      begin = end;
    }
  }

  bool Recurs(const std::string& key) const {
    auto in_chunk = phrase_counts_.find(key);
    if (in_chunk != phrase_counts_.end() && in_chunk->second >= kMinPhraseOccurrences) {
      return true;
    }
    auto in_corpus = corpus_.chunks_with_key.find(key);
    return in_corpus != corpus_.chunks_with_key.end() && in_corpus->second >= kMinPhraseOccurrences;
  }

  void Add(size_t begin, size_t end, std::string_view kind, bool title_case) {
    std::string key = KeyOf(tokens_, begin, end);
    if (key.empty()) {
      return;
    }
    Tally& tally = tallies_[key];
    if (tally.count == 0) {
      tally.name = DisplayName(tokens_, begin, end, title_case);
    }
    // The first mention that gives a kind other than topic decides it.
    if (tally.kind == kTopic) {
      tally.kind = kind;
    }
    ++tally.count;
  }

  std::vector<Token> tokens_;
  std::vector<Span> spans_;
  const CorpusStats& corpus_;
  std::unordered_map<std::string, size_t> phrase_counts_;
  std::map<std::string, Tally> tallies_;
};

}  // namespace

double InverseChunkFrequency(const CorpusStats& corpus, const std::string& key) {
  auto found = corpus.chunks_with_key.find(key);
  size_t df = found == corpus.chunks_with_key.end() ? 0 : found->second;
  df = std::min(df, corpus.chunk_count);
  return std::log(static_cast<double>(corpus.chunk_count + 1) / static_cast<double>(df + 1)) + 1;
}

double ConceptWeight(const CorpusStats& corpus, const std::string& key, std::string_view kind,
                     size_t count) {
  double factor = kind == kTopic ? 1.0 : kNamedKindFactor;
  return static_cast<double>(count) * InverseChunkFrequency(corpus, key) * factor;
}

void RankConcepts(ChunkConcepts& concepts, size_t max_concepts) {
  std::sort(concepts.concepts.begin(), concepts.concepts.end(),
            [](const Concept& a, const Concept& b) {
              return a.weight != b.weight ? a.weight > b.weight : a.key < b.key;
            });
  if (concepts.concepts.size() > max_concepts) {
    concepts.concepts.resize(max_concepts);
  }
  std::set<std::string_view> kept_keys;
  for (const Concept& concept_entry : concepts.concepts) {
    kept_keys.insert(concept_entry.key);
  }
  std::erase_if(concepts.relations, [&](const Relation& relation) {
    return !kept_keys.contains(relation.source_key) || !kept_keys.contains(relation.target_key);
  });
}

ChunkConcepts KeyphraseExtractor::Extract(const std::string& /*chunk_id*/, const std::string& text,
                                          const CorpusStats& corpus, size_t max_concepts) {
  ChunkConcepts result;
  for (auto& [key, tally] : ChunkAnalysis(text, corpus).Tallies()) {
    double weight = ConceptWeight(corpus, key, tally.kind, tally.count);
    result.concepts.push_back({key, std::move(tally.name), std::string(tally.kind), weight});
  }
  RankConcepts(result, max_concepts);
  return result;
}

CorpusStats CountCorpus(const std::vector<std::string>& texts) {
  CorpusStats corpus;
  corpus.chunk_count = texts.size();
  for (const std::string& text : texts) {
    std::vector<Token> tokens = Tokenize(text);
    std::set<std::string> keys;
    for (const Span& span : FindSpans(tokens, HasCasing(text))) {
      if (span.type == SpanType::kRun) {
        ForEachPhrase(tokens, span, [&](const std::string& key) { keys.insert(key); });
      } else {
        keys.insert(KeyOf(tokens, NameBegin(span), span.end));
      }
    }
    keys.erase("");
    for (const std::string& key : keys) {
      ++corpus.chunks_with_key[key];
    }
  }
  return corpus;
}

}  // namespace talegraph::graph
