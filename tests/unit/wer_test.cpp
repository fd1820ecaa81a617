#include "unit/wer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace talegraph::test {
namespace {

TEST(Wer, IdenticalTextsHaveNoErrors) {
  WordErrors errors = CountWordErrors("the cat sat", "the cat sat");

  EXPECT_EQ(errors.errors, 0u);
  EXPECT_EQ(errors.reference_words, 3u);
  EXPECT_DOUBLE_EQ(errors.Rate(), 0.0);
}

TEST(Wer, IgnoresCaseAndPunctuation) {
  EXPECT_DOUBLE_EQ(
      WordErrorRate("When you hear the bell, come quickly.", "when you hear the bell come quickly"),
      0.0);
}

TEST(Wer, CountsEachKindOfError) {
  // One substitution (sat/sit), one deletion (the) and one insertion (down).
  WordErrors errors = CountWordErrors("the cat sat on the mat", "the cat sit on mat down");

  EXPECT_EQ(errors.errors, 3u);
  EXPECT_EQ(errors.reference_words, 6u);
  EXPECT_DOUBLE_EQ(errors.Rate(), 0.5);
}

TEST(Wer, EmptyTexts) {
  EXPECT_DOUBLE_EQ(WordErrorRate("", ""), 0.0);
  EXPECT_DOUBLE_EQ(WordErrorRate("one two", ""), 1.0);
  EXPECT_DOUBLE_EQ(WordErrorRate("", "one two"), 2.0);
}

TEST(Wer, NormalizeKeepsInnerApostrophes) {
  std::vector<std::string> expected{"feed'st", "thy", "self", "substantial", "fuel", "world's"};

  EXPECT_EQ(NormalizeWords("Feed'st thy self-substantial fuel, 'world's'"), expected);
}

}  // namespace
}  // namespace talegraph::test
