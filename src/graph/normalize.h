// Text normalization shared by every concept extractor: tokenization, case
// folding, possessives, fillers of speech, stopwords and Snowball English
// stemming (libstemmer), so that every spelling of a concept gets one key.
//
// Case folding is ASCII only: bytes of other UTF-8 characters are kept as
// they are and count as letters.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace talegraph::graph {

// Role of a token in a phrase.
enum class TokenRole {
  kContent,  // a word that can be part of a concept
  kStop,     // a stopword or a number that is not a year
  kFiller,   // a filler of speech, dropped like a stopword
  kYear,     // a year ("1952", "nineteen fifty two") or decade ("1950s")
};

struct Token {
  // Word as written, with a possessive "'s" or "'" removed, and in lower
  // case when the text has no casing (see HasCasing). A spoken year keeps
  // its words ("nineteen fifty two").
  std::string surface;
  // Case-folded surface; for a spoken year, its digits ("1952").
  std::string folded;
  // Snowball stem of `folded`; years keep their digits.
  std::string stem;
  TokenRole role = TokenRole::kContent;
  // Whether the first character is an upper-case ASCII letter.
  bool capitalized = false;
  // Whether the token opens a sentence: the text's first word or the word
  // after ".", "!" or "?" (but not after "Mr." or another abbreviation).
  bool sentence_start = false;
  // Whether punctuation other than an apostrophe or an inner hyphen
  // separates the token from the one before it. Phrases never span it.
  bool break_before = false;
};

// Splits `text` into words and gives each its role, stem and flags.
// Fillers of two words ("you know") mark both tokens as fillers; the words
// of a spoken year become one kYear token.
std::vector<Token> Tokenize(std::string_view text);

// Returns the Snowball English stem of a case-folded word. Thread-safe.
std::string StemWord(std::string_view folded);

// Returns the key of a phrase: its content words and years, stemmed and
// joined by one space, or "" when it has none. "Aunt Martha's horses"
// gives "aunt martha hors".
std::string NormalizeKey(std::string_view phrase);

// Returns the key of a name, as NormalizeKey does but without a leading
// kinship title, the way keyphrase extraction keys names: "Aunt Martha"
// gives "martha", "Mrs Smith" gives "mrs smith".
std::string NormalizeNameKey(std::string_view name);

// Returns the key of tokens [begin, end) of a Tokenize result.
std::string KeyOf(const std::vector<Token>& tokens, size_t begin, size_t end);

// Returns whether `text` has both upper- and lower-case ASCII letters, so
// that capitals can mark names. Output of PocketSphinx is all lower case.
bool HasCasing(std::string_view text);

}  // namespace talegraph::graph
