#include "asr/utterance_splitter.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>
#include <span>
#include <vector>

namespace talegraph::asr {
namespace {

constexpr int kRate = 16000;
// Peak of the test tones, about 22 dB below full scale like loud speech.
constexpr double kToneAmplitude = 3000;

// Appends `seconds` of a 440 Hz tone.
void AppendTone(std::vector<int16_t>& samples, double seconds, double amplitude = kToneAmplitude) {
  size_t count = static_cast<size_t>(seconds * kRate);
  for (size_t i = 0; i < count; ++i) {
    double phase = 2 * std::numbers::pi * 440 * static_cast<double>(i) / kRate;
    samples.push_back(static_cast<int16_t>(amplitude * std::sin(phase)));
  }
}

// Appends `seconds` of syllables: 0.25 s of loud tone, then 0.05 s of faint
// tone, like the energy dips between the syllables of speech that keep an
// adaptive noise floor down.
void AppendSyllables(std::vector<int16_t>& samples, double seconds) {
  size_t end = samples.size() + static_cast<size_t>(seconds * kRate);
  while (samples.size() < end) {
    AppendTone(samples, 0.25);
    AppendTone(samples, 0.05, 100);
  }
  samples.resize(end);
}

// Appends `seconds` of white noise with samples in [-amplitude, amplitude].
void AppendNoise(std::vector<int16_t>& samples, double seconds, int amplitude, uint32_t seed) {
  std::mt19937 random(seed);
  std::uniform_int_distribution<int> distribution(-amplitude, amplitude);
  size_t count = static_cast<size_t>(seconds * kRate);
  for (size_t i = 0; i < count; ++i) {
    samples.push_back(static_cast<int16_t>(distribution(random)));
  }
}

void AppendSilence(std::vector<int16_t>& samples, double seconds) {
  samples.insert(samples.end(), static_cast<size_t>(seconds * kRate), 0);
}

struct SplitResult {
  std::vector<Utterance> utterances;
  uint64_t dropped = 0;
  uint64_t fed = 0;
};

SplitResult Split(const std::vector<int16_t>& samples, const SplitterSettings& settings,
                  size_t block_samples = 8000) {
  SplitResult result;
  UtteranceSplitter splitter(
      settings, [&](Utterance utterance) { result.utterances.push_back(std::move(utterance)); });
  std::span<const int16_t> rest(samples);
  while (!rest.empty()) {
    size_t count = std::min(block_samples, rest.size());
    splitter.Feed(rest.first(count));
    rest = rest.subspan(count);
  }
  splitter.Finish();
  result.dropped = splitter.samples_dropped();
  result.fed = splitter.samples_fed();
  return result;
}

double StartSeconds(const Utterance& utterance) {
  return static_cast<double>(utterance.start_sample) / kRate;
}

double EndSeconds(const Utterance& utterance) {
  return static_cast<double>(utterance.start_sample + utterance.samples.size()) / kRate;
}

TEST(UtteranceSplitter, SplitsBurstsAtPauses) {
  std::vector<int16_t> samples;
  AppendSilence(samples, 1);
  AppendTone(samples, 1);
  AppendSilence(samples, 1);
  AppendTone(samples, 2);
  AppendSilence(samples, 1);

  SplitResult result = Split(samples, {});

  ASSERT_EQ(result.utterances.size(), 2u);
  // Each burst with up to 0.2 s of padding on either side.
  EXPECT_NEAR(StartSeconds(result.utterances[0]), 0.8, 0.02);
  EXPECT_NEAR(EndSeconds(result.utterances[0]), 2.2, 0.02);
  EXPECT_NEAR(StartSeconds(result.utterances[1]), 2.8, 0.02);
  EXPECT_NEAR(EndSeconds(result.utterances[1]), 5.2, 0.02);
}

TEST(UtteranceSplitter, KeepsShortPauseInsideUtterance) {
  std::vector<int16_t> samples;
  AppendTone(samples, 1);
  AppendSilence(samples, 0.2);
  AppendTone(samples, 1);

  SplitResult result = Split(samples, {.max_utterance_seconds = 20, .min_pause_seconds = 0.3});

  ASSERT_EQ(result.utterances.size(), 1u);
  EXPECT_EQ(result.utterances[0].start_sample, 0u);
  EXPECT_EQ(result.utterances[0].samples.size(), samples.size());
}

TEST(UtteranceSplitter, AccountsForEverySample) {
  std::vector<int16_t> samples;
  AppendNoise(samples, 0.5, 20, 1);
  AppendTone(samples, 1.234);
  AppendNoise(samples, 2, 20, 2);
  AppendTone(samples, 0.5);
  samples.resize(samples.size() + 77);

  SplitResult result = Split(samples, {}, 1000);

  uint64_t delivered = 0;
  for (const Utterance& utterance : result.utterances) {
    delivered += utterance.samples.size();
  }
  EXPECT_EQ(result.fed, samples.size());
  EXPECT_EQ(delivered + result.dropped, samples.size());
}

TEST(UtteranceSplitter, UtterancesCarryTheirSamples) {
  std::vector<int16_t> samples;
  AppendSilence(samples, 0.7);
  AppendTone(samples, 1);
  AppendSilence(samples, 1);

  SplitResult result = Split(samples, {});

  ASSERT_EQ(result.utterances.size(), 1u);
  const Utterance& utterance = result.utterances[0];
  ASSERT_LE(utterance.start_sample + utterance.samples.size(), samples.size());
  std::vector<int16_t> expected(
      samples.begin() + static_cast<ptrdiff_t>(utterance.start_sample),
      samples.begin() + static_cast<ptrdiff_t>(utterance.start_sample + utterance.samples.size()));
  EXPECT_EQ(utterance.samples, expected);
}

TEST(UtteranceSplitter, BlockSizeDoesNotChangeResult) {
  std::vector<int16_t> samples;
  AppendNoise(samples, 0.3, 30, 3);
  AppendTone(samples, 0.9);
  AppendNoise(samples, 0.6, 30, 4);
  AppendTone(samples, 1.7);
  AppendNoise(samples, 0.25, 30, 5);

  SplitResult whole = Split(samples, {}, samples.size());
  SplitResult tiny = Split(samples, {}, 7);

  ASSERT_EQ(whole.utterances.size(), 2u);
  ASSERT_EQ(tiny.utterances.size(), whole.utterances.size());
  for (size_t i = 0; i < whole.utterances.size(); ++i) {
    EXPECT_EQ(tiny.utterances[i].start_sample, whole.utterances[i].start_sample);
    EXPECT_EQ(tiny.utterances[i].samples, whole.utterances[i].samples);
  }
}

TEST(UtteranceSplitter, CutsLongSpeechAtQuietestPoint) {
  // Syllables for 5 s, 0.15 s of silence, which is too short to end the
  // utterance, and 5 s more. With a 6 s limit the cut falls into the gap.
  std::vector<int16_t> samples;
  AppendSyllables(samples, 5);
  AppendSilence(samples, 0.15);
  AppendSyllables(samples, 5);

  SplitResult result = Split(samples, {.max_utterance_seconds = 6, .min_pause_seconds = 0.3});

  ASSERT_EQ(result.utterances.size(), 2u);
  EXPECT_GE(EndSeconds(result.utterances[0]), 5.0);
  EXPECT_LE(EndSeconds(result.utterances[0]), 5.15);
  EXPECT_EQ(result.utterances[1].start_sample,
            result.utterances[0].start_sample + result.utterances[0].samples.size());
}

TEST(UtteranceSplitter, LongSpeechStaysUnderLimit) {
  std::vector<int16_t> samples;
  AppendSyllables(samples, 65);

  SplitResult result = Split(samples, {.max_utterance_seconds = 20, .min_pause_seconds = 0.3});

  ASSERT_GE(result.utterances.size(), 4u);
  uint64_t next_start = 0;
  for (const Utterance& utterance : result.utterances) {
    EXPECT_LE(utterance.samples.size(), 20u * kRate);
    EXPECT_EQ(utterance.start_sample, next_start);
    next_start = utterance.start_sample + utterance.samples.size();
  }
  EXPECT_EQ(next_start, samples.size());
}

TEST(UtteranceSplitter, SteadyToneFadesIntoFloor) {
  // A constant sound is noise once the floor has risen to it, which takes
  // about 5.5 s for this tone at 3 dB a second.
  std::vector<int16_t> samples;
  AppendTone(samples, 30);

  SplitResult result = Split(samples, {});

  ASSERT_EQ(result.utterances.size(), 1u);
  EXPECT_LT(EndSeconds(result.utterances[0]), 7);
}

TEST(UtteranceSplitter, DropsSilenceAndFaintNoise) {
  std::vector<int16_t> samples;
  AppendSilence(samples, 2);
  AppendNoise(samples, 2, 40, 6);

  SplitResult result = Split(samples, {});

  EXPECT_TRUE(result.utterances.empty());
  EXPECT_EQ(result.dropped, samples.size());
}

TEST(UtteranceSplitter, DropsClick) {
  std::vector<int16_t> samples;
  AppendSilence(samples, 1);
  AppendTone(samples, 0.03);
  AppendSilence(samples, 1);

  SplitResult result = Split(samples, {});

  EXPECT_TRUE(result.utterances.empty());
}

TEST(UtteranceSplitter, AdaptsToSteadyNoise) {
  // Hiss 15 dB above the initial noise floor for 10 s, then a tone 20 dB
  // above the hiss, then hiss again. The start of the hiss counts as speech
  // until the floor has risen to it, and after that only the tone does.
  std::vector<int16_t> samples;
  AppendNoise(samples, 10, 1000, 7);
  double tone_start = static_cast<double>(samples.size()) / kRate;
  AppendTone(samples, 1, 8000);
  AppendNoise(samples, 2, 1000, 8);

  SplitResult result = Split(samples, {});

  ASSERT_GE(result.utterances.size(), 2u);
  EXPECT_LT(EndSeconds(result.utterances.front()), 5);
  const Utterance& last = result.utterances.back();
  EXPECT_NEAR(StartSeconds(last), tone_start - 0.2, 0.05);
  EXPECT_LT(EndSeconds(last), tone_start + 1.5);
  for (size_t i = 1; i + 1 < result.utterances.size(); ++i) {
    ADD_FAILURE() << "hiss at " << StartSeconds(result.utterances[i])
                  << " s counted as speech after the floor adapted";
  }
}

TEST(UtteranceSplitter, EmptyStreamGivesNothing) {
  SplitResult result = Split({}, {});

  EXPECT_TRUE(result.utterances.empty());
  EXPECT_EQ(result.dropped, 0u);
}

}  // namespace
}  // namespace talegraph::asr
