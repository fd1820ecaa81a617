// Rewriting of years and days that speech recognizers spell out in words
// ("nineteen fifty two", "the third") as digits, so that date patterns can
// find them.
#pragma once

#include <string>
#include <string_view>

namespace talegraph::transcript {

// Returns `text` with spoken years from 1800 to 2099 ("nineteen fifty two",
// "nineteen oh five", "two thousand and ten") written as four digits and
// ordinal days ("third", "twenty first") as "3rd", "21st". Other words are
// kept, lowercased, separated by single spaces.
std::string DigitizeSpokenDates(std::string_view text);

}  // namespace talegraph::transcript
