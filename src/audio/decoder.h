// Decoding of stored recordings, in any container and codec that FFmpeg 5.1
// reads, to the 16 kHz mono signed 16-bit PCM that speech recognizers expect.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <stdexcept>
#include <string>

#include "audio/byte_source.h"

namespace talegraph::audio {

// Sample rate of the decoder's output, in Hz.
inline constexpr int kPcmSampleRate = 16000;

// Samples per block delivered to a SampleSink unless the caller requests
// another size: half a second.
inline constexpr size_t kDefaultBlockSamples = kPcmSampleRate / 2;

// Input that cannot be decoded: not audio, no audio stream, empty, truncated
// or corrupt. The message names the problem and, where FFmpeg reported one,
// its reason.
class DecodeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Description of the decoded audio stream as the input stores it.
struct AudioInfo {
  // Length in seconds: the stream's or the container's declared duration,
  // or the length of the delivered samples when neither is known or it is
  // only estimated from the bit rate.
  double duration_seconds = 0;
  // FFmpeg's codec name, for example "aac", "mp3" or "pcm_s16le".
  std::string codec;
  // Sample rate and channel count of the stream before resampling.
  int sample_rate = 0;
  int channels = 0;
  // FFmpeg's demuxer name, for example "wav" or "mov,mp4,m4a,3gp,3g2,mj2".
  std::string container;
  // Number of 16 kHz mono samples delivered to the sink.
  uint64_t pcm_samples = 0;
  // Packets that the decoder rejected and the output therefore lacks. The
  // decode fails instead when they are more than a tenth of all packets.
  uint64_t skipped_packets = 0;
};

// Receives consecutive blocks of 16 kHz mono signed 16-bit samples. The span
// is valid only during the call.
using SampleSink = std::function<void(std::span<const int16_t> samples)>;

// Decodes the best audio stream of `input` and delivers it to `sink` as
// 16 kHz mono signed 16-bit PCM, in blocks of `block_samples` (the last one
// shorter), so that memory use does not grow with the input's length.
// Throws DecodeError when the input cannot be decoded, and blocks already
// delivered then cover only the part before the failure. Rethrows what
// `input` or `sink` throw, and throws std::invalid_argument when
// `block_samples` is 0. Calls on different inputs may run concurrently.
// NOTE: truncation is detected only where the container declares a
// duration (MP4, Matroska and WebM, FLAC, MP3 with a Xing header). A cut
// WAV, Ogg, ADTS AAC or AMR file decodes what it contains without an error.
AudioInfo DecodeToPcm16kMono(ByteSource& input, const SampleSink& sink,
                             size_t block_samples = kDefaultBlockSamples);

}  // namespace talegraph::audio
