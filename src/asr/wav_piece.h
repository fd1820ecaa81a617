// Pieces of a recording held in memory as WAV files (16 kHz mono signed
// 16-bit PCM) for services that take one audio file a request.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace talegraph::asr {

inline constexpr size_t kWavHeaderBytes = 44;

// Returns the canonical 44-byte RIFF header of a 16 kHz mono s16le WAV file
// with `sample_count` samples.
std::array<uint8_t, kWavHeaderBytes> WavHeader(uint32_t sample_count);

// Returns where to end a piece of `samples` so that no word is cut: the
// middle of the 100 ms window with the least energy among those that lie in
// the last `search_samples` samples. The latest of equally quiet windows
// wins. The cut leaves at least 0.1 s after it, the OpenAI API's shortest
// accepted file, and is samples.size() when the search span is shorter than
// one window.
size_t FindQuietCut(std::span<const int16_t> samples, size_t search_samples);

// Buffer of up to `capacity` samples with room for a WAV header in front,
// so that a prefix of it is sent as a WAV file without a copy.
class WavPiece {
 public:
  explicit WavPiece(size_t capacity);

  // Appends as many of `samples` as fit and returns how many it took.
  size_t Append(std::span<const int16_t> samples);

  // Returns the samples held, valid until the next change.
  std::span<const int16_t> samples() const;

  // Returns whether the piece contains `capacity` samples.
  bool full() const { return size_ == capacity_; }

  // Returns a WAV file of the first `count` samples, valid until the next
  // change. Writes the header in front of them.
  std::string_view WavFile(size_t count);

  // Removes the first `count` samples and moves the rest to the front.
  void Erase(size_t count);

 private:
  size_t capacity_;
  size_t size_ = 0;
  // Header words, then the samples in the host's byte order, which
  // wav_piece.cpp checks is little-endian as WAV requires.
  std::vector<int16_t> buffer_;
};

}  // namespace talegraph::asr
