#include "graph/mentions.h"

#include <optional>
#include <unordered_set>

#include "graph/word_lists.h"

namespace talegraph::graph {

namespace {

// Titles that a name always follows, so that in text without casing any
// content word after them is taken as the name.
bool IsAddressTitle(std::string_view word) {
  return word == "mr" || word == "mrs" || word == "ms" || word == "dr" || word == "mister" ||
         word == "missus";
}

class SpanFinder {
 public:
  SpanFinder(const std::vector<Token>& tokens, bool cased) : tokens_(tokens), cased_(cased) {
    for (const Token& token : tokens_) {
      if (cased_ && token.capitalized && !token.sentence_start) {
        capitalized_inside_sentence_.insert(token.folded);
      }
    }
  }

  std::vector<Span> Find() const {
    std::vector<Span> spans;
    for (size_t i = 0; i < tokens_.size();) {
      if (std::optional<Span> name = MatchName(i)) {
        spans.push_back(*name);
        i = name->end;
        continue;
      }
      if (tokens_[i].role == TokenRole::kYear) {
        spans.push_back({i, i + 1, SpanType::kYear, kTime, false});
        ++i;
        continue;
      }
      if (tokens_[i].role != TokenRole::kContent) {
        ++i;
        continue;
      }
      size_t end = i + 1;
      while (end < tokens_.size() && tokens_[end].role == TokenRole::kContent &&
             !tokens_[end].break_before && !MatchName(end)) {
        ++end;
      }
      spans.push_back({i, end, SpanType::kRun, kTopic, false});
      i = end;
    }
    return spans;
  }

 private:
  std::optional<Span> MatchName(size_t i) const {
    if (std::optional<Span> span = MatchTitled(i)) {
      return span;
    }
    if (std::optional<Span> span = MatchTwoWordPlace(i)) {
      return span;
    }
    return cased_ ? MatchCapitalized(i) : MatchListed(i);
  }

  // Whether token `j` continues a name in cased text.
  bool IsNameWord(size_t j) const {
    return j < tokens_.size() && tokens_[j].capitalized && tokens_[j].role == TokenRole::kContent &&
           !tokens_[j].break_before;
  }

  std::optional<Span> MatchTitled(size_t i) const {
    const Token& title = tokens_[i];
    bool is_title = IsPersonTitle(title.folded) ||
                    (cased_ && title.capitalized && IsCasedPersonTitle(title.folded));
    if (!is_title) {
      return std::nullopt;
    }
    size_t end = i + 1;
    if (cased_) {
      while (end - i < kMaxPhraseWords && IsNameWord(end)) {
        ++end;
      }
    } else if (end < tokens_.size() && !tokens_[end].break_before &&
               tokens_[end].role == TokenRole::kContent &&
               (IsFirstName(tokens_[end].folded) || IsAddressTitle(title.folded))) {
      ++end;
    }
    if (end == i + 1) {
      return std::nullopt;
    }
    return Span{i, end, SpanType::kName, kPerson, !cased_, IsKinshipTitle(title.folded)};
  }

  std::optional<Span> MatchTwoWordPlace(size_t i) const {
    if (i + 1 >= tokens_.size() || tokens_[i + 1].break_before) {
      return std::nullopt;
    }
    if (cased_ && !(tokens_[i].capitalized && tokens_[i + 1].capitalized)) {
      return std::nullopt;
    }
    if (!IsPlaceName(tokens_[i].folded + " " + tokens_[i + 1].folded)) {
      return std::nullopt;
    }
    return Span{i, i + 2, SpanType::kName, kPlace, !cased_};
  }

  std::optional<Span> MatchCapitalized(size_t i) const {
    const Token& first = tokens_[i];
    if (!first.capitalized || first.role != TokenRole::kContent) {
      return std::nullopt;
    }
    bool starts_name = IsFirstName(first.folded) || IsPlaceName(first.folded) ||
                       IsNameWord(i + 1) || capitalized_inside_sentence_.contains(first.folded);
    if (first.sentence_start && !starts_name) {
      return std::nullopt;
    }
    size_t end = i + 1;
    while (end - i < kMaxPhraseWords && IsNameWord(end)) {
      ++end;
    }
    return Span{i, end, SpanType::kName, CapitalizedNameKind(i, end), false};
  }

  std::optional<Span> MatchListed(size_t i) const {
    const Token& token = tokens_[i];
    if (token.role != TokenRole::kContent) {
      return std::nullopt;
    }
    if (IsFirstName(token.folded)) {
      return Span{i, i + 1, SpanType::kName, kPerson, true};
    }
    if (IsPlaceName(token.folded)) {
      return Span{i, i + 1, SpanType::kName, kPlace, true};
    }
    return std::nullopt;
  }

  std::string_view CapitalizedNameKind(size_t begin, size_t end) const {
    if (end - begin == 1 && IsCalendarWord(tokens_[begin].folded)) {
      return kTime;
    }
    if (IsFirstName(tokens_[begin].folded) || IsKinshipWord(tokens_[end - 1].folded)) {
      return kPerson;
    }
    if (IsPlaceName(tokens_[begin].folded) || IsPlaceNoun(tokens_[end - 1].folded) ||
        FollowsPlacePreposition(begin)) {
      return kPlace;
    }
    return kTopic;
  }

  // Whether "in", "to", "from", "at" or "near", maybe with "the" after it,
  // comes right before token `begin`.
  bool FollowsPlacePreposition(size_t begin) const {
    size_t at = begin;
    if (at > 0 && !tokens_[at].break_before && tokens_[at - 1].folded == "the") {
      --at;
    }
    return at > 0 && !tokens_[at].break_before && IsPlacePreposition(tokens_[at - 1].folded);
  }

  const std::vector<Token>& tokens_;
  bool cased_;
  // Case-folded words written with a capital inside a sentence.
  std::unordered_set<std::string> capitalized_inside_sentence_;
};

}  // namespace

size_t NameBegin(const Span& span) { return span.kinship_title ? span.begin + 1 : span.begin; }

std::vector<Span> FindSpans(const std::vector<Token>& tokens, bool cased) {
  return SpanFinder(tokens, cased).Find();
}

std::string_view PhraseKind(const std::vector<Token>& tokens, size_t begin, size_t end) {
  const Token& last = tokens[end - 1];
  bool after_the = begin > 0 && tokens[begin - 1].folded == "the" && !tokens[begin].break_before;
  if (end - begin == 1 && after_the && IsDecadeWord(last.folded)) {
    return kTime;
  }
  if (end - begin == 1 && IsCalendarWord(last.folded)) {
    return kTime;
  }
  if (IsPlaceNoun(last.folded)) {
    return kPlace;
  }
  if (IsKinshipWord(last.folded)) {
    return kPerson;
  }
  return kTopic;
}

std::string DisplayName(const std::vector<Token>& tokens, size_t begin, size_t end,
                        bool title_case) {
  std::string name;
  for (size_t i = begin; i < end; ++i) {
    if (!name.empty()) {
      name += ' ';
    }
    size_t first = name.size();
    name += tokens[i].surface;
    if (title_case && name[first] >= 'a' && name[first] <= 'z') {
      name[first] = static_cast<char>(name[first] - 'a' + 'A');
    }
  }
  return name;
}

}  // namespace talegraph::graph
