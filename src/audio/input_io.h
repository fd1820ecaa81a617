// Internal to src/audio: an AVIOContext that reads a ByteSource, so FFmpeg
// demuxes from the store or from memory without a temporary file.
#pragma once

#include <cstdint>
#include <exception>

#include "audio/byte_source.h"
#include "audio/ffmpeg_support.h"

namespace talegraph::audio {

// Custom AVIOContext with read and seek callbacks over a ByteSource. The
// seek callback returns the input size for AVSEEK_SIZE, so demuxers can jump to an index at the
// end of the input (an MP4 `moov` atom after the media data).
class InputIo {
 public:
  // Wraps `source`, which must outlive this object. Throws std::bad_alloc
  // when FFmpeg cannot allocate the context.
  explicit InputIo(ByteSource& source);

  InputIo(const InputIo&) = delete;
  InputIo& operator=(const InputIo&) = delete;

  AVIOContext* context() const { return context_.get(); }

  // Rethrows the exception that ByteSource::Read threw inside a callback, if
  // any. FFmpeg saw it as an I/O error, which it may report as end of input.
  void RethrowSourceError() const;

 private:
  static int ReadCallback(void* opaque, uint8_t* buffer, int size);
  static int64_t SeekCallback(void* opaque, int64_t offset, int whence);

  ByteSource& source_;
  uint64_t position_ = 0;
  std::exception_ptr source_error_;
  ffmpeg::IoContextPtr context_;
};

}  // namespace talegraph::audio
