#include "audio/pcm_resampler.h"

#include <fmt/format.h>

#include <algorithm>
#include <new>

namespace talegraph::audio {
namespace {

// Returns a copy of `layout` in which an unspecified channel order (a WAV
// file without a channel mask, say) becomes FFmpeg's default layout for that
// many channels, which libswresample can mix down.
AVChannelLayout ResolvedLayout(const AVChannelLayout& layout) {
  AVChannelLayout resolved{};
  if (layout.order == AV_CHANNEL_ORDER_UNSPEC) {
    av_channel_layout_default(&resolved, layout.nb_channels);
  } else if (av_channel_layout_copy(&resolved, &layout) < 0) {
    throw std::bad_alloc();
  }
  return resolved;
}

}  // namespace

PcmResampler::PcmResampler(const SampleSink& sink, size_t block_samples)
    : sink_(sink), block_samples_(block_samples) {
  block_.reserve(block_samples_);
}

PcmResampler::~PcmResampler() { av_channel_layout_uninit(&input_layout_); }

void PcmResampler::Push(const AVFrame& frame) {
  if (frame.nb_samples <= 0) {
    return;
  }
  if (!MatchesInput(frame)) {
    Drain();
    Configure(frame);
  }
  Convert(const_cast<const uint8_t**>(frame.extended_data), frame.nb_samples);
}

void PcmResampler::Finish() {
  Drain();
  if (!block_.empty()) {
    DeliverBlock();
  }
}

bool PcmResampler::MatchesInput(const AVFrame& frame) const {
  return resampler_ != nullptr && frame.format == input_format_ &&
         frame.sample_rate == input_rate_ &&
         av_channel_layout_compare(&frame.ch_layout, &input_layout_) == 0;
}

void PcmResampler::Configure(const AVFrame& frame) {
  if (frame.sample_rate <= 0 || frame.ch_layout.nb_channels <= 0) {
    throw DecodeError(
        fmt::format("invalid audio frame: {} Hz with {} channels; both must be positive",
                    frame.sample_rate, frame.ch_layout.nb_channels));
  }
  // A 311-byte WAV file whose header declared about 2 GHz made swr_init
  // allocate 2 GB.
  if (frame.sample_rate > kMaxInputSampleRate) {
    throw DecodeError(fmt::format(
        "unsupported sample rate {} Hz: the decoder accepts at most {} Hz, so the file's "
        "header is likely corrupt",
        frame.sample_rate, kMaxInputSampleRate));
  }
  av_channel_layout_uninit(&input_layout_);
  if (av_channel_layout_copy(&input_layout_, &frame.ch_layout) < 0) {
    throw std::bad_alloc();
  }
  input_format_ = frame.format;
  input_rate_ = frame.sample_rate;

  AVChannelLayout input_layout = ResolvedLayout(frame.ch_layout);
  AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
  SwrContext* resampler = nullptr;
  int result =
      swr_alloc_set_opts2(&resampler, &mono, AV_SAMPLE_FMT_S16, kPcmSampleRate, &input_layout,
                          static_cast<AVSampleFormat>(frame.format), frame.sample_rate, 0, nullptr);
  av_channel_layout_uninit(&input_layout);
  resampler_.reset(resampler);
  if (result >= 0) {
    result = swr_init(resampler_.get());
  }
  if (result < 0) {
    resampler_.reset();
    const char* format_name = av_get_sample_fmt_name(static_cast<AVSampleFormat>(frame.format));
    throw DecodeError(fmt::format(
        "unsupported audio format: cannot resample {} Hz {} with {} channels to 16 kHz mono: {}",
        frame.sample_rate, format_name != nullptr ? format_name : "unknown sample format",
        frame.ch_layout.nb_channels, ffmpeg::ErrorText(result)));
  }
}

void PcmResampler::Convert(const uint8_t** input, int input_samples) {
  int capacity = swr_get_out_samples(resampler_.get(), input_samples);
  if (capacity < 0) {
    throw DecodeError("resampling failed: " + ffmpeg::ErrorText(capacity));
  }
  // One extra sample: swr_get_out_samples is an upper bound, but a capacity
  // of 0 would make a drain loop stop before the resampler is empty.
  converted_.resize(static_cast<size_t>(capacity) + 1);
  auto* output = reinterpret_cast<uint8_t*>(converted_.data());
  int count = swr_convert(resampler_.get(), &output, capacity + 1, input, input_samples);
  if (count < 0) {
    throw DecodeError("resampling failed: " + ffmpeg::ErrorText(count));
  }
  Append(converted_.data(), static_cast<size_t>(count));
}

void PcmResampler::Drain() {
  if (resampler_ == nullptr) {
    return;
  }
  while (true) {
    size_t before = samples_delivered_ + block_.size();
    Convert(nullptr, 0);
    if (samples_delivered_ + block_.size() == before) {
      break;
    }
  }
}

void PcmResampler::Append(const int16_t* samples, size_t count) {
  while (count > 0) {
    size_t take = std::min(count, block_samples_ - block_.size());
    block_.insert(block_.end(), samples, samples + take);
    samples += take;
    count -= take;
    if (block_.size() == block_samples_) {
      DeliverBlock();
    }
  }
}

void PcmResampler::DeliverBlock() {
  samples_delivered_ += block_.size();
  sink_(std::span<const int16_t>(block_.data(), block_.size()));
  block_.clear();
}

}  // namespace talegraph::audio
