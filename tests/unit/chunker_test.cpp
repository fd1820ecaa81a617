#include "transcript/chunker.h"

#include <gtest/gtest.h>

namespace talegraph::transcript {
namespace {

asr::Segment MakeSegment(double start, double end) { return {start, end, "words", {}}; }

TEST(Chunker, EmptyInput) { EXPECT_TRUE(GroupIntoChunks({}, 60).empty()); }

TEST(Chunker, ShortRecordingIsOneChunk) {
  auto chunks = GroupIntoChunks({MakeSegment(0, 5), MakeSegment(6, 12)}, 60);
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_EQ(chunks[0].start, 0);
  EXPECT_EQ(chunks[0].end, 12);
  EXPECT_EQ(chunks[0].segments.size(), 2u);
}

TEST(Chunker, BreaksAtLongestPauseInWindow) {
  // 10-second segments with 0.5 s pauses, except a 3 s pause after the one
  // ending at 42 s; with a 60 s target the window is 30..90 s.
  std::vector<asr::Segment> segments;
  double t = 0;
  for (int i = 0; i < 12; ++i) {
    segments.push_back(MakeSegment(t, t + 10));
    t += 10 + (i == 3 ? 3.0 : 0.5);
  }
  auto chunks = GroupIntoChunks(segments, 60);
  ASSERT_GE(chunks.size(), 2u);
  EXPECT_EQ(chunks[0].segments.size(), 4u);
  EXPECT_DOUBLE_EQ(chunks[0].end, 41.5);
  EXPECT_DOUBLE_EQ(chunks[1].start, 44.5);
}

TEST(Chunker, ChunksCoverEverySegmentInOrder) {
  std::vector<asr::Segment> segments;
  for (int i = 0; i < 100; ++i) {
    segments.push_back(MakeSegment(i * 7.0, i * 7.0 + 6));
  }
  auto chunks = GroupIntoChunks(segments, 60);
  size_t total = 0;
  double previous_end = -1;
  for (const auto& chunk : chunks) {
    EXPECT_GT(chunk.start, previous_end);
    EXPECT_LE(chunk.end - chunk.start, 90.0);
    previous_end = chunk.end;
    total += chunk.segments.size();
  }
  EXPECT_EQ(total, segments.size());
}

TEST(Chunker, LongSegmentStandsAlone) {
  auto chunks = GroupIntoChunks({MakeSegment(0, 200), MakeSegment(201, 210)}, 60);
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(chunks[0].segments.size(), 1u);
  EXPECT_EQ(chunks[1].start, 201);
}

}  // namespace
}  // namespace talegraph::transcript
