#include "graph/normalize.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "graph/word_lists.h"

namespace talegraph::graph {
namespace {

struct KeyCase {
  std::string phrase;
  std::string expected_key;
};

// Returns the folded words of `text` whose role is `role`.
std::vector<std::string> WordsWithRole(const std::string& text, TokenRole role) {
  std::vector<std::string> words;
  for (const Token& token : Tokenize(text)) {
    if (token.role == role) {
      words.push_back(token.folded);
    }
  }
  return words;
}

TEST(NormalizeKey, CaseFolds) {
  EXPECT_EQ(NormalizeKey("Chicago"), "chicago");
  EXPECT_EQ(NormalizeKey("CHICAGO"), "chicago");
  EXPECT_EQ(NormalizeKey("chicago"), "chicago");
}

TEST(NormalizeKey, PluralsShareTheStem) {
  EXPECT_EQ(NormalizeKey("horse"), "hors");
  EXPECT_EQ(NormalizeKey("horses"), "hors");
  EXPECT_EQ(NormalizeKey("the Horses"), "hors");
  EXPECT_EQ(NormalizeKey("ponies"), NormalizeKey("pony"));
  EXPECT_EQ(NormalizeKey("churches"), NormalizeKey("church"));
}

TEST(NormalizeKey, PossessivesAreRemoved) {
  const KeyCase cases[] = {
      {"martha's", "martha"},
      {"Martha's", "martha"},
      {"Martha\xE2\x80\x99s", "martha"},  // U+2019, the typographic apostrophe
      {"the Smiths'", "smith"},
      {"Aunt Martha's horses", "aunt martha hors"},
  };
  for (const KeyCase& test_case : cases) {
    EXPECT_EQ(NormalizeKey(test_case.phrase), test_case.expected_key) << test_case.phrase;
  }
}

TEST(NormalizeNameKey, KinshipTitleIsDropped) {
  const KeyCase cases[] = {
      {"Aunt Martha", "martha"},  {"aunt martha's", "martha"},  {"Grandpa Joe", "joe"},
      {"Mrs Smith", "mrs smith"}, {"Doctor Lee", "doctor lee"}, {"Aunt", "aunt"},
      {"Chicago", "chicago"},
  };
  for (const KeyCase& test_case : cases) {
    EXPECT_EQ(NormalizeNameKey(test_case.phrase), test_case.expected_key) << test_case.phrase;
  }
}

TEST(NormalizeKey, FillersAreDropped) {
  const KeyCase cases[] = {
      {"um horses", "hors"},      {"uh, the uh farm", "farm"}, {"you know horses", "hors"},
      {"kind of a farm", "farm"}, {"sort of farm", "farm"},    {"i mean the farm", "farm"},
      {"like horses", "hors"},
  };
  for (const KeyCase& test_case : cases) {
    EXPECT_EQ(NormalizeKey(test_case.phrase), test_case.expected_key) << test_case.phrase;
  }
}

TEST(NormalizeKey, StopwordsAndNumbersAreDropped) {
  EXPECT_EQ(NormalizeKey("the horses of the farm"), "hors farm");
  EXPECT_EQ(NormalizeKey("three horses"), "hors");
  EXPECT_EQ(NormalizeKey("42 horses"), "hors");
  EXPECT_EQ(NormalizeKey("the and of"), "");
  EXPECT_EQ(NormalizeKey(""), "");
}

TEST(NormalizeKey, YearsKeepTheirDigits) {
  EXPECT_EQ(NormalizeKey("1952"), "1952");
  EXPECT_EQ(NormalizeKey("the 1950s"), "1950s");
  EXPECT_EQ(NormalizeKey("nineteen fifty two"), "1952");
  EXPECT_EQ(NormalizeKey("nineteen oh five"), "1905");
  EXPECT_EQ(NormalizeKey("nineteen sixteen"), "1916");
  EXPECT_EQ(NormalizeKey("nineteen hundred"), "1900");
  EXPECT_EQ(NormalizeKey("nineteen fifties"), "1950s");
  EXPECT_EQ(NormalizeKey("eighteen ninety"), "1890");
}

TEST(NormalizeKey, TwoWordPlaceKeepsItsStopword) {
  EXPECT_EQ(NormalizeKey("New York"), "new york");
  EXPECT_EQ(NormalizeKey("new york"), "new york");
}

TEST(Tokenize, FlagsSentenceStartsAndBreaks) {
  std::vector<Token> tokens = Tokenize("We met Mr. Harris. Then, Anna came!");
  ASSERT_EQ(tokens.size(), 7u);
  EXPECT_TRUE(tokens[0].sentence_start);   // We
  EXPECT_FALSE(tokens[3].sentence_start);  // Harris, after an abbreviation
  EXPECT_FALSE(tokens[3].break_before);
  EXPECT_TRUE(tokens[4].sentence_start);  // Then
  EXPECT_TRUE(tokens[5].break_before);    // Anna, after a comma
  EXPECT_FALSE(tokens[5].sentence_start);
  EXPECT_TRUE(tokens[5].capitalized);
  EXPECT_FALSE(tokens[6].capitalized);
}

TEST(Tokenize, KeepsInnerHyphensAndUtf8Letters) {
  std::vector<Token> tokens = Tokenize("ice-cream in Z\xC3\xBCrich \xE2\x80\x94 then");
  ASSERT_EQ(tokens.size(), 4u);
  EXPECT_EQ(tokens[0].surface, "ice-cream");
  EXPECT_EQ(tokens[2].surface, "Z\xC3\xBCrich");
  EXPECT_EQ(tokens[2].folded, "z\xC3\xBCrich");
  EXPECT_TRUE(tokens[3].break_before);  // after the em dash
}

TEST(Tokenize, MarksFillerPairsOnly) {
  EXPECT_EQ(WordsWithRole("you know the farm", TokenRole::kFiller),
            (std::vector<std::string>{"you", "know"}));
  // "you, know" has a break inside, so it is no filler.
  EXPECT_TRUE(WordsWithRole("you, know", TokenRole::kFiller).empty());
  EXPECT_EQ(WordsWithRole("um uh hmm", TokenRole::kFiller),
            (std::vector<std::string>{"um", "uh", "hmm"}));
}

TEST(Tokenize, ContractionsAreStopwords) {
  EXPECT_TRUE(WordsWithRole("didn't shouldn't they've o'brien", TokenRole::kContent) ==
              std::vector<std::string>{"o'brien"});
}

TEST(Tokenize, PastTenseVerbsAreStopwords) {
  EXPECT_EQ(WordsWithRole("father worked at the mill", TokenRole::kContent),
            (std::vector<std::string>{"father", "mill"}));
  // A capitalized word inside a sentence may be a name.
  EXPECT_EQ(WordsWithRole("we met Alfred", TokenRole::kContent),
            (std::vector<std::string>{"met", "alfred"}));
  EXPECT_EQ(WordsWithRole("the seed", TokenRole::kContent), (std::vector<std::string>{"seed"}));
}

TEST(Stopwords, CommonFunctionWords) {
  for (const char* word : {"the", "and", "of", "was", "i", "my", "because", "don't", "like"}) {
    EXPECT_TRUE(IsStopword(word)) << word;
  }
  for (const char* word : {"horse", "farm", "chicago", "piano", "army"}) {
    EXPECT_FALSE(IsStopword(word)) << word;
  }
}

TEST(HasCasing, NeedsBothCases) {
  EXPECT_TRUE(HasCasing("We moved to Iowa."));
  EXPECT_FALSE(HasCasing("we moved to iowa"));
  EXPECT_FALSE(HasCasing("WE MOVED TO IOWA"));
  EXPECT_FALSE(HasCasing("1952"));
}

TEST(StemWord, IsThreadSafe) {
  std::string expected = StemWord("running");
  std::vector<std::thread> threads;
  std::vector<std::string> results(8);
  for (size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back([&results, i] {
      for (int repeat = 0; repeat < 200; ++repeat) {
        results[i] = StemWord("running");
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(expected, "run");
  for (const std::string& result : results) {
    EXPECT_EQ(result, expected);
  }
}

}  // namespace
}  // namespace talegraph::graph
