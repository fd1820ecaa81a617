#include "asr/verbose_json.h"

#include <gtest/gtest.h>

#include <string>

namespace talegraph::asr {
namespace {

// Returns the message of the TranscriptionError that parsing `body` throws.
std::string ParseFailure(std::string_view body) {
  try {
    ParseVerboseJson(body, 0);
  } catch (const TranscriptionError& error) {
    return error.what();
  }
  ADD_FAILURE() << "parsing did not fail: " << body;
  return {};
}

TEST(VerboseJson, OpenAiWordsAttachedAndOffset) {
  std::vector<Segment> segments = ParseVerboseJson(R"({
    "task": "transcribe", "language": "english", "duration": 4.0, "text": "Hello there. Bye.",
    "segments": [
      {"id": 1, "start": 2.0, "end": 4.0, "text": " Bye. "},
      {"id": 0, "start": 0, "end": 2.0, "text": " Hello there."}
    ],
    "words": [
      {"word": "Hello", "start": 0.1, "end": 0.5},
      {"word": "there", "start": 1.5, "end": 2.2},
      {"word": "Bye", "start": 2.4, "end": 2.8},
      {"word": "late", "start": 5.0, "end": 5.5}
    ]})",
                                                   100);
  ASSERT_EQ(segments.size(), 2u);
  EXPECT_DOUBLE_EQ(segments[0].start, 100);
  EXPECT_DOUBLE_EQ(segments[0].end, 102);
  EXPECT_EQ(segments[0].text, "Hello there.");
  EXPECT_EQ(segments[1].text, "Bye.");
  ASSERT_EQ(segments[0].words.size(), 2u);
  EXPECT_EQ(segments[0].words[1].text, "there");
  EXPECT_DOUBLE_EQ(segments[0].words[1].start, 101.5);
  // A word past every segment joins the nearest, the last one.
  ASSERT_EQ(segments[1].words.size(), 2u);
  EXPECT_EQ(segments[1].words[1].text, "late");
}

TEST(VerboseJson, WordInGapJoinsNearerSegment) {
  std::vector<Segment> segments = ParseVerboseJson(R"({"segments": [
      {"start": 0, "end": 1, "text": "a"}, {"start": 5, "end": 6, "text": "b"}],
    "words": [{"word": "x", "start": 1.2, "end": 1.4}, {"word": "y", "start": 4.0, "end": 4.6}]})",
                                                   0);
  ASSERT_EQ(segments.size(), 2u);
  ASSERT_EQ(segments[0].words.size(), 1u);
  EXPECT_EQ(segments[0].words[0].text, "x");
  ASSERT_EQ(segments[1].words.size(), 1u);
  EXPECT_EQ(segments[1].words[0].text, "y");
}

TEST(VerboseJson, WhisperCppTokensJoined) {
  std::vector<Segment> segments = ParseVerboseJson(R"({"segments": [
      {"id": 0, "start": 0, "end": 2, "text": " My grandmother.", "words": [
        {"word": " My", "start": 0.0, "end": 0.3},
        {"word": " grand", "start": 0.3, "end": 0.7},
        {"word": "mother", "start": 0.7, "end": 1.2},
        {"word": ".", "start": 1.2, "end": 1.3}]}]})",
                                                   10);
  ASSERT_EQ(segments.size(), 1u);
  ASSERT_EQ(segments[0].words.size(), 2u);
  EXPECT_EQ(segments[0].words[0].text, "My");
  EXPECT_EQ(segments[0].words[1].text, "grandmother.");
  EXPECT_DOUBLE_EQ(segments[0].words[1].start, 10.3);
  EXPECT_DOUBLE_EQ(segments[0].words[1].end, 11.3);
}

TEST(VerboseJson, SegmentWordsWithoutSpacesKept) {
  std::vector<Segment> segments = ParseVerboseJson(R"({"segments": [
      {"start": 0, "end": 2, "text": "a b", "words": [
        {"word": "a", "start": 0.0, "end": 0.3}, {"word": "b", "start": 0.5, "end": 0.9}]}]})",
                                                   0);
  ASSERT_EQ(segments[0].words.size(), 2u);
  EXPECT_EQ(segments[0].words[1].text, "b");
}

TEST(VerboseJson, EmptySegmentsAllowed) {
  EXPECT_TRUE(ParseVerboseJson(R"({"text": "", "segments": [], "words": null})", 0).empty());
}

TEST(VerboseJson, InvalidBodiesNamed) {
  EXPECT_NE(ParseFailure("<html>502</html>").find("not valid JSON"), std::string::npos);
  EXPECT_NE(ParseFailure("[1, 2]").find("the response is not a JSON object"), std::string::npos);
  EXPECT_NE(ParseFailure(R"({"text": "hi"})").find("no \"segments\" array"), std::string::npos);
  EXPECT_NE(ParseFailure(R"({"segments": [{"end": 1, "text": "a"}]})")
                .find("segments[0] has no numeric \"start\""),
            std::string::npos);
  EXPECT_NE(ParseFailure(R"({"segments": [{"start": 0, "end": 1}]})")
                .find("segments[0] has no string \"text\""),
            std::string::npos);
  EXPECT_NE(ParseFailure(R"({"segments": [], "words": [{"word": "a", "start": 0}]})")
                .find("words[0] has no numeric \"end\""),
            std::string::npos);
  EXPECT_NE(ParseFailure(R"({"segments": [], "words": 3})").find("not an array"),
            std::string::npos);
  EXPECT_NE(ParseFailure(R"({"error": "failed to process audio"})").find("failed to process audio"),
            std::string::npos);
}

TEST(VerboseJson, ServiceErrorMessages) {
  EXPECT_EQ(ServiceErrorMessage(R"({"error": {"message": "Bad key", "type": "x", "code": "y"}})"),
            "Bad key");
  EXPECT_EQ(ServiceErrorMessage(R"({"error": "failed to process audio"})"),
            "failed to process audio");
  EXPECT_EQ(ServiceErrorMessage(R"({"error": {"code": 3}})"), "");
  EXPECT_EQ(ServiceErrorMessage("Bad Gateway"), "");
}

}  // namespace
}  // namespace talegraph::asr
