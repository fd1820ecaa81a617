#include "asr/wav_piece.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "asr/transcriber.h"

namespace talegraph::asr {
namespace {

uint32_t ReadU32(const uint8_t* bytes) {
  return bytes[0] | bytes[1] << 8 | bytes[2] << 16 | static_cast<uint32_t>(bytes[3]) << 24;
}

uint16_t ReadU16(const uint8_t* bytes) { return static_cast<uint16_t>(bytes[0] | bytes[1] << 8); }

// Returns `seconds` of a loud square wave.
std::vector<int16_t> Loud(double seconds) {
  std::vector<int16_t> samples(static_cast<size_t>(seconds * kSampleRate));
  for (size_t i = 0; i < samples.size(); ++i) {
    samples[i] = (i / 20) % 2 == 0 ? 10000 : -10000;
  }
  return samples;
}

TEST(WavPiece, HeaderFields) {
  auto header = WavHeader(16000);
  EXPECT_EQ(std::memcmp(&header[0], "RIFF", 4), 0);
  EXPECT_EQ(ReadU32(&header[4]), 36u + 32000u);
  EXPECT_EQ(std::memcmp(&header[8], "WAVEfmt ", 8), 0);
  EXPECT_EQ(ReadU32(&header[16]), 16u);
  EXPECT_EQ(ReadU16(&header[20]), 1u);
  EXPECT_EQ(ReadU16(&header[22]), 1u);
  EXPECT_EQ(ReadU32(&header[24]), 16000u);
  EXPECT_EQ(ReadU32(&header[28]), 32000u);
  EXPECT_EQ(ReadU16(&header[32]), 2u);
  EXPECT_EQ(ReadU16(&header[34]), 16u);
  EXPECT_EQ(std::memcmp(&header[36], "data", 4), 0);
  EXPECT_EQ(ReadU32(&header[40]), 32000u);
}

TEST(WavPiece, FileIsHeaderAndPrefix) {
  WavPiece piece(4);
  std::vector<int16_t> samples = {1, -2, 3, 0x1234, 5};
  EXPECT_EQ(piece.Append(samples), 4u);
  EXPECT_TRUE(piece.full());
  std::string_view file = piece.WavFile(3);
  ASSERT_EQ(file.size(), kWavHeaderBytes + 6);
  auto header = WavHeader(3);
  EXPECT_EQ(file.substr(0, kWavHeaderBytes),
            std::string_view(reinterpret_cast<const char*>(header.data()), header.size()));
  EXPECT_EQ(file.substr(kWavHeaderBytes), std::string_view("\x01\x00\xfe\xff\x03\x00", 6));
  EXPECT_THROW(piece.WavFile(5), std::out_of_range);
}

TEST(WavPiece, EraseKeepsRest) {
  WavPiece piece(4);
  std::vector<int16_t> samples = {1, 2, 3, 4};
  piece.Append(samples);
  piece.Erase(3);
  ASSERT_EQ(piece.samples().size(), 1u);
  EXPECT_EQ(piece.samples()[0], 4);
  EXPECT_FALSE(piece.full());
  std::vector<int16_t> more = {5, 6, 7, 8};
  EXPECT_EQ(piece.Append(more), 3u);
  EXPECT_EQ(piece.samples()[3], 7);
}

TEST(WavPiece, CutLandsInSilence) {
  std::vector<int16_t> samples = Loud(10);
  size_t gap_start = static_cast<size_t>(7.2 * kSampleRate);
  size_t gap_end = static_cast<size_t>(7.5 * kSampleRate);
  std::fill(samples.begin() + gap_start, samples.begin() + gap_end, 0);
  size_t cut = FindQuietCut(samples, 5 * kSampleRate);
  EXPECT_GT(cut, gap_start);
  EXPECT_LT(cut, gap_end);
}

TEST(WavPiece, CutPrefersLatestAndLeavesTail) {
  std::vector<int16_t> silence(10 * kSampleRate, 0);
  size_t cut = FindQuietCut(silence, 5 * kSampleRate);
  EXPECT_LE(cut, silence.size() - kSampleRate / 10);
  EXPECT_GT(cut, silence.size() - kSampleRate / 10 - kSampleRate / 100);
}

TEST(WavPiece, CutWithoutRoomKeepsAll) {
  std::vector<int16_t> samples = Loud(1);
  EXPECT_EQ(FindQuietCut(samples, kSampleRate / 20), samples.size());
  EXPECT_EQ(FindQuietCut(std::vector<int16_t>(100), kSampleRate), 100u);
}

}  // namespace
}  // namespace talegraph::asr
