#include "audio/decoder.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <new>
#include <optional>

#include "audio/demuxer.h"
#include "audio/ffmpeg_support.h"
#include "audio/input_io.h"
#include "audio/pcm_resampler.h"

namespace talegraph::audio {
namespace {

// The input counts as truncated when its packets end earlier than the
// declared duration by more than this many seconds plus kTruncatedShare of
// it. The slack covers encoder delay and padding.
// NOTE: both margins, like kMaxBadPacketShare, are estimates that the
// formats of the unit tests pass with room to spare.
constexpr double kTruncatedSlackSeconds = 0.5;
constexpr double kTruncatedShare = 0.02;

// The decode fails when the decoder rejects more than this share of the
// packets, because the audio would then have too many gaps to transcribe.
constexpr double kMaxBadPacketShare = 0.1;

// One decode: the demuxer, the decoder and the resampler, with the counts
// that the checks at the end need.
class DecodeRun {
 public:
  DecodeRun(ByteSource& input, const SampleSink& sink, size_t block_samples)
      : io_(input), resampler_(sink, block_samples) {}

  AudioInfo Run();

 private:
  void DecodePackets();
  void NotePacketEnd(const AVPacket& packet);
  void SendPacket(const AVPacket* packet);
  void ReceiveFrames();
  void CountBadPacket(int error);
  std::optional<double> DeclaredSeconds() const;
  std::optional<double> DemuxedSeconds() const;
  void CheckComplete(const std::optional<double>& declared) const;
  AudioInfo Describe(const std::optional<double>& declared) const;

  std::string ContainerName() const { return format_->iformat->name; }
  std::string CodecName() const { return avcodec_get_name(audio_.stream->codecpar->codec_id); }
  double DeliveredSeconds() const {
    return static_cast<double>(resampler_.samples_delivered()) / kPcmSampleRate;
  }

  // Declared in this order so that the decoder and the demuxer are freed
  // before the I/O context they read from.
  InputIo io_;
  ffmpeg::FormatContextPtr format_;
  AudioStream audio_;
  ffmpeg::FramePtr frame_;
  PcmResampler resampler_;
  uint64_t packets_ = 0;
  uint64_t bad_packets_ = 0;
  int last_packet_error_ = 0;
  // Largest end time (pts plus duration) of the stream's packets, in the
  // stream's time base. It is AV_NOPTS_VALUE while no packet had a pts.
  int64_t packets_end_ = AV_NOPTS_VALUE;
};

AudioInfo DecodeRun::Run() {
  format_ = OpenContainer(io_);
  audio_ = OpenAudioStream(*format_);
  frame_.reset(av_frame_alloc());
  if (frame_ == nullptr) {
    throw std::bad_alloc();
  }
  DecodePackets();
  resampler_.Finish();
  io_.RethrowSourceError();

  std::optional<double> declared = DeclaredSeconds();
  CheckComplete(declared);
  if (bad_packets_ > 0) {
    spdlog::debug("skipped {} of {} {} packets that could not be decoded", bad_packets_, packets_,
                  CodecName());
  }
  return Describe(declared);
}

void DecodeRun::DecodePackets() {
  ffmpeg::PacketPtr packet(av_packet_alloc());
  if (packet == nullptr) {
    throw std::bad_alloc();
  }
  while (true) {
    int result = av_read_frame(format_.get(), packet.get());
    io_.RethrowSourceError();
    if (result == AVERROR_EOF) {
      break;
    }
    if (result < 0) {
      throw DecodeError(fmt::format(
          "reading the {} file failed after {:.1f} s of audio, possibly truncated or corrupt: {}",
          ContainerName(), DeliveredSeconds(), ffmpeg::ErrorText(result)));
    }
    if (packet->stream_index == audio_.stream->index) {
      NotePacketEnd(*packet);
      SendPacket(packet.get());
    }
    av_packet_unref(packet.get());
  }
  SendPacket(nullptr);
}

void DecodeRun::NotePacketEnd(const AVPacket& packet) {
  if (packet.pts == AV_NOPTS_VALUE) {
    return;
  }
  int64_t end = packet.pts + std::max<int64_t>(packet.duration, 0);
  if (packets_end_ == AV_NOPTS_VALUE || end > packets_end_) {
    packets_end_ = end;
  }
}

// Sends one packet, or the end-of-stream flush for nullptr, and delivers the
// frames it completes. A packet the decoder rejects is counted and skipped,
// as the ffmpeg tool does, so that a few damaged packets do not fail a whole
// recording. CheckComplete fails the decode when there are too many.
void DecodeRun::SendPacket(const AVPacket* packet) {
  if (packet != nullptr) {
    ++packets_;
  }
  int result = avcodec_send_packet(audio_.decoder.get(), packet);
  if (result == AVERROR(EAGAIN)) {
    // The decoder has frames ready that must be received before it accepts
    // more packets.
    ReceiveFrames();
    result = avcodec_send_packet(audio_.decoder.get(), packet);
  }
  if (result == AVERROR(ENOMEM)) {
    throw std::bad_alloc();
  }
  if (result < 0) {
    CountBadPacket(result);
    return;
  }
  ReceiveFrames();
}

void DecodeRun::ReceiveFrames() {
  while (true) {
    int result = avcodec_receive_frame(audio_.decoder.get(), frame_.get());
    if (result == AVERROR(EAGAIN) || result == AVERROR_EOF) {
      return;
    }
    if (result == AVERROR(ENOMEM)) {
      throw std::bad_alloc();
    }
    if (result < 0) {
      CountBadPacket(result);
      continue;
    }
    resampler_.Push(*frame_);
    av_frame_unref(frame_.get());
  }
}

void DecodeRun::CountBadPacket(int error) {
  ++bad_packets_;
  last_packet_error_ = error;
}

// Returns the duration that the stream, or else the container, declares,
// unless FFmpeg only estimated it from the bit rate.
std::optional<double> DecodeRun::DeclaredSeconds() const {
  if (format_->duration_estimation_method == AVFMT_DURATION_FROM_BITRATE) {
    return std::nullopt;
  }
  const AVStream& stream = *audio_.stream;
  if (stream.duration != AV_NOPTS_VALUE && stream.duration > 0) {
    return static_cast<double>(stream.duration) * av_q2d(stream.time_base);
  }
  if (format_->duration != AV_NOPTS_VALUE && format_->duration > 0) {
    return static_cast<double>(format_->duration) / AV_TIME_BASE;
  }
  return std::nullopt;
}

// Returns the time that the stream's packets cover, from the stream's start
// to the end of its last packet, whether or not they decoded.
std::optional<double> DecodeRun::DemuxedSeconds() const {
  if (packets_end_ == AV_NOPTS_VALUE) {
    return std::nullopt;
  }
  const AVStream& stream = *audio_.stream;
  int64_t start = stream.start_time != AV_NOPTS_VALUE ? stream.start_time : 0;
  return static_cast<double>(packets_end_ - start) * av_q2d(stream.time_base);
}

void DecodeRun::CheckComplete(const std::optional<double>& declared) const {
  if (resampler_.samples_delivered() == 0) {
    if (bad_packets_ > 0) {
      throw DecodeError(fmt::format(
          "corrupt or unsupported audio: none of the {} {} packets could be decoded: {}", packets_,
          CodecName(), ffmpeg::ErrorText(last_packet_error_)));
    }
    throw DecodeError(fmt::format("no audio samples: the {} stream of the {} file is empty",
                                  CodecName(), ContainerName()));
  }
  double covered = DemuxedSeconds().value_or(DeliveredSeconds());
  if (declared && *declared - covered > kTruncatedSlackSeconds + kTruncatedShare * *declared) {
    throw DecodeError(fmt::format(
        "truncated input: the {} file declares {:.1f} s of audio but its data ends after {:.1f} s",
        ContainerName(), *declared, covered));
  }
  if (static_cast<double>(bad_packets_) > kMaxBadPacketShare * static_cast<double>(packets_)) {
    throw DecodeError(fmt::format(
        "corrupt or unsupported audio: {} of the {} {} packets could not be decoded: {}",
        bad_packets_, packets_, CodecName(), ffmpeg::ErrorText(last_packet_error_)));
  }
}

AudioInfo DecodeRun::Describe(const std::optional<double>& declared) const {
  const AVCodecParameters& parameters = *audio_.stream->codecpar;
  AudioInfo info;
  info.duration_seconds = declared.value_or(DeliveredSeconds());
  info.codec = CodecName();
  info.sample_rate = parameters.sample_rate;
  info.channels = parameters.ch_layout.nb_channels;
  info.container = ContainerName();
  info.pcm_samples = resampler_.samples_delivered();
  info.skipped_packets = bad_packets_;
  return info;
}

}  // namespace

AudioInfo DecodeToPcm16kMono(ByteSource& input, const SampleSink& sink, size_t block_samples) {
  if (block_samples == 0) {
    throw std::invalid_argument("block_samples must be positive");
  }
  if (input.Size() == 0) {
    throw DecodeError("empty input: it has 0 bytes");
  }
  ffmpeg::RouteLogToSpdlog();
  ffmpeg::LimitAllocations();
  DecodeRun run(input, sink, block_samples);
  return run.Run();
}

}  // namespace talegraph::audio
