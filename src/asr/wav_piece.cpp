#include "asr/wav_piece.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "asr/transcriber.h"

namespace talegraph::asr {

namespace {

static_assert(std::endian::native == std::endian::little,
              "WavPiece stores samples in host byte order, and WAV data is little-endian");
static_assert(kWavHeaderBytes % sizeof(int16_t) == 0);

constexpr size_t kHeaderWords = kWavHeaderBytes / sizeof(int16_t);
constexpr uint16_t kChannels = 1;
constexpr uint16_t kBitsPerSample = 16;
constexpr uint16_t kBlockAlign = kChannels * kBitsPerSample / 8;
constexpr uint32_t kByteRate = kSampleRate * kBlockAlign;

// 10 ms frames, summed ten at a time into 100 ms windows.
constexpr size_t kFrameSamples = kSampleRate / 100;
constexpr size_t kWindowFrames = 10;
constexpr size_t kWindowSamples = kFrameSamples * kWindowFrames;
constexpr size_t kMinTailSamples = kSampleRate / 10;

void PutU16(uint8_t* out, uint16_t value) {
  out[0] = static_cast<uint8_t>(value);
  out[1] = static_cast<uint8_t>(value >> 8);
}

void PutU32(uint8_t* out, uint32_t value) {
  for (int i = 0; i < 4; ++i) {
    out[i] = static_cast<uint8_t>(value >> (8 * i));
  }
}

// Returns the energy (sum of squares) of each 10 ms frame of `samples`.
std::vector<uint64_t> FrameEnergies(std::span<const int16_t> samples) {
  std::vector<uint64_t> energies(samples.size() / kFrameSamples);
  for (size_t frame = 0; frame < energies.size(); ++frame) {
    uint64_t energy = 0;
    for (int16_t sample : samples.subspan(frame * kFrameSamples, kFrameSamples)) {
      energy += static_cast<uint64_t>(int64_t{sample} * sample);
    }
    energies[frame] = energy;
  }
  return energies;
}

}  // namespace

std::array<uint8_t, kWavHeaderBytes> WavHeader(uint32_t sample_count) {
  const uint32_t data_bytes = sample_count * kBlockAlign;
  std::array<uint8_t, kWavHeaderBytes> header{};
  std::memcpy(&header[0], "RIFF", 4);
  PutU32(&header[4], 36 + data_bytes);  // bytes after this field
  std::memcpy(&header[8], "WAVE", 4);
  std::memcpy(&header[12], "fmt ", 4);
  PutU32(&header[16], 16);  // size of the PCM format chunk
  PutU16(&header[20], 1);   // format 1: integer PCM
  PutU16(&header[22], kChannels);
  PutU32(&header[24], kSampleRate);
  PutU32(&header[28], kByteRate);
  PutU16(&header[32], kBlockAlign);
  PutU16(&header[34], kBitsPerSample);
  std::memcpy(&header[36], "data", 4);
  PutU32(&header[40], data_bytes);
  return header;
}

size_t FindQuietCut(std::span<const int16_t> samples, size_t search_samples) {
  size_t search = std::min(search_samples, samples.size()) / kFrameSamples * kFrameSamples;
  size_t begin = samples.size() - search;
  std::vector<uint64_t> energies = FrameEnergies(samples.subspan(begin, search));
  size_t cut = samples.size();
  uint64_t quietest = std::numeric_limits<uint64_t>::max();
  uint64_t window = 0;
  for (size_t frame = 0; frame < energies.size(); ++frame) {
    window += energies[frame];
    if (frame + 1 < kWindowFrames) {
      continue;
    }
    if (frame + 1 > kWindowFrames) {
      window -= energies[frame - kWindowFrames];
    }
    size_t middle = begin + (frame + 1) * kFrameSamples - kWindowSamples / 2;
    if (middle + kMinTailSamples > samples.size()) {
      break;
    }
    if (window <= quietest) {
      quietest = window;
      cut = middle;
    }
  }
  return cut;
}

WavPiece::WavPiece(size_t capacity) : capacity_(capacity) {
  if (capacity > (std::numeric_limits<uint32_t>::max() - kWavHeaderBytes) / kBlockAlign) {
    throw std::invalid_argument("a WAV piece cannot hold more than 4 GiB of samples");
  }
  buffer_.resize(kHeaderWords + capacity);
}

size_t WavPiece::Append(std::span<const int16_t> samples) {
  size_t appended = std::min(samples.size(), capacity_ - size_);
  std::copy_n(samples.begin(), appended, buffer_.begin() + kHeaderWords + size_);
  size_ += appended;
  return appended;
}

std::span<const int16_t> WavPiece::samples() const {
  return std::span<const int16_t>(buffer_).subspan(kHeaderWords, size_);
}

std::string_view WavPiece::WavFile(size_t count) {
  if (count > size_) {
    throw std::out_of_range(
        fmt::format("WavPiece::WavFile: count {} exceeds the {} samples", count, size_));
  }
  auto header = WavHeader(static_cast<uint32_t>(count));
  std::memcpy(buffer_.data(), header.data(), header.size());
  return std::string_view(reinterpret_cast<const char*>(buffer_.data()),
                          kWavHeaderBytes + count * sizeof(int16_t));
}

void WavPiece::Erase(size_t count) {
  if (count > size_) {
    throw std::out_of_range(
        fmt::format("WavPiece::Erase: count {} exceeds the {} samples", count, size_));
  }
  auto first = buffer_.begin() + kHeaderWords;
  std::copy(first + count, first + size_, first);
  size_ -= count;
}

}  // namespace talegraph::asr
