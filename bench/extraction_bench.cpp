// Measures the keyphrase engine on an hour of transcript: CountCorpus over
// all chunks, then Extract on each, as the pipeline's extract stage does.
//
// Usage: extraction_bench [STORY_FILE] [RUNS]
//
// The hour is STORY_FILE (default scripts/demo_story.txt) repeated with
// some names, places and instruments swapped for others, until it reaches
// kWordsPerHour words, cut into chunks of kWordsPerChunk words. It runs
// twice: on cased text with punctuation, as an API engine writes it, and
// on the same words in lower case without punctuation, as PocketSphinx
// writes them. Prints the median and the minimum total over RUNS runs
// (default 7), and the medians of CountCorpus and of the Extract calls.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "graph/keyphrase.h"

namespace {

using talegraph::graph::ChunkConcepts;
using talegraph::graph::CorpusStats;
using talegraph::graph::KeyphraseExtractor;

// About 150 spoken words a minute.
constexpr size_t kWordsPerHour = 9000;
// A chunk is about a minute of speech, transcript.target_chunk_seconds.
constexpr size_t kWordsPerChunk = 150;
constexpr size_t kMaxConcepts = 8;

// Names swapped in each repetition of the story, so that the repetitions do
// not all give the same keys.
const std::vector<std::vector<std::pair<std::string, std::string>>> kVariants = {
    {},
    {{"Anna", "Maria"}, {"Denver", "Boston"}, {"Iowa", "Ohio"}, {"Harris", "Walker"}},
    {{"Anna", "Helen"}, {"Denver", "Seattle"}, {"Germany", "Italy"}, {"Chicago", "Detroit"}},
    {{"Anna", "Ruth"}, {"Colfax Avenue", "Main Street"}, {"Iowa", "Kansas"}, {"army", "navy"}},
    {{"Anna", "Clara"}, {"trumpet", "violin"}, {"piano", "guitar"}, {"Denver", "Atlanta"}},
    {{"Anna", "Alice"}, {"trout", "salmon"}, {"Chicago", "Cleveland"}, {"Harris", "Brooks"}},
};

std::string ReadFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    std::fprintf(stderr, "extraction_bench: failed to read %s\n", path.c_str());
    std::exit(1);
  }
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

std::string ReplaceAll(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// Returns the words of an hour of transcript, cycling through kVariants.
std::vector<std::string> HourOfWords(const std::string& story) {
  std::vector<std::string> words;
  for (size_t variant = 0; words.size() < kWordsPerHour; ++variant) {
    std::string text = story;
    for (const auto& [from, to] : kVariants[variant % kVariants.size()]) {
      text = ReplaceAll(text, from, to);
    }
    std::istringstream stream(text);
    for (std::string word; stream >> word && words.size() < kWordsPerHour;) {
      words.push_back(word);
    }
  }
  return words;
}

// Returns `word` in lower case with everything but letters, digits and
// apostrophes removed, as PocketSphinx would write it.
std::string AsPocketSphinx(const std::string& word) {
  std::string plain;
  for (char c : word) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '\'') {
      plain.push_back(c);
    } else if (c >= 'A' && c <= 'Z') {
      plain.push_back(static_cast<char>(c - 'A' + 'a'));
    }
  }
  return plain;
}

std::vector<std::string> Chunks(const std::vector<std::string>& words, bool lower_case) {
  std::vector<std::string> chunks;
  for (size_t first = 0; first < words.size(); first += kWordsPerChunk) {
    std::string chunk;
    for (size_t i = first; i < std::min(words.size(), first + kWordsPerChunk); ++i) {
      chunk += (chunk.empty() ? "" : " ") + (lower_case ? AsPocketSphinx(words[i]) : words[i]);
    }
    chunks.push_back(std::move(chunk));
  }
  return chunks;
}

double MillisecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

// Times of one run of the extract stage, in milliseconds.
struct RunTimes {
  double corpus = 0;   // CountCorpus
  double extract = 0;  // Extract on every chunk
  size_t concepts = 0;
};

RunTimes RunOnce(const std::vector<std::string>& chunks) {
  RunTimes times;
  auto started = std::chrono::steady_clock::now();
  CorpusStats corpus = talegraph::graph::CountCorpus(chunks);
  times.corpus = MillisecondsSince(started);

  started = std::chrono::steady_clock::now();
  KeyphraseExtractor extractor;
  for (size_t i = 0; i < chunks.size(); ++i) {
    ChunkConcepts result = extractor.Extract(std::to_string(i), chunks[i], corpus, kMaxConcepts);
    times.concepts += result.concepts.size();
  }
  times.extract = MillisecondsSince(started);
  return times;
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

void Measure(const char* label, const std::vector<std::string>& chunks, int runs) {
  std::vector<double> totals;
  std::vector<double> corpus_times;
  std::vector<double> extract_times;
  size_t concepts = 0;
  for (int run = 0; run < runs; ++run) {
    RunTimes times = RunOnce(chunks);
    totals.push_back(times.corpus + times.extract);
    corpus_times.push_back(times.corpus);
    extract_times.push_back(times.extract);
    concepts = times.concepts;
  }
  std::printf(
      "%-10s %4zu chunks %4zu concepts  total median %7.1f ms, min %7.1f ms  "
      "(CountCorpus %6.1f ms, Extract %6.1f ms)\n",
      label, chunks.size(), concepts, Median(totals),
      *std::min_element(totals.begin(), totals.end()), Median(corpus_times), Median(extract_times));
}

}  // namespace

int main(int argc, char** argv) {
  std::string story_path = argc > 1 ? argv[1] : "scripts/demo_story.txt";
  int runs = argc > 2 ? std::atoi(argv[2]) : 7;
  if (runs < 1) {
    std::fprintf(stderr, "usage: extraction_bench [STORY_FILE] [RUNS >= 1]\n");
    return 2;
  }
  std::vector<std::string> words = HourOfWords(ReadFile(story_path));
  std::printf("one hour of transcript: %zu words in chunks of %zu words, %d runs\n", words.size(),
              kWordsPerChunk, runs);
  Measure("cased", Chunks(words, false), runs);
  Measure("lower case", Chunks(words, true), runs);
  return 0;
}
