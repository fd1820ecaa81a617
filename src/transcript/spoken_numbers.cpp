#include "transcript/spoken_numbers.h"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <optional>
#include <sstream>
#include <vector>

namespace talegraph::transcript {

namespace {

constexpr std::array<std::string_view, 20> kUnits = {
    "zero",     "one",     "two",     "three",     "four",     "five",    "six",
    "seven",    "eight",   "nine",    "ten",       "eleven",   "twelve",  "thirteen",
    "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"};
constexpr std::array<std::string_view, 8> kTens = {"twenty", "thirty",  "forty",  "fifty",
                                                   "sixty",  "seventy", "eighty", "ninety"};
constexpr std::array<std::string_view, 20> kOrdinalUnits = {
    "zeroth",     "first",     "second",    "third",       "fourth",     "fifth",     "sixth",
    "seventh",    "eighth",    "ninth",     "tenth",       "eleventh",   "twelfth",   "thirteenth",
    "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth"};

std::optional<int> Lookup(std::string_view word, auto const& table, int offset, int step) {
  for (size_t i = 0; i < table.size(); ++i) {
    if (table[i] == word) {
      return offset + static_cast<int>(i) * step;
    }
  }
  return std::nullopt;
}

std::optional<int> Unit(std::string_view word) { return Lookup(word, kUnits, 0, 1); }
std::optional<int> Tens(std::string_view word) { return Lookup(word, kTens, 20, 10); }

// Reads a number 0..99 at `words[i]` ("five", "fifty", "fifty two").
// Advances `i` past it.
std::optional<int> ReadTwoDigits(const std::vector<std::string>& words, size_t& i) {
  if (i >= words.size()) {
    return std::nullopt;
  }
  if (auto unit = Unit(words[i])) {
    ++i;
    return *unit;
  }
  if (auto tens = Tens(words[i])) {
    ++i;
    if (i < words.size()) {
      if (auto unit = Unit(words[i]); unit && *unit > 0 && *unit < 10) {
        ++i;
        return *tens + *unit;
      }
    }
    return *tens;
  }
  return std::nullopt;
}

// Reads a spoken year at `words[i]`; advances `i` past it on success.
std::optional<int> ReadYear(const std::vector<std::string>& words, size_t& i) {
  size_t at = i;
  if (words[at] == "two" && at + 1 < words.size() && words[at + 1] == "thousand") {
    at += 2;
    if (at < words.size() && words[at] == "and") {
      ++at;
    }
    size_t rest = at;
    int year = 2000 + ReadTwoDigits(words, rest).value_or(0);
    i = rest;
    return year;
  }

  auto century = Unit(words[at]);
  if (!century || (*century != 18 && *century != 19)) {
    if (words[at] != "twenty") {
      return std::nullopt;
    }
    century = 20;
  }
  ++at;
  if (at >= words.size()) {
    return std::nullopt;
  }
  if (words[at] == "hundred") {
    i = at + 1;
    return *century * 100;
  }
  if (words[at] == "oh" && at + 1 < words.size()) {
    if (auto unit = Unit(words[at + 1]); unit && *unit > 0 && *unit < 10) {
      i = at + 2;
      return *century * 100 + *unit;
    }
    return std::nullopt;
  }
  auto rest = ReadTwoDigits(words, at);
  if (!rest || *rest < 10) {
    return std::nullopt;
  }
  i = at;
  return *century * 100 + *rest;
}

std::string OrdinalSuffix(int day) {
  if (day % 100 >= 11 && day % 100 <= 13) {
    return "th";
  }
  switch (day % 10) {
    case 1:
      return "st";
    case 2:
      return "nd";
    case 3:
      return "rd";
    default:
      return "th";
  }
}

// Reads an ordinal day 1..31 ("third", "twenty first", "thirtieth").
std::optional<int> ReadOrdinalDay(const std::vector<std::string>& words, size_t& i) {
  if (auto unit = Lookup(words[i], kOrdinalUnits, 0, 1); unit && *unit > 0) {
    ++i;
    return *unit;
  }
  if (words[i] == "twentieth" || words[i] == "thirtieth") {
    ++i;
    return words[i - 1] == "twentieth" ? 20 : 30;
  }
  if ((words[i] == "twenty" || words[i] == "thirty") && i + 1 < words.size()) {
    auto unit = Lookup(words[i + 1], kOrdinalUnits, 0, 1);
    int tens = words[i] == "twenty" ? 20 : 30;
    if (unit && *unit > 0 && *unit < 10 && tens + *unit <= 31) {
      i += 2;
      return tens + *unit;
    }
  }
  return std::nullopt;
}

std::vector<std::string> LowercaseWords(std::string_view text) {
  std::vector<std::string> words;
  std::istringstream stream{std::string(text)};
  std::string word;
  while (stream >> word) {
    for (char& c : word) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    words.push_back(word);
  }
  return words;
}

}  // namespace

std::string DigitizeSpokenDates(std::string_view text) {
  std::vector<std::string> words = LowercaseWords(text);
  std::string out;
  for (size_t i = 0; i < words.size();) {
    std::string token;
    size_t next = i;
    if (auto year = ReadYear(words, next); year && *year >= 1800 && *year <= 2099) {
      token = std::to_string(*year);
    } else if (next = i; auto day = ReadOrdinalDay(words, next)) {
      token = std::to_string(*day) + OrdinalSuffix(*day);
    } else {
      token = words[i];
      next = i + 1;
    }
    out += out.empty() ? "" : " ";
    out += token;
    i = next;
  }
  return out;
}

}  // namespace talegraph::transcript
