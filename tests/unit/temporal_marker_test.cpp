#include "transcript/temporal_marker.h"

#include <gtest/gtest.h>

#include "transcript/spoken_numbers.h"

namespace talegraph::transcript {
namespace {

TEST(TemporalMarker, ValidDates) {
  for (const char* text :
       {"1952", "1952-06", "1952-06-01", "2000-02-29", "1961-03-03T14:30", "1961-03-03T14:30:05",
        "1961-03-03T14:30:05.250Z", "1961-03-03T14:30:05+02:00", "1961-03-03T00:00-05:30"}) {
    EXPECT_TRUE(IsIso8601Date(text)) << text;
  }
}

TEST(TemporalMarker, InvalidDates) {
  for (const char* text :
       {"", "52", "1952-6-1", "1952-13", "1952-00", "1952-06-31", "1900-02-29", "1952-06-01T24:00",
        "1952-06-01T12:60", "1952-06-01T12:00:61", "1952/06/01", "June 1952", "1952-06-01 12:00",
        "1952-06-01T12", "1952-06-01T12:00+25:00", "19520601", "1952-06-01Z", " 1952"}) {
    EXPECT_FALSE(IsIso8601Date(text)) << text;
  }
}

struct DetectCase {
  const char* text;
  const char* expected;  // nullptr: no marker
};

TEST(TemporalMarker, Detection) {
  const DetectCase cases[] = {
      {"we moved to Chicago in 1952 with my uncle", "1952"},
      {"it was March 3rd, 1961 when she was born", "1961-03-03"},
      {"on 3 March 1961 the snow came", "1961-03-03"},
      {"the war ended in June 1945", "1945-06"},
      {"I was born in nineteen fifty two", "1952"},
      {"on march third nineteen sixty one", "1961-03-03"},
      {"in two thousand and five we sold the farm", "2005"},
      {"in nineteen oh five", "1905"},
      {"February 30th, 1961", nullptr},
      {"we had 1952 cows", nullptr},
      {"in 1492 the ships sailed", nullptr},
      {"nothing to date here", nullptr},
  };
  for (const auto& test_case : cases) {
    auto marker = DetectTemporalMarker(test_case.text);
    if (test_case.expected == nullptr) {
      EXPECT_FALSE(marker.has_value()) << test_case.text << " gave " << marker.value_or("");
    } else {
      ASSERT_TRUE(marker.has_value()) << test_case.text;
      EXPECT_EQ(*marker, test_case.expected) << test_case.text;
      EXPECT_TRUE(IsIso8601Date(*marker)) << *marker;
    }
  }
}

TEST(SpokenNumbers, Digitize) {
  EXPECT_EQ(DigitizeSpokenDates("In Nineteen Fifty Two"), "in 1952");
  EXPECT_EQ(DigitizeSpokenDates("the twenty first of may"), "the 21st of may");
  EXPECT_EQ(DigitizeSpokenDates("eighteen ninety nine"), "1899");
  EXPECT_EQ(DigitizeSpokenDates("nineteen hundred"), "1900");
  EXPECT_EQ(DigitizeSpokenDates("twenty twenty"), "2020");
  EXPECT_EQ(DigitizeSpokenDates("two dogs"), "two dogs");
  EXPECT_EQ(DigitizeSpokenDates("nineteen dogs"), "nineteen dogs");
}

}  // namespace
}  // namespace talegraph::transcript
