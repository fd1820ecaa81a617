// Spans of a tokenized chunk that may name a concept: names, years and runs
// of content words, with the kind of each, for the keyphrase extractor.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "graph/normalize.h"

namespace talegraph::graph {

inline constexpr std::string_view kPerson = "person";
inline constexpr std::string_view kPlace = "place";
inline constexpr std::string_view kTime = "time";
inline constexpr std::string_view kTopic = "topic";

// Maximum words in a name or phrase, a title such as "Aunt" included.
inline constexpr size_t kMaxPhraseWords = 3;

enum class SpanType {
  kName,  // a person or place name, always one concept
  kYear,  // a year or decade, always one concept
  kRun,   // content words in a row, which the extractor may split
};

// Tokens [begin, end) of a chunk.
struct Span {
  size_t begin = 0;
  size_t end = 0;
  SpanType type = SpanType::kRun;
  // Kind of a name or year; for a run, the extractor decides per phrase.
  std::string_view kind = kTopic;
  // Whether the display name should be title-cased, because the name was
  // recognized from a word list in text without casing.
  bool title_case = false;
  // Whether a person name starts with a kinship title ("Aunt Martha"),
  // which its key and display name leave out, so that "Aunt Martha" and a
  // later "Martha" are one person.
  bool kinship_title = false;
};

// Returns the first token of the span's key and display name: past a
// kinship title, else `span.begin`.
size_t NameBegin(const Span& span);

// Finds the spans of `tokens`, in order and without overlap. `cased` is
// whether capitals mark names in this text (see HasCasing).
//
// Names are found by these rules, in order:
// - a person title ("aunt", "mr", and "father" or "doctor" when a
//   capitalized word follows) with the name after it: in cased text up to
//   two capitalized words, else one known first name or, after "mr",
//   "mrs", "ms", "dr" or "mister", any content word;
// - a known place of two words ("new york"), both capitalized in cased
//   text;
// - in cased text, a run of up to three capitalized content words. One
//   at the start of a sentence counts only when it is a known first name or
//   place, is followed by another capitalized word, or appears capitalized
//   inside a sentence elsewhere in the chunk;
// - in text without casing, a known first name or place name.
// A name of one calendar word ("March", "Christmas") is a time. Other
// names are a person after a title, when they start with a first name or
// end with a family word ("Father"). They are a place when they are a
// known place, follow "in", "to", "from", "at" or "near" (a "the" between
// them allowed) or end with a place noun such as "avenue", and a topic
// otherwise.
std::vector<Span> FindSpans(const std::vector<Token>& tokens, bool cased);

// Returns the kind of the phrase of run tokens [begin, end). It is a time
// for a decade word after "the" ("the sixties") or a single month, day,
// season or holiday ("winter"). It is a place when the last word is a place
// noun ("steel mill"), a person when it is a family word ("father"), and a
// topic otherwise.
std::string_view PhraseKind(const std::vector<Token>& tokens, size_t begin, size_t end);

// Returns the display name of tokens [begin, end): their surfaces joined by
// spaces, each word's first letter upper-cased when `title_case` is true.
std::string DisplayName(const std::vector<Token>& tokens, size_t begin, size_t end,
                        bool title_case);

}  // namespace talegraph::graph
