// Word error rate of a transcript against a reference, for speech
// recognition tests.
#pragma once

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace talegraph::test {

// Splits `text` into lowercase words. Letters, digits and apostrophes inside
// a word are kept, and every other character separates words, so
// "Feed'st thy self-substantial fuel," gives "feed'st", "thy", "self",
// "substantial" and "fuel".
inline std::vector<std::string> NormalizeWords(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  auto finish_word = [&] {
    // Quotes around a word are punctuation, not part of it.
    while (!word.empty() && word.back() == '\'') {
      word.pop_back();
    }
    size_t first = word.find_first_not_of('\'');
    if (first != std::string::npos) {
      words.push_back(word.substr(first));
    }
    word.clear();
  };
  for (char c : text) {
    unsigned char byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) != 0 || c == '\'') {
      word += static_cast<char>(std::tolower(byte));
    } else {
      finish_word();
    }
  }
  finish_word();
  return words;
}

// Substitutions, deletions and insertions of the best word alignment.
struct WordErrors {
  size_t errors = 0;
  size_t reference_words = 0;

  // Errors per reference word. With an empty reference it is the number of
  // inserted words, so 0 when both texts are empty.
  double Rate() const {
    if (reference_words == 0) {
      return static_cast<double>(errors);
    }
    return static_cast<double>(errors) / static_cast<double>(reference_words);
  }
};

// Counts the word errors of `hypothesis` against `reference` with a
// word-level Levenshtein distance over NormalizeWords of each.
inline WordErrors CountWordErrors(std::string_view reference, std::string_view hypothesis) {
  std::vector<std::string> expected = NormalizeWords(reference);
  std::vector<std::string> actual = NormalizeWords(hypothesis);
  // previous[j] is the distance between the first i - 1 reference words and
  // the first j hypothesis words, and current[j] the same for i words.
  std::vector<size_t> previous(actual.size() + 1);
  std::vector<size_t> current(actual.size() + 1);
  for (size_t j = 0; j <= actual.size(); ++j) {
    previous[j] = j;
  }
  for (size_t i = 1; i <= expected.size(); ++i) {
    current[0] = i;
    for (size_t j = 1; j <= actual.size(); ++j) {
      size_t substitution = previous[j - 1] + (expected[i - 1] == actual[j - 1] ? 0 : 1);
      current[j] = std::min({substitution, previous[j] + 1, current[j - 1] + 1});
    }
    std::swap(previous, current);
  }
  return {previous[actual.size()], expected.size()};
}

// Returns the word error rate of `hypothesis` against `reference`.
inline double WordErrorRate(std::string_view reference, std::string_view hypothesis) {
  return CountWordErrors(reference, hypothesis).Rate();
}

}  // namespace talegraph::test
