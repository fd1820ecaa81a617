// Feeds arbitrary bytes to the audio decoder as a stored recording. Any
// outcome but decoded samples or a DecodeError is a bug.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "audio/byte_source.h"
#include "audio/decoder.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  talegraph::audio::StringSource input(std::string(reinterpret_cast<const char*>(data), size));
  uint64_t delivered = 0;
  try {
    const auto info = talegraph::audio::DecodeToPcm16kMono(
        input, [&delivered](std::span<const int16_t> samples) { delivered += samples.size(); });
    if (info.pcm_samples != delivered) {
      __builtin_trap();
    }
  } catch (const talegraph::audio::DecodeError&) {
  }
  return 0;
}
