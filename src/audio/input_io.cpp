#include "audio/input_io.h"

#include <cstdio>
#include <new>

namespace talegraph::audio {
namespace {

// Size of the buffer between FFmpeg and the source, in bytes.
constexpr int kIoBufferBytes = 64 * 1024;

}  // namespace

InputIo::InputIo(ByteSource& source) : source_(source) {
  auto* buffer = static_cast<unsigned char*>(av_malloc(kIoBufferBytes));
  if (buffer == nullptr) {
    throw std::bad_alloc();
  }
  AVIOContext* context = avio_alloc_context(buffer, kIoBufferBytes, /*write_flag=*/0, this,
                                            &ReadCallback, nullptr, &SeekCallback);
  if (context == nullptr) {
    av_free(buffer);
    throw std::bad_alloc();
  }
  context_.reset(context);
}

void InputIo::RethrowSourceError() const {
  if (source_error_) {
    std::rethrow_exception(source_error_);
  }
}

int InputIo::ReadCallback(void* opaque, uint8_t* buffer, int size) {
  auto& io = *static_cast<InputIo*>(opaque);
  if (io.source_error_) {
    return AVERROR(EIO);
  }
  if (size <= 0 || io.position_ >= io.source_.Size()) {
    return AVERROR_EOF;
  }
  size_t count = 0;
  try {
    count =
        io.source_.Read(io.position_, reinterpret_cast<char*>(buffer), static_cast<size_t>(size));
  } catch (...) {
    // An exception must not unwind through FFmpeg's C frames.
    io.source_error_ = std::current_exception();
    return AVERROR(EIO);
  }
  if (count == 0) {
    return AVERROR_EOF;
  }
  io.position_ += count;
  return static_cast<int>(count);
}

int64_t InputIo::SeekCallback(void* opaque, int64_t offset, int whence) {
  auto& io = *static_cast<InputIo*>(opaque);
  auto size = static_cast<int64_t>(io.source_.Size());
  whence &= ~AVSEEK_FORCE;
  if (whence == AVSEEK_SIZE) {
    return size;
  }
  int64_t base = 0;
  if (whence == SEEK_CUR) {
    base = static_cast<int64_t>(io.position_);
  } else if (whence == SEEK_END) {
    base = size;
  } else if (whence != SEEK_SET) {
    return AVERROR(EINVAL);
  }
  if (offset < -base || offset > INT64_MAX - base) {
    return AVERROR(EINVAL);
  }
  // A position past the end is allowed. Reads there return end of input.
  io.position_ = static_cast<uint64_t>(base + offset);
  return base + offset;
}

}  // namespace talegraph::audio
