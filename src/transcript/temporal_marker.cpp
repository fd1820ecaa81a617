#include "transcript/temporal_marker.h"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <regex>

#include "transcript/spoken_numbers.h"

namespace talegraph::transcript {

namespace {

bool IsLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int DaysInMonth(int year, int month) {
  constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[static_cast<size_t>(month - 1)];
}

const std::regex& DatePattern() {
  static const std::regex pattern(
      R"(^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))?)?)?)?$)");
  return pattern;
}

int Field(const std::smatch& match, size_t index) { return std::stoi(match[index].str()); }

constexpr std::array<std::string_view, 12> kMonths = {
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december"};

// Returns the month 1..12 named by `word` (whole or its first three
// letters), or 0.
int MonthNumber(std::string word) {
  for (char& c : word) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  for (size_t i = 0; i < kMonths.size(); ++i) {
    if (word == kMonths[i] || (word.size() == 3 && kMonths[i].substr(0, 3) == word)) {
      return static_cast<int>(i) + 1;
    }
  }
  return 0;
}

std::optional<std::string> FormatDate(int year, int month, int day) {
  if (year < 1800 || year > 2099) {
    return std::nullopt;
  }
  if (month == 0) {
    return fmt::format("{:04d}", year);
  }
  if (day == 0) {
    return fmt::format("{:04d}-{:02d}", year, month);
  }
  if (day > DaysInMonth(year, month)) {
    return std::nullopt;
  }
  return fmt::format("{:04d}-{:02d}-{:02d}", year, month, day);
}

}  // namespace

bool IsIso8601Date(std::string_view text) {
  std::string value(text);
  std::smatch match;
  if (!std::regex_match(value, match, DatePattern())) {
    return false;
  }
  int year = Field(match, 1);
  if (match[2].matched) {
    int month = Field(match, 2);
    if (month < 1 || month > 12) {
      return false;
    }
    if (match[3].matched) {
      int day = Field(match, 3);
      if (day < 1 || day > DaysInMonth(year, month)) {
        return false;
      }
    }
  }
  if (match[4].matched && (Field(match, 4) > 23 || Field(match, 5) > 59)) {
    return false;
  }
  if (match[6].matched && Field(match, 6) > 59) {
    return false;
  }
  if (match[8].matched && (Field(match, 8) > 23 || Field(match, 9) > 59)) {
    return false;
  }
  return true;
}

std::optional<std::string> DetectTemporalMarker(std::string_view text) {
  static const std::regex month_day_year(
      R"(\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b)");
  static const std::regex day_month_year(
      R"(\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([A-Za-z]{3,9}),?\s+(\d{4})\b)");
  static const std::regex month_year(R"(\b([A-Za-z]{3,9}),?\s+(?:of\s+)?(\d{4})\b)");
  static const std::regex year(R"(\b(?:in|of|since|until|around|by|from)\s+(\d{4})\b)");

  std::string value = DigitizeSpokenDates(text);
  std::smatch match;
  if (std::regex_search(value, match, month_day_year)) {
    if (int month = MonthNumber(match[1].str()); month != 0) {
      return FormatDate(std::stoi(match[3].str()), month, std::stoi(match[2].str()));
    }
  }
  if (std::regex_search(value, match, day_month_year)) {
    if (int month = MonthNumber(match[2].str()); month != 0) {
      return FormatDate(std::stoi(match[3].str()), month, std::stoi(match[1].str()));
    }
  }
  for (auto it = std::sregex_iterator(value.begin(), value.end(), month_year);
       it != std::sregex_iterator(); ++it) {
    if (int month = MonthNumber((*it)[1].str()); month != 0) {
      return FormatDate(std::stoi((*it)[2].str()), month, 0);
    }
  }
  if (std::regex_search(value, match, year)) {
    return FormatDate(std::stoi(match[1].str()), 0, 0);
  }
  return std::nullopt;
}

}  // namespace talegraph::transcript
