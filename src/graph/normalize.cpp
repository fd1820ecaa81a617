#include "graph/normalize.h"

#include <libstemmer.h>

#include <memory>
#include <optional>
#include <stdexcept>

#include "graph/word_lists.h"

namespace talegraph::graph {

namespace {

// A word found by Scan, before its role is known.
struct RawWord {
  std::string text;
  bool sentence_start = false;
  bool break_before = false;
};

bool IsAsciiAlnum(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool IsDigits(std::string_view text) {
  return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
}

std::string FoldCase(std::string_view text) {
  std::string folded(text);
  for (char& c : folded) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return folded;
}

// Splits text into words. Apostrophes (ASCII or U+2019) inside or at the
// end of a word and hyphens between two word characters stay in the word.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  std::vector<RawWord> Scan() {
    while (at_ < text_.size()) {
      ScanCharacter();
    }
    EndWord();
    return std::move(words_);
  }

 private:
  // Length of the character at `at_` when it is U+2019, the typographic
  // apostrophe, else 0.
  size_t CurlyApostropheAt(size_t at) const {
    return text_.substr(at, 3) == "\xE2\x80\x99" ? 3 : 0;
  }

  bool IsWordByte(size_t at) const {
    if (at >= text_.size()) {
      return false;
    }
    auto c = static_cast<unsigned char>(text_[at]);
    if (IsAsciiAlnum(c)) {
      return true;
    }
    // Other UTF-8 characters are letters, except the punctuation block
    // U+2000..U+206F (quotes, dashes, ellipsis) and U+00A0 (no-break space).
    if (c < 0x80) {
      return false;
    }
    std::string_view rest = text_.substr(at);
    bool is_punctuation_block = rest.starts_with("\xE2\x80") || rest.starts_with("\xE2\x81");
    bool is_no_break_space = rest.starts_with("\xC2\xA0");
    return !is_punctuation_block && !is_no_break_space;
  }

  void ScanCharacter() {
    auto c = static_cast<unsigned char>(text_[at_]);
    if (size_t length = CurlyApostropheAt(at_); length > 0 || c == '\'') {
      length = std::max<size_t>(length, 1);
      if (!word_.empty()) {
        word_.push_back('\'');
      }
      at_ += length;
      return;
    }
    if (c == '-' && !word_.empty() && IsWordByte(at_ + 1)) {
      word_.push_back('-');
      ++at_;
      return;
    }
    if (IsWordByte(at_)) {
      word_.push_back(static_cast<char>(c));
      ++at_;
      return;
    }
    EndPunctuation(c);
    at_ += SequenceLength(c);
  }

  // Returns the length of the UTF-8 sequence that `lead` starts.
  static size_t SequenceLength(unsigned char lead) {
    if (lead >= 0xF0) {
      return 4;
    }
    if (lead >= 0xE0) {
      return 3;
    }
    return lead >= 0xC0 ? 2 : 1;
  }

  // Ends the current word at a character that is not part of one.
  void EndPunctuation(unsigned char c) {
    bool is_space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    bool ended_abbreviation = c == '.' && !word_.empty() && IsAbbreviation(FoldCase(word_));
    EndWord();
    if (is_space || ended_abbreviation) {
      return;
    }
    pending_break_ = true;
    if (c == '.' || c == '!' || c == '?') {
      pending_sentence_start_ = true;
    }
  }

  void EndWord() {
    while (!word_.empty() && (word_.back() == '\'' || word_.back() == '-')) {
      word_.pop_back();
    }
    if (word_.empty()) {
      return;
    }
    words_.push_back({std::move(word_), pending_sentence_start_, pending_break_});
    word_.clear();
    pending_sentence_start_ = false;
    pending_break_ = false;
  }

  std::string_view text_;
  size_t at_ = 0;
  std::string word_;
  bool pending_sentence_start_ = true;
  bool pending_break_ = true;
  std::vector<RawWord> words_;
};

// Removes a possessive "'s" ("martha's"). A plural possessive ("smiths'")
// already lost its apostrophe in the scanner.
void RemovePossessive(std::string& word) {
  if (word.size() > 2 && (word.ends_with("'s") || word.ends_with("'S"))) {
    word.resize(word.size() - 2);
  }
}

bool IsContraction(std::string_view folded) {
  size_t apostrophe = folded.rfind('\'');
  if (apostrophe == std::string_view::npos) {
    return false;
  }
  std::string_view suffix = folded.substr(apostrophe + 1);
  return suffix == "t" || suffix == "m" || suffix == "ve" || suffix == "d" || suffix == "ll" ||
         suffix == "re";
}

// Returns the role of one case-folded word, fillers of two words aside.
// `name_like` is true for a capitalized word inside a sentence.
TokenRole RoleOf(std::string_view folded, bool name_like) {
  if (IsFillerWord(folded)) {
    return TokenRole::kFiller;
  }
  if (IsFirstName(folded) || IsPlaceName(folded)) {
    return TokenRole::kContent;
  }
  if (IsDigits(folded)) {
    int value = std::stoi(std::string(folded.substr(0, 5)));
    return folded.size() == 4 && value >= 1800 && value <= 2099 ? TokenRole::kYear
                                                                : TokenRole::kStop;
  }
  if (folded.size() == 5 && folded.ends_with('s') && IsDigits(folded.substr(0, 4)) &&
      folded[3] == '0') {
    return TokenRole::kYear;  // a decade such as "1950s"
  }
  if (IsStopword(folded) || IsContraction(folded) || IsDigits(folded.substr(0, 1))) {
    return TokenRole::kStop;
  }
  // Past-tense verbs ("worked", "married") would otherwise join the nouns
  // around them; nouns ending in "-eed" ("speed") are kept.
  if (!name_like && folded.size() >= 5 && folded.ends_with("ed") && !folded.ends_with("eed")) {
    return TokenRole::kStop;
  }
  return TokenRole::kContent;
}

std::optional<int> UnitValue(std::string_view word) {
  static constexpr std::string_view kUnits[] = {"one", "two",   "three", "four", "five",
                                                "six", "seven", "eight", "nine"};
  for (int i = 0; i < 9; ++i) {
    if (word == kUnits[i]) {
      return i + 1;
    }
  }
  return std::nullopt;
}

std::optional<int> TeenValue(std::string_view word) {
  static constexpr std::string_view kTeens[] = {"ten",      "eleven",  "twelve",  "thirteen",
                                                "fourteen", "fifteen", "sixteen", "seventeen",
                                                "eighteen", "nineteen"};
  for (int i = 0; i < 10; ++i) {
    if (word == kTeens[i]) {
      return i + 10;
    }
  }
  return std::nullopt;
}

std::optional<int> TensValue(std::string_view word) {
  static constexpr std::string_view kTens[] = {"twenty", "thirty",  "forty",  "fifty",
                                               "sixty",  "seventy", "eighty", "ninety"};
  for (int i = 0; i < 8; ++i) {
    if (word == kTens[i]) {
      return (i + 2) * 10;
    }
  }
  return std::nullopt;
}

// Returns 20 for "twenties", up to 90 for "nineties".
std::optional<int> DecadeValue(std::string_view word) {
  static constexpr std::string_view kDecades[] = {"twenties", "thirties",  "forties",  "fifties",
                                                  "sixties",  "seventies", "eighties", "nineties"};
  for (int i = 0; i < 8; ++i) {
    if (word == kDecades[i]) {
      return (i + 2) * 10;
    }
  }
  return std::nullopt;
}

// A year spoken as words: its digits and the number of words it takes.
struct SpokenYear {
  std::string digits;
  size_t words = 0;
};

// Reads a year spoken as "nineteen fifty two", "nineteen oh five",
// "eighteen ninety", "nineteen hundred" or the decade "nineteen fifties"
// from tokens[at]. Words after a punctuation break are not part of it.
std::optional<SpokenYear> ReadSpokenYear(const std::vector<Token>& tokens, size_t at) {
  int century = 0;
  if (tokens[at].folded == "nineteen") {
    century = 1900;
  } else if (tokens[at].folded == "eighteen") {
    century = 1800;
  }
  if (century == 0 || at + 1 >= tokens.size() || tokens[at + 1].break_before) {
    return std::nullopt;
  }
  std::string_view second = tokens[at + 1].folded;
  std::string_view third;
  if (at + 2 < tokens.size() && !tokens[at + 2].break_before) {
    third = tokens[at + 2].folded;
  }
  if (second == "hundred") {
    return SpokenYear{std::to_string(century), 2};
  }
  if (auto teen = TeenValue(second)) {
    return SpokenYear{std::to_string(century + *teen), 2};
  }
  if (second == "oh" && UnitValue(third)) {
    return SpokenYear{std::to_string(century + *UnitValue(third)), 3};
  }
  if (auto decade = DecadeValue(second)) {
    return SpokenYear{std::to_string(century + *decade) + "s", 2};
  }
  if (auto tens = TensValue(second)) {
    if (auto unit = UnitValue(third)) {
      return SpokenYear{std::to_string(century + *tens + *unit), 3};
    }
    return SpokenYear{std::to_string(century + *tens), 2};
  }
  return std::nullopt;
}

// Joins the words of each spoken year into one kYear token.
void MergeSpokenYears(std::vector<Token>& tokens) {
  std::vector<Token> merged;
  merged.reserve(tokens.size());
  for (size_t i = 0; i < tokens.size();) {
    std::optional<SpokenYear> year = ReadSpokenYear(tokens, i);
    if (!year) {
      merged.push_back(std::move(tokens[i]));
      ++i;
      continue;
    }
    Token token = std::move(tokens[i]);
    for (size_t k = 1; k < year->words; ++k) {
      token.surface += " " + tokens[i + k].surface;
    }
    token.folded = year->digits;
    token.role = TokenRole::kYear;
    merged.push_back(std::move(token));
    i += year->words;
  }
  tokens = std::move(merged);
}

void MarkFillerPairs(std::vector<Token>& tokens) {
  for (size_t i = 0; i + 1 < tokens.size(); ++i) {
    if (!tokens[i + 1].break_before && IsFillerPair(tokens[i].folded, tokens[i + 1].folded)) {
      tokens[i].role = TokenRole::kFiller;
      tokens[i + 1].role = TokenRole::kFiller;
    }
  }
}

// Makes both words of a two-word place name ("new york") content words, so
// that a stopword among them stays in the key.
void MarkTwoWordPlaces(std::vector<Token>& tokens) {
  for (size_t i = 0; i + 1 < tokens.size(); ++i) {
    if (!tokens[i + 1].break_before && IsPlaceName(tokens[i].folded + " " + tokens[i + 1].folded)) {
      tokens[i].role = TokenRole::kContent;
      tokens[i + 1].role = TokenRole::kContent;
    }
  }
}

struct StemmerDeleter {
  void operator()(sb_stemmer* stemmer) const { sb_stemmer_delete(stemmer); }
};

}  // namespace

std::string StemWord(std::string_view folded) {
  // A libstemmer stemmer keeps state between calls, so each thread has one.
  thread_local std::unique_ptr<sb_stemmer, StemmerDeleter> stemmer(
      sb_stemmer_new("english", "UTF_8"));
  if (!stemmer) {
    throw std::runtime_error("libstemmer has no English stemmer for UTF-8");
  }
  const sb_symbol* stem =
      sb_stemmer_stem(stemmer.get(), reinterpret_cast<const sb_symbol*>(folded.data()),
                      static_cast<int>(folded.size()));
  if (stem == nullptr) {
    throw std::bad_alloc();
  }
  return std::string(reinterpret_cast<const char*>(stem), sb_stemmer_length(stemmer.get()));
}

std::vector<Token> Tokenize(std::string_view text) {
  // Text in a single case (all lower or all upper) is treated as lower case.
  const bool cased = HasCasing(text);
  std::vector<Token> tokens;
  for (RawWord& word : Scanner(text).Scan()) {
    Token token;
    token.surface = cased ? std::move(word.text) : FoldCase(word.text);
    RemovePossessive(token.surface);
    token.folded = FoldCase(token.surface);
    token.capitalized = token.surface[0] >= 'A' && token.surface[0] <= 'Z';
    token.sentence_start = word.sentence_start;
    token.role = RoleOf(token.folded, token.capitalized && !token.sentence_start);
    token.break_before = word.break_before;
    tokens.push_back(std::move(token));
  }
  MarkFillerPairs(tokens);
  MarkTwoWordPlaces(tokens);
  MergeSpokenYears(tokens);
  for (Token& token : tokens) {
    token.stem = token.role == TokenRole::kYear ? token.folded : StemWord(token.folded);
  }
  return tokens;
}

std::string KeyOf(const std::vector<Token>& tokens, size_t begin, size_t end) {
  std::string key;
  for (size_t i = begin; i < end; ++i) {
    if (tokens[i].role != TokenRole::kContent && tokens[i].role != TokenRole::kYear) {
      continue;
    }
    if (!key.empty()) {
      key += ' ';
    }
    key += tokens[i].stem;
  }
  return key;
}

std::string NormalizeKey(std::string_view phrase) {
  std::vector<Token> tokens = Tokenize(phrase);
  return KeyOf(tokens, 0, tokens.size());
}

std::string NormalizeNameKey(std::string_view name) {
  std::vector<Token> tokens = Tokenize(name);
  size_t begin = tokens.size() > 1 && IsKinshipTitle(tokens[0].folded) ? 1 : 0;
  return KeyOf(tokens, begin, tokens.size());
}

bool HasCasing(std::string_view text) {
  bool upper = false;
  bool lower = false;
  for (char c : text) {
    upper = upper || (c >= 'A' && c <= 'Z');
    lower = lower || (c >= 'a' && c <= 'z');
  }
  return upper && lower;
}

}  // namespace talegraph::graph
