// Canonical 16-bit mono PCM WAV headers, for tests that build audio files in
// memory.
#pragma once

#include <cstdint>
#include <string>

namespace talegraph::test_audio {

// Returns the 44-byte header of a 16-bit mono PCM WAV file whose data chunk
// has `data_bytes` bytes at `sample_rate`. The byte rate wraps at 32 bits,
// as a corrupt header's would for a huge rate.
inline std::string WavHeader(uint32_t sample_rate, uint32_t data_bytes) {
  std::string header;
  auto append = [&header](uint32_t value, int bytes) {
    for (int i = 0; i < bytes; ++i) {
      header.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
    }
  };
  header += "RIFF";
  append(36 + data_bytes, 4);
  header += "WAVEfmt ";
  append(16, 4);
  append(1, 2);  // PCM
  append(1, 2);  // channels
  append(sample_rate, 4);
  append(sample_rate * 2, 4);  // byte rate
  append(2, 2);                // block align
  append(16, 2);               // bits a sample
  header += "data";
  append(data_bytes, 4);
  return header;
}

}  // namespace talegraph::test_audio
