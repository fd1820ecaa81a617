// Internal to src/audio: FFmpeg headers, owning pointers with FFmpeg's free
// functions, error text and log routing.
#pragma once

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/error.h>
#include <libavutil/mem.h>
#include <libswresample/swresample.h>
}

#include <cstddef>
#include <memory>
#include <string>

namespace talegraph::audio::ffmpeg {

struct FormatContextCloser {
  void operator()(AVFormatContext* context) const { avformat_close_input(&context); }
};
struct CodecContextFreer {
  void operator()(AVCodecContext* context) const { avcodec_free_context(&context); }
};
struct PacketFreer {
  void operator()(AVPacket* packet) const { av_packet_free(&packet); }
};
struct FrameFreer {
  void operator()(AVFrame* frame) const { av_frame_free(&frame); }
};
struct ResamplerFreer {
  void operator()(SwrContext* context) const { swr_free(&context); }
};
// Frees a custom AVIOContext together with its buffer, which FFmpeg may have
// replaced since allocation.
struct IoContextFreer {
  void operator()(AVIOContext* context) const {
    av_freep(&context->buffer);
    avio_context_free(&context);
  }
};

using FormatContextPtr = std::unique_ptr<AVFormatContext, FormatContextCloser>;
using CodecContextPtr = std::unique_ptr<AVCodecContext, CodecContextFreer>;
using PacketPtr = std::unique_ptr<AVPacket, PacketFreer>;
using FramePtr = std::unique_ptr<AVFrame, FrameFreer>;
using ResamplerPtr = std::unique_ptr<SwrContext, ResamplerFreer>;
using IoContextPtr = std::unique_ptr<AVIOContext, IoContextFreer>;

// Returns av_strerror's description of `error`, a negative AVERROR code.
std::string ErrorText(int error);

// Sends FFmpeg's warnings and errors to spdlog at debug level and drops its
// other messages, so that FFmpeg never writes to stderr itself. Safe to call
// any number of times from any thread. It replaces FFmpeg's process-wide log
// callback.
void RouteLogToSpdlog();

// Largest single allocation that FFmpeg may make, in bytes. A 351-byte WAV
// file whose LIST chunk declared 1.6 GB made libavformat allocate that much
// while it opened the file, and FFmpeg's own default limit is INT_MAX.
// NOTE: 128 MiB is an estimate with margin. The largest buffers of a valid
// input are the demuxer's index tables, tens of MiB for ten hours of MP4.
inline constexpr size_t kMaxAllocationBytes = 128 * 1024 * 1024;

// Sets av_max_alloc to kMaxAllocationBytes for the whole process, so that a
// larger request fails with AVERROR(ENOMEM). Safe to call any number of times.
void LimitAllocations();

}  // namespace talegraph::audio::ffmpeg
