#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "api/audio_parts.h"
#include "audio/byte_source.h"
#include "audio/decoder.h"
#include "store/sqlite_document_store.h"
#include "unit/wav_header.h"

namespace talegraph::audio {
namespace {

namespace fs = std::filesystem;

// Sentence that flite speaks for the synthetic inputs, about 3.7 s long.
constexpr char kSpeechText[] = "My grandmother grew up in a small village by the sea.";
// RMS, in 16-bit sample units, above which decoded audio counts as not silent.
constexpr double kSpeechRms = 300;
constexpr double kDurationToleranceSeconds = 0.2;
constexpr double kSampleCountTolerance = 0.05;

// Runs `command` through the shell and returns its exit status.
int RunShell(const std::string& command) {
  int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool HasTool(const std::string& tool) {
  return RunShell("command -v " + tool + " >/dev/null 2>&1") == 0;
}

bool HasFfmpegEncoder(const std::string& encoder) {
  return RunShell("ffmpeg -hide_banner -encoders 2>/dev/null | grep -qw " + encoder) == 0;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << file.rdbuf();
  return bytes.str();
}

// What a decode delivered to its sink.
struct Decoded {
  AudioInfo info;
  std::vector<int16_t> samples;
  size_t blocks = 0;
  // Blocks other than the last whose size differs from the requested one.
  size_t short_blocks = 0;

  double Rms() const {
    double sum = 0;
    for (int16_t sample : samples) {
      sum += static_cast<double>(sample) * sample;
    }
    return samples.empty() ? 0 : std::sqrt(sum / static_cast<double>(samples.size()));
  }
};

Decoded Decode(ByteSource& source, size_t block_samples = kDefaultBlockSamples) {
  Decoded decoded;
  size_t last_block_size = block_samples;
  decoded.info = DecodeToPcm16kMono(
      source,
      [&](std::span<const int16_t> block) {
        if (last_block_size != block_samples) {
          ++decoded.short_blocks;
        }
        last_block_size = block.size();
        ++decoded.blocks;
        decoded.samples.insert(decoded.samples.end(), block.begin(), block.end());
      },
      block_samples);
  return decoded;
}

Decoded DecodeFile(const fs::path& path) {
  FileSource source(path.string());
  return Decode(source);
}

// Returns the message of the DecodeError that decoding `source` throws, or
// "(no error)" when it succeeds.
std::string DecodeErrorMessage(ByteSource& source) {
  try {
    Decode(source);
  } catch (const DecodeError& error) {
    return error.what();
  }
  return "(no error)";
}

std::string DecodeErrorMessage(const std::string& bytes) {
  StringSource source(bytes);
  return DecodeErrorMessage(source);
}

// Test inputs made at test time with flite and the ffmpeg tool in a
// temporary folder. A test skips when a tool is missing and fails when a
// present tool fails.
class AudioDecoderTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string pattern = (fs::temp_directory_path() / "talegraph_audio_XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) {
      directory_ = pattern;
    }
  }

  static void TearDownTestSuite() {
    std::error_code ignored;
    fs::remove_all(directory_, ignored);
    directory_.clear();
    speech_seconds_ = 0;
  }

  void SetUp() override {
    ASSERT_FALSE(directory_.empty()) << "cannot create a temporary folder";
    for (const char* tool : {"flite", "ffmpeg", "ffprobe"}) {
      if (!HasTool(tool)) {
        GTEST_SKIP() << tool << " is not installed";
      }
    }
    if (speech_seconds_ == 0) {
      Run("flite -voice rms -t '" + std::string(kSpeechText) + "' -o " + Speech().string());
      speech_seconds_ = ProbeSeconds(Speech());
    }
  }

  static fs::path Path(const std::string& name) { return directory_ / name; }
  static fs::path Speech() { return Path("speech.wav"); }
  static double SpeechSeconds() { return speech_seconds_; }

  // Runs `command` and returns its output, stdout and stderr together.
  // Throws, failing the test, when it fails.
  static std::string Run(const std::string& command) {
    fs::path log = Path("command.log");
    if (RunShell(command + " >" + log.string() + " 2>&1") != 0) {
      throw std::runtime_error("command failed: " + command + "\n" + ReadFile(log));
    }
    return ReadFile(log);
  }

  // Converts the speech with the ffmpeg tool, `arguments` placed between the
  // input and the output file `name`, and returns the output's path.
  static fs::path Convert(const std::string& arguments, const std::string& name) {
    fs::path output = Path(name);
    Run("ffmpeg -hide_banner -nostdin -y -i " + Speech().string() + " " + arguments + " " +
        output.string());
    return output;
  }

  // Returns the container duration that ffprobe reports, in seconds.
  static double ProbeSeconds(const fs::path& path) {
    return std::stod(
        Run("ffprobe -v error -show_entries format=duration -of csv=p=0 " + path.string()));
  }

 private:
  static inline fs::path directory_;
  static inline double speech_seconds_ = 0;
};

// One container and codec of the speech, as the ffmpeg tool writes it.
struct FormatCase {
  std::string name;
  // Arguments between the speech input and the output file.
  std::string arguments;
  std::string file_name;
  // ffmpeg encoder that `arguments` needs, or empty.
  std::string encoder;
  std::string codec;
  std::string container;
  int sample_rate;
  int channels;
};

void PrintTo(const FormatCase& format, std::ostream* out) { *out << format.name; }

class AudioDecoderFormatTest : public AudioDecoderTest,
                               public ::testing::WithParamInterface<FormatCase> {};

TEST_P(AudioDecoderFormatTest, DecodesSpeech) {
  const FormatCase& format = GetParam();
  if (!format.encoder.empty() && !HasFfmpegEncoder(format.encoder)) {
    GTEST_SKIP() << "ffmpeg has no " << format.encoder << " encoder";
  }
  fs::path input = Convert(format.arguments, format.file_name);

  Decoded decoded = DecodeFile(input);

  EXPECT_EQ(decoded.info.codec, format.codec);
  EXPECT_EQ(decoded.info.container, format.container);
  EXPECT_EQ(decoded.info.sample_rate, format.sample_rate);
  EXPECT_EQ(decoded.info.channels, format.channels);
  EXPECT_NEAR(decoded.info.duration_seconds, SpeechSeconds(), kDurationToleranceSeconds);
  EXPECT_NEAR(static_cast<double>(decoded.samples.size()), SpeechSeconds() * kPcmSampleRate,
              SpeechSeconds() * kPcmSampleRate * kSampleCountTolerance);
  EXPECT_EQ(decoded.info.pcm_samples, decoded.samples.size());
  EXPECT_EQ(decoded.short_blocks, 0u);
  EXPECT_EQ(decoded.info.skipped_packets, 0u);
  EXPECT_GT(decoded.Rms(), kSpeechRms);
}

constexpr char kMp4[] = "mov,mp4,m4a,3gp,3g2,mj2";

INSTANTIATE_TEST_SUITE_P(
    Formats, AudioDecoderFormatTest,
    ::testing::Values(
        FormatCase{"Wav", "-c:a pcm_s16le", "speech.out.wav", "", "pcm_s16le", "wav", 16000, 1},
        FormatCase{"Mp3", "-c:a libmp3lame", "speech.mp3", "libmp3lame", "mp3", "mp3", 16000, 1},
        FormatCase{"M4aIndexAtEnd", "-c:a aac", "speech_end.m4a", "aac", "aac", kMp4, 16000, 1},
        FormatCase{"M4aFaststart", "-c:a aac -movflags +faststart", "speech_fast.m4a", "aac", "aac",
                   kMp4, 16000, 1},
        FormatCase{"Amr3gp", "-ar 8000 -ac 1 -c:a libopencore_amrnb", "speech.3gp",
                   "libopencore_amrnb", "amr_nb", kMp4, 8000, 1},
        FormatCase{"OggVorbis", "-c:a libvorbis", "speech.ogg", "libvorbis", "vorbis", "ogg", 16000,
                   1},
        FormatCase{"OggOpus", "-c:a libopus", "speech.opus", "libopus", "opus", "ogg", 48000, 1},
        FormatCase{"WebmOpus", "-c:a libopus", "speech.webm", "libopus", "opus", "matroska,webm",
                   48000, 1},
        FormatCase{"Flac", "-c:a flac", "speech.flac", "flac", "flac", "flac", 16000, 1},
        FormatCase{
            "VideoWithAudio",
            "-f lavfi -i testsrc=duration=3:size=160x120 -map 1:v -map 0:a -c:v mpeg4 -c:a aac",
            "speech_video.mp4", "mpeg4", "aac", kMp4, 16000, 1},
        FormatCase{"Wav8kHz", "-ar 8000", "speech_8k.wav", "", "pcm_s16le", "wav", 8000, 1},
        FormatCase{"Wav96kHz", "-ar 96000", "speech_96k.wav", "", "pcm_s16le", "wav", 96000, 1},
        FormatCase{"WavStereo", "-ac 2", "speech_stereo.wav", "", "pcm_s16le", "wav", 16000, 2},
        FormatCase{"Aac51", "-af 'pan=5.1|FL=c0|FR=c0|FC=c0|LFE=c0|BL=c0|BR=c0' -c:a aac",
                   "speech_51.m4a", "aac", "aac", kMp4, 16000, 6}),
    [](const ::testing::TestParamInfo<FormatCase>& info) { return info.param.name; });

// Returns the offset of the first MP4 box of type `type`, or npos.
size_t BoxOffset(const std::string& bytes, const std::string& type) { return bytes.find(type); }

TEST_F(AudioDecoderTest, Mp4DefaultPutsIndexAtEnd) {
  std::string bytes = ReadFile(Convert("-c:a aac", "layout_end.m4a"));
  ASSERT_NE(BoxOffset(bytes, "moov"), std::string::npos);
  EXPECT_GT(BoxOffset(bytes, "moov"), BoxOffset(bytes, "mdat"));
}

TEST_F(AudioDecoderTest, Mp4FaststartPutsIndexFirst) {
  std::string bytes = ReadFile(Convert("-c:a aac -movflags +faststart", "layout_fast.m4a"));
  ASSERT_NE(BoxOffset(bytes, "mdat"), std::string::npos);
  EXPECT_LT(BoxOffset(bytes, "moov"), BoxOffset(bytes, "mdat"));
}

TEST_F(AudioDecoderTest, AmrNarrowband) {
  if (HasFfmpegEncoder("libopencore_amrnb")) {
    GTEST_SKIP() << "covered by Formats/AudioDecoderFormatTest.DecodesSpeech/Amr3gp";
  }
  // Without an AMR encoder, the real Android recording is used instead.
  const char* directory = std::getenv("TALEGRAPH_TEST_AUDIO_DIR");
  if (directory == nullptr) {
    GTEST_SKIP() << "ffmpeg has no AMR encoder and TALEGRAPH_TEST_AUDIO_DIR is not set";
  }
  Decoded decoded = DecodeFile(fs::path(directory) / "sample_amrnb_8k.amr");
  EXPECT_EQ(decoded.info.codec, "amr_nb");
  EXPECT_EQ(decoded.info.container, "amr");
  EXPECT_EQ(decoded.info.sample_rate, 8000);
  EXPECT_NEAR(decoded.info.duration_seconds, 35.3, kDurationToleranceSeconds);
  EXPECT_GT(decoded.Rms(), kSpeechRms);
}

TEST_F(AudioDecoderTest, SilenceDecodes) {
  fs::path input = Path("silence.wav");
  Run("ffmpeg -hide_banner -nostdin -y -f lavfi -i anullsrc=r=44100:cl=stereo -t 3 " +
      input.string());
  Decoded decoded = DecodeFile(input);
  EXPECT_NEAR(decoded.info.duration_seconds, 3.0, kDurationToleranceSeconds);
  EXPECT_NEAR(static_cast<double>(decoded.samples.size()), 3.0 * kPcmSampleRate,
              3.0 * kPcmSampleRate * kSampleCountTolerance);
  EXPECT_LT(decoded.Rms(), 1.0);
}

TEST_F(AudioDecoderTest, VideoWithoutAudioFails) {
  fs::path input = Path("video_only.mp4");
  Run("ffmpeg -hide_banner -nostdin -y -f lavfi -i testsrc=duration=3:size=160x120 -c:v mpeg4 " +
      input.string());
  FileSource source(input.string());
  std::string message = DecodeErrorMessage(source);
  EXPECT_TRUE(message.starts_with("no audio stream")) << message;
}

TEST_F(AudioDecoderTest, RandomBytesFail) {
  std::mt19937 random(12345);
  std::string bytes(100'000, '\0');
  for (char& byte : bytes) {
    byte = static_cast<char>(random() & 0xff);
  }
  std::string message = DecodeErrorMessage(bytes);
  EXPECT_TRUE(message.starts_with("not an audio file")) << message;
}

TEST_F(AudioDecoderTest, TextFails) {
  std::string message = DecodeErrorMessage(std::string(2000, 'a') + "\nnot audio\n");
  EXPECT_TRUE(message.starts_with("not an audio file")) << message;
}

TEST_F(AudioDecoderTest, EmptyInputFails) {
  std::string message = DecodeErrorMessage(std::string());
  EXPECT_TRUE(message.starts_with("empty input")) << message;
}

// Returns a canonical 16-bit mono PCM WAV file of `data_bytes` zero bytes whose
// header declares `sample_rate`.
std::string WavWithSampleRate(uint32_t sample_rate, uint32_t data_bytes) {
  return test_audio::WavHeader(sample_rate, data_bytes) + std::string(data_bytes, '\0');
}

// A header that declared about 2 GHz once made libswresample allocate 2 GB.
TEST_F(AudioDecoderTest, HugeSampleRateFails) {
  std::string message = DecodeErrorMessage(WavWithSampleRate(1'946'164'032, 4000));
  EXPECT_TRUE(message.starts_with("unsupported sample rate 1946164032 Hz")) << message;
}

TEST_F(AudioDecoderTest, MaxSampleRateDecodes) {
  StringSource source(WavWithSampleRate(768'000, 76'800));
  uint64_t samples = 0;
  AudioInfo info = DecodeToPcm16kMono(
      source, [&samples](std::span<const int16_t> block) { samples += block.size(); });
  EXPECT_EQ(info.sample_rate, 768'000);
  EXPECT_EQ(samples, info.pcm_samples);
  EXPECT_GT(samples, 0u);
}

TEST_F(AudioDecoderTest, HeaderOnlyWavFails) {
  fs::path input = Path("header_only.wav");
  Run("ffmpeg -hide_banner -nostdin -y -f lavfi -i anullsrc=r=16000:cl=mono -frames:a 0 " +
      input.string());
  std::string message = DecodeErrorMessage(ReadFile(input));
  EXPECT_TRUE(message.starts_with("no audio samples")) << message;
}

TEST_F(AudioDecoderTest, TruncatedM4aIndexAtEndFails) {
  std::string bytes = ReadFile(Convert("-c:a aac", "truncated_end.m4a"));
  std::string message = DecodeErrorMessage(bytes.substr(0, bytes.size() * 3 / 10));
  EXPECT_TRUE(message.starts_with("unreadable mov,mp4")) << message;
  EXPECT_NE(message.find("truncated"), std::string::npos) << message;
}

TEST_F(AudioDecoderTest, TruncatedM4aFaststartFails) {
  std::string bytes = ReadFile(Convert("-c:a aac -movflags +faststart", "truncated_fast.m4a"));
  std::string message = DecodeErrorMessage(bytes.substr(0, bytes.size() * 3 / 10));
  EXPECT_TRUE(message.starts_with("truncated input")) << message;
}

TEST_F(AudioDecoderTest, TruncatedMp3Fails) {
  std::string bytes = ReadFile(Convert("-c:a libmp3lame", "truncated.mp3"));
  std::string message = DecodeErrorMessage(bytes.substr(0, bytes.size() * 3 / 10));
  EXPECT_TRUE(message.starts_with("truncated input")) << message;
}

// Returns the offsets of the first and one past the last payload byte of
// the `mdat` box of an MP4 file with a 32-bit box size.
std::pair<size_t, size_t> MediaDataRange(const std::string& bytes) {
  size_t type = BoxOffset(bytes, "mdat");
  if (type == std::string::npos || type < 4) {
    throw std::runtime_error("no mdat box");
  }
  uint32_t size = 0;
  for (size_t i = type - 4; i < type; ++i) {
    size = (size << 8) | static_cast<uint8_t>(bytes[i]);
  }
  return {type + 4, type - 4 + size};
}

TEST_F(AudioDecoderTest, DamagedPacketIsSkipped) {
  std::string bytes = ReadFile(Convert("-c:a aac -movflags +faststart", "damaged_one.m4a"));
  auto [begin, end] = MediaDataRange(bytes);
  bytes.replace((begin + end) / 2, 16, 16, '\xff');
  StringSource source(bytes);

  Decoded decoded = Decode(source);

  EXPECT_EQ(decoded.info.skipped_packets, 1u);
  EXPECT_NEAR(decoded.info.duration_seconds, SpeechSeconds(), kDurationToleranceSeconds);
  EXPECT_GT(decoded.Rms(), kSpeechRms);
}

TEST_F(AudioDecoderTest, DamagedMediaDataFails) {
  std::string bytes = ReadFile(Convert("-c:a aac -movflags +faststart", "damaged_all.m4a"));
  auto [begin, end] = MediaDataRange(bytes);
  std::mt19937 random(7);
  for (size_t i = begin; i < end; ++i) {
    bytes[i] = static_cast<char>(random() & 0xff);
  }
  std::string message = DecodeErrorMessage(bytes);
  EXPECT_TRUE(message.starts_with("corrupt or unsupported audio")) << message;
}

TEST_F(AudioDecoderTest, BlocksHaveRequestedSize) {
  StringSource source(ReadFile(Speech()));
  Decoded decoded = Decode(source, 1000);
  EXPECT_EQ(decoded.short_blocks, 0u);
  EXPECT_EQ(decoded.blocks, (decoded.samples.size() + 999) / 1000);
}

TEST_F(AudioDecoderTest, ZeroBlockSizeIsRejected) {
  StringSource source(ReadFile(Speech()));
  EXPECT_THROW(DecodeToPcm16kMono(
                   source, [](std::span<const int16_t>) {}, 0),
               std::invalid_argument);
}

TEST_F(AudioDecoderTest, SinkExceptionPropagates) {
  struct SinkFull {};
  StringSource source(ReadFile(Speech()));
  int calls = 0;
  EXPECT_THROW(DecodeToPcm16kMono(source,
                                  [&](std::span<const int16_t>) {
                                    ++calls;
                                    throw SinkFull{};
                                  }),
               SinkFull);
  EXPECT_EQ(calls, 1);
}

TEST_F(AudioDecoderTest, ConcurrentDecodesAgree) {
  std::string bytes = ReadFile(Convert("-c:a aac", "concurrent.m4a"));
  StringSource reference_source(bytes);
  std::vector<int16_t> reference = Decode(reference_source).samples;

  constexpr int kThreads = 4;
  std::vector<std::vector<int16_t>> results(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&bytes, &results, i] {
      StringSource source(bytes);
      results[i] = Decode(source).samples;
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  for (const auto& result : results) {
    EXPECT_EQ(result, reference);
  }
}

// Stores `bytes` as recording `recording_id` in parts of `part_bytes`.
void StoreRecording(store::DocumentStore& documents, const std::string& recording_id,
                    const std::string& bytes, size_t part_bytes) {
  api::RecordingPartWriter writer(documents, recording_id, part_bytes);
  writer.Append(bytes);
  writer.Finish();
}

TEST_F(AudioDecoderTest, StoredM4aWithIndexAtEnd) {
  std::string bytes = ReadFile(Convert("-c:a aac", "stored_end.m4a"));
  store::SqliteDocumentStore documents(":memory:");
  constexpr size_t kPartBytes = 4096;
  StoreRecording(documents, "r1", bytes, kPartBytes);
  uint64_t part_count = (bytes.size() + kPartBytes - 1) / kPartBytes;

  StoredRecordingSource stored(documents, "r1", bytes.size(), kPartBytes);
  Decoded from_store = Decode(stored);
  StringSource memory(bytes);
  Decoded from_memory = Decode(memory);

  EXPECT_EQ(from_store.info.codec, "aac");
  EXPECT_EQ(from_store.samples, from_memory.samples);
  EXPECT_NEAR(from_store.info.duration_seconds, SpeechSeconds(), kDurationToleranceSeconds);
  // Reaching the index at the end and returning to the media data fetch
  // some parts twice, but no more.
  EXPECT_GE(stored.part_fetches(), part_count);
  EXPECT_LE(stored.part_fetches(), 2 * part_count);
}

TEST_F(AudioDecoderTest, StoredWavMatchesMemory) {
  std::string bytes = ReadFile(Speech());
  store::SqliteDocumentStore documents(":memory:");
  constexpr size_t kPartBytes = 4096;
  StoreRecording(documents, "r2", bytes, kPartBytes);
  uint64_t part_count = (bytes.size() + kPartBytes - 1) / kPartBytes;

  StoredRecordingSource stored(documents, "r2", bytes.size(), kPartBytes);
  Decoded from_store = Decode(stored);
  StringSource memory(bytes);
  Decoded from_memory = Decode(memory);

  EXPECT_EQ(from_store.info.codec, "pcm_s16le");
  EXPECT_EQ(from_store.samples, from_memory.samples);
  // In a file this small, FFmpeg 5.1 reads the whole file once while opening
  // it and again while demuxing, so every part is fetched twice.
  EXPECT_LE(stored.part_fetches(), 2 * part_count);
}

TEST_F(AudioDecoderTest, StoredMissingPartRethrowsSourceError) {
  std::string bytes = ReadFile(Speech());
  store::SqliteDocumentStore documents(":memory:");
  StoreRecording(documents, "r3", bytes, 4096);
  documents.Delete(api::RecordingPartPath("r3", 5));

  StoredRecordingSource stored(documents, "r3", bytes.size(), 4096);
  try {
    Decode(stored);
    FAIL() << "decoding a recording with a missing part succeeded";
  } catch (const DecodeError& error) {
    FAIL() << "a store failure became a DecodeError: " << error.what();
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("audio part 5 of recording r3 is missing"),
              std::string::npos)
        << error.what();
  }
}

TEST(AudioByteSource, StringSourceReads) {
  StringSource source("abcdef");
  char out[4] = {};
  EXPECT_EQ(source.Size(), 6u);
  EXPECT_EQ(source.Read(4, out, sizeof(out)), 2u);
  EXPECT_EQ(std::string(out, 2), "ef");
  EXPECT_EQ(source.Read(6, out, sizeof(out)), 0u);
  EXPECT_EQ(source.Read(100, out, sizeof(out)), 0u);
}

TEST(AudioByteSource, FileSourceMissingFileThrows) {
  EXPECT_THROW(FileSource("/nonexistent/talegraph/audio.wav"), std::runtime_error);
}

TEST(AudioByteSource, StoredSourceReadsAcrossParts) {
  std::string bytes;
  for (int i = 0; i < 1000; ++i) {
    bytes += static_cast<char>(i % 251);
  }
  store::SqliteDocumentStore documents(":memory:");
  StoreRecording(documents, "r4", bytes, 64);
  StoredRecordingSource source(documents, "r4", bytes.size(), 64);

  std::string out(300, '\0');
  EXPECT_EQ(source.Read(100, out.data(), out.size()), 300u);
  EXPECT_EQ(out, bytes.substr(100, 300));
  EXPECT_EQ(source.Read(990, out.data(), out.size()), 10u);
  EXPECT_EQ(out.substr(0, 10), bytes.substr(990));
  EXPECT_EQ(source.Read(1000, out.data(), out.size()), 0u);
}

TEST(AudioByteSource, StoredSourceSequentialReadFetchesPartOnce) {
  std::string bytes(1000, 'x');
  store::SqliteDocumentStore documents(":memory:");
  StoreRecording(documents, "r5", bytes, 64);
  StoredRecordingSource source(documents, "r5", bytes.size(), 64);

  char out[10];
  for (uint64_t offset = 0; offset < bytes.size(); offset += sizeof(out)) {
    source.Read(offset, out, sizeof(out));
  }
  EXPECT_EQ(source.part_fetches(), 16u);
}

TEST(AudioByteSource, StoredSourceShortPartThrows) {
  store::SqliteDocumentStore documents(":memory:");
  StoreRecording(documents, "r6", std::string(100, 'x'), 64);
  // The recording document claims more bytes than the parts contain.
  StoredRecordingSource source(documents, "r6", 120, 64);
  char out[64];
  EXPECT_EQ(source.Read(0, out, sizeof(out)), 64u);
  EXPECT_THROW(source.Read(64, out, sizeof(out)), std::runtime_error);
}

TEST(AudioByteSource, StoredSourceRejectsZeroPartBytes) {
  store::SqliteDocumentStore documents(":memory:");
  EXPECT_THROW(StoredRecordingSource(documents, "r7", 100, 0), std::invalid_argument);
}

// Expected outcome of decoding one recording of TALEGRAPH_TEST_AUDIO_DIR:
// success with this codec and duration, or a DecodeError starting with
// `error_prefix`.
struct RecordingExpectation {
  std::string codec;
  double duration_seconds = 0;
  std::string error_prefix;
};

const std::map<std::string, RecordingExpectation>& RecordingExpectations() {
  static const std::map<std::string, RecordingExpectation> expectations{
      {"jfk.wav", {"pcm_s16le", 11.0, ""}},
      {"sonnet001_librivox_16k_mono.wav", {"pcm_s16le", 53.3, ""}},
      {"OSR_us_000_0034_8k.wav", {"pcm_s16le", 35.5, ""}},
      {"sonnet001_clip_aac.mp4", {"aac", 9.0, ""}},
      {"sonnet001_clip_vorbis.webm", {"vorbis", 9.0, ""}},
      {"sample_amrnb_8k.amr", {"amr_nb", 35.3, ""}},
      {"apple_voice_memo_1s.m4a", {"aac", 1.0, ""}},
      {"edge/video_h264_with_aac_audio.mp4", {"aac", 2.3, ""}},
      {"edge/empty_0_bytes.wav", {"", 0, "empty input"}},
      {"edge/zero_samples_header_only.wav", {"", 0, "no audio samples"}},
      {"edge/corrupt_ebml_header.mkv", {"", 0, "unreadable matroska,webm file"}},
  };
  return expectations;
}

bool IsRecording(const fs::path& path) {
  static const std::vector<std::string> kNotAudio = {".txt", ".md", ".json"};
  for (const auto& extension : kNotAudio) {
    if (path.extension() == extension) {
      return false;
    }
  }
  return true;
}

// Decodes `path` and checks it against its expectation. A file without one
// must decode or fail with a DecodeError, never throw anything else.
void CheckRecording(const fs::path& path, const std::string& name) {
  SCOPED_TRACE(name);
  auto expectation = RecordingExpectations().find(name);
  std::optional<Decoded> decoded;
  std::string error;
  try {
    decoded = DecodeFile(path);
  } catch (const DecodeError& decode_error) {
    error = decode_error.what();
  }
  if (expectation == RecordingExpectations().end()) {
    return;
  }
  const RecordingExpectation& expected = expectation->second;
  if (!expected.error_prefix.empty()) {
    EXPECT_TRUE(error.starts_with(expected.error_prefix)) << error;
    return;
  }
  ASSERT_TRUE(decoded.has_value()) << error;
  EXPECT_EQ(decoded->info.codec, expected.codec);
  EXPECT_NEAR(decoded->info.duration_seconds, expected.duration_seconds, 0.1);
  EXPECT_NEAR(static_cast<double>(decoded->samples.size()),
              expected.duration_seconds * kPcmSampleRate,
              expected.duration_seconds * kPcmSampleRate * kSampleCountTolerance);
  // The voice memo is 1 s of near silence (RMS about 44), so the floor is low.
  EXPECT_GT(decoded->Rms(), 10.0);
}

TEST(AudioTestRecordings, DecodeOrFailAsExpected) {
  const char* directory = std::getenv("TALEGRAPH_TEST_AUDIO_DIR");
  if (directory == nullptr) {
    GTEST_SKIP() << "TALEGRAPH_TEST_AUDIO_DIR is not set";
  }
  size_t checked = 0;
  for (const auto& entry : fs::recursive_directory_iterator(directory)) {
    if (entry.is_regular_file() && IsRecording(entry.path())) {
      CheckRecording(entry.path(), fs::relative(entry.path(), directory).generic_string());
      ++checked;
    }
  }
  EXPECT_GT(checked, 0u) << "no recordings in " << directory;
}

}  // namespace
}  // namespace talegraph::audio
