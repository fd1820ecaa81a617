#include "graph/keyphrase.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace talegraph::graph {
namespace {

constexpr size_t kManyConcepts = 100;

ChunkConcepts ExtractAll(const std::string& text, const CorpusStats& corpus = {}) {
  return KeyphraseExtractor().Extract("chunk-test", text, corpus, kManyConcepts);
}

// Returns the concept with `key`, or null.
const Concept* FindKey(const ChunkConcepts& result, const std::string& key) {
  for (const Concept& entry : result.concepts) {
    if (entry.key == key) {
      return &entry;
    }
  }
  return nullptr;
}

std::vector<std::string> KeysOf(const ChunkConcepts& result) {
  std::vector<std::string> keys;
  for (const Concept& entry : result.concepts) {
    keys.push_back(entry.key);
  }
  return keys;
}

struct ExpectedConcept {
  std::string key;
  std::string name;
  std::string kind;
};

void ExpectConcepts(const std::string& text, const std::vector<ExpectedConcept>& expected) {
  ChunkConcepts result = ExtractAll(text);
  for (const ExpectedConcept& concept_case : expected) {
    const Concept* found = FindKey(result, concept_case.key);
    ASSERT_NE(found, nullptr) << "no concept \"" << concept_case.key << "\" in: " << text;
    EXPECT_EQ(found->name, concept_case.name) << concept_case.key;
    EXPECT_EQ(found->kind, concept_case.kind) << concept_case.key;
  }
}

TEST(Keyphrase, RecurringPhraseIsOneConcept) {
  ChunkConcepts result = ExtractAll("We had a dairy farm. The dairy farm had cows.");
  const Concept* farm = FindKey(result, "dairi farm");
  ASSERT_NE(farm, nullptr);
  EXPECT_EQ(farm->name, "dairy farm");
  EXPECT_EQ(farm->kind, "place");
  EXPECT_EQ(FindKey(result, "dairi"), nullptr);
  EXPECT_NE(FindKey(result, "cow"), nullptr);
}

TEST(Keyphrase, SinglePhraseSplitsIntoWords) {
  ChunkConcepts result = ExtractAll("he loved the steel mill");
  EXPECT_EQ(FindKey(result, "steel mill"), nullptr);
  EXPECT_NE(FindKey(result, "steel"), nullptr);
  EXPECT_NE(FindKey(result, "mill"), nullptr);
}

TEST(Keyphrase, PhraseRecurringInCorpusStaysWhole) {
  CorpusStats corpus = CountCorpus({"the steel mill", "near the steel mill", "a farm"});
  ChunkConcepts result = KeyphraseExtractor().Extract("c", "he loved the steel mill", corpus, 10);
  EXPECT_NE(FindKey(result, "steel mill"), nullptr);
  EXPECT_EQ(FindKey(result, "steel"), nullptr);
}

TEST(Keyphrase, PhrasesHaveAtMostThreeWords) {
  std::string text = "apple orchard cider press barn. apple orchard cider press barn.";
  for (const Concept& entry : ExtractAll(text).concepts) {
    EXPECT_LE(std::count(entry.key.begin(), entry.key.end(), ' '), 2) << entry.key;
  }
  EXPECT_NE(FindKey(ExtractAll(text), "appl orchard cider"), nullptr);
}

TEST(Keyphrase, NamesInCasedText) {
  ExpectConcepts("Last summer we visited Doctor Lee in Chicago. Martha keeps horses.",
                 {{"doctor lee", "Doctor Lee", "person"},
                  {"chicago", "Chicago", "place"},
                  {"martha", "Martha", "person"},
                  {"hors", "horses", "topic"}});
}

TEST(Keyphrase, NamesInLowerCaseText) {
  ExpectConcepts("last summer we visited mrs smith in chicago martha keeps horses",
                 {{"mrs smith", "Mrs Smith", "person"},
                  {"chicago", "Chicago", "place"},
                  {"martha", "Martha", "person"},
                  {"hors", "horses", "topic"}});
}

TEST(Keyphrase, KinshipTitleJoinsTheBareName) {
  for (const char* text : {"We visited Aunt Martha in Chicago. Martha keeps horses.",
                           "we visited aunt martha in chicago martha keeps horses"}) {
    ChunkConcepts result = ExtractAll(text);
    const Concept* martha = FindKey(result, "martha");
    ASSERT_NE(martha, nullptr) << text;
    EXPECT_EQ(martha->name, "Martha") << text;
    EXPECT_EQ(martha->kind, "person") << text;
    EXPECT_EQ(FindKey(result, "aunt martha"), nullptr) << text;
    EXPECT_EQ(FindKey(result, "aunt"), nullptr) << text;
  }
}

TEST(Keyphrase, FormOfAddressStaysInTheName) {
  ChunkConcepts result = ExtractAll("Mrs Smith and Mr Smith ran the bakery with Grandpa Joe.");
  EXPECT_NE(FindKey(result, "mrs smith"), nullptr);
  EXPECT_NE(FindKey(result, "mr smith"), nullptr);
  EXPECT_NE(FindKey(result, "joe"), nullptr);
  EXPECT_EQ(FindKey(result, "grandpa joe"), nullptr);
}

TEST(Keyphrase, CasedAndLowerCaseTextShareKeys) {
  std::string cased = "My uncle Joe drove from Denver to New York with Mister Harris.";
  std::string lower = "my uncle joe drove from denver to new york with mister harris";
  for (const char* key : {"joe", "denver", "new york", "mister harri"}) {
    EXPECT_NE(FindKey(ExtractAll(cased), key), nullptr) << key << " in cased text";
    EXPECT_NE(FindKey(ExtractAll(lower), key), nullptr) << key << " in lower-case text";
  }
}

TEST(Keyphrase, UpperCaseTextReadsAsLowerCase) {
  ExpectConcepts("WE LIVED IN OHIO WITH UNCLE TOM AND MARTHA'S HORSES",
                 {{"ohio", "Ohio", "place"},
                  {"tom", "Tom", "person"},
                  {"martha", "Martha", "person"},
                  {"hors", "horses", "topic"}});
  EXPECT_EQ(FindKey(ExtractAll("WE LIVED IN OHIO"), "live"), nullptr);
}

TEST(Keyphrase, SentenceStartIsNoName) {
  ChunkConcepts result = ExtractAll("Horses were everywhere. We loved horses.");
  const Concept* horses = FindKey(result, "hors");
  ASSERT_NE(horses, nullptr);
  EXPECT_EQ(horses->kind, "topic");
  EXPECT_EQ(horses->name, "Horses");
  EXPECT_EQ(result.concepts.size(), 1u);
}

TEST(Keyphrase, CapitalizedNameKinds) {
  ExpectConcepts(
      "We moved to Springfield. Anna opened a bakery on Colfax Avenue. We met Harris there.",
      {{"springfield", "Springfield", "place"},
       {"anna", "Anna", "person"},
       {"colfax avenu", "Colfax Avenue", "place"},
       {"harri", "Harris", "topic"},
       {"bakeri", "bakery", "place"}});
}

TEST(Keyphrase, TimeKinds) {
  ExpectConcepts(
      "In 1952 we married. In the sixties we lived in a town, in the 1970s too.",
      {{"1952", "1952", "time"}, {"sixti", "sixties", "time"}, {"1970s", "1970s", "time"}});
  ExpectConcepts("i was born in nineteen fifty two", {{"1952", "nineteen fifty two", "time"}});
}

TEST(Keyphrase, CalendarWordsAreTimes) {
  ExpectConcepts("In March we sailed to Ireland. At Christmas my Father sang.",
                 {{"march", "March", "time"},
                  {"ireland", "Ireland", "place"},
                  {"christma", "Christmas", "time"},
                  {"father", "Father", "person"}});
  ExpectConcepts("that winter we stayed home", {{"winter", "winter", "time"}});
}

TEST(Keyphrase, FamilyWordsArePeople) {
  ExpectConcepts("my grandfather grew corn and my brother played trumpet",
                 {{"grandfath", "grandfather", "person"},
                  {"brother", "brother", "person"},
                  {"corn", "corn", "topic"}});
}

TEST(Keyphrase, FillersAreNotConcepts) {
  ChunkConcepts result = ExtractAll("um, you know, uh, the horses, i mean, kind of horses");
  EXPECT_EQ(KeysOf(result), (std::vector<std::string>{"hors"}));
}

TEST(Keyphrase, WeightIsTfIdf) {
  CorpusStats corpus;
  corpus.chunk_count = 10;
  corpus.chunks_with_key = {{"hors", 9}, {"piano", 1}};
  ChunkConcepts result = KeyphraseExtractor().Extract("c", "horses, horses, piano", corpus, 10);
  ASSERT_EQ(KeysOf(result), (std::vector<std::string>{"piano", "hors"}));
  EXPECT_DOUBLE_EQ(result.concepts[0].weight, std::log(11.0 / 2.0) + 1);
  EXPECT_DOUBLE_EQ(result.concepts[1].weight, 2 * (std::log(11.0 / 10.0) + 1));
}

TEST(Keyphrase, NamedKindsWeighMore) {
  ChunkConcepts result = ExtractAll("piano, Chicago");
  ASSERT_EQ(KeysOf(result), (std::vector<std::string>{"chicago", "piano"}));
  EXPECT_DOUBLE_EQ(result.concepts[0].weight, kNamedKindFactor);
  EXPECT_DOUBLE_EQ(result.concepts[1].weight, 1.0);
}

TEST(Keyphrase, TopConceptsAreKept) {
  std::string text = "piano piano piano, trumpet trumpet, drum";
  ChunkConcepts result = KeyphraseExtractor().Extract("c", text, {}, 2);
  EXPECT_EQ(KeysOf(result), (std::vector<std::string>{"piano", "trumpet"}));
  EXPECT_TRUE(KeyphraseExtractor().Extract("c", text, {}, 0).concepts.empty());
}

TEST(Keyphrase, TiesAreOrderedByKey) {
  EXPECT_EQ(KeysOf(ExtractAll("zebra, apple, mango")),
            (std::vector<std::string>{"appl", "mango", "zebra"}));
}

TEST(Keyphrase, OutputIsDeterministic) {
  std::ifstream file(std::string(TALEGRAPH_SOURCE_DIR) + "/scripts/demo_story.txt");
  std::ostringstream story;
  story << file.rdbuf();
  ASSERT_FALSE(story.str().empty());
  CorpusStats corpus = CountCorpus({story.str(), "the farm in Iowa", "Anna and the bakery"});
  ChunkConcepts first = KeyphraseExtractor().Extract("c", story.str(), corpus, 8);
  ChunkConcepts second = KeyphraseExtractor().Extract("c", story.str(), corpus, 8);
  ASSERT_EQ(first.concepts.size(), 8u);
  ASSERT_EQ(KeysOf(first), KeysOf(second));
  for (size_t i = 0; i < first.concepts.size(); ++i) {
    EXPECT_EQ(first.concepts[i].weight, second.concepts[i].weight);
    EXPECT_EQ(first.concepts[i].name, second.concepts[i].name);
  }
  for (size_t i = 1; i < first.concepts.size(); ++i) {
    EXPECT_GE(first.concepts[i - 1].weight, first.concepts[i].weight);
  }
}

TEST(Keyphrase, EmptyTextHasNoConcepts) {
  EXPECT_TRUE(ExtractAll("").concepts.empty());
  EXPECT_TRUE(ExtractAll("um, uh, the, and... 42!").concepts.empty());
  EXPECT_TRUE(ExtractAll("").relations.empty());
}

TEST(CountCorpus, CountsChunksPerKey) {
  CorpusStats corpus = CountCorpus({"horses run", "horses, horses", "Anna went to Chicago", ""});
  EXPECT_EQ(corpus.chunk_count, 4u);
  EXPECT_EQ(corpus.chunks_with_key.at("hors"), 2u);
  EXPECT_EQ(corpus.chunks_with_key.at("hors run"), 1u);
  EXPECT_EQ(corpus.chunks_with_key.at("run"), 1u);
  EXPECT_EQ(corpus.chunks_with_key.at("anna"), 1u);
  EXPECT_EQ(corpus.chunks_with_key.at("chicago"), 1u);
  EXPECT_FALSE(corpus.chunks_with_key.contains(""));
  EXPECT_FALSE(corpus.chunks_with_key.contains("went"));
}

TEST(InverseChunkFrequency, ClampsAndSmooths) {
  CorpusStats corpus;
  EXPECT_DOUBLE_EQ(InverseChunkFrequency(corpus, "hors"), 1.0);
  corpus.chunk_count = 3;
  corpus.chunks_with_key = {{"hors", 7}};
  EXPECT_DOUBLE_EQ(InverseChunkFrequency(corpus, "hors"), 1.0);
  EXPECT_DOUBLE_EQ(InverseChunkFrequency(corpus, "piano"), std::log(4.0) + 1);
}

}  // namespace
}  // namespace talegraph::graph
