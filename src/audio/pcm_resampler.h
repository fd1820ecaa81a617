// Internal to src/audio: conversion of decoded frames to 16 kHz mono signed
// 16-bit PCM, cut into fixed-size blocks.
#pragma once

#include <cstdint>
#include <vector>

#include "audio/decoder.h"
#include "audio/ffmpeg_support.h"

namespace talegraph::audio {

// Highest input sample rate that the resampler accepts, in Hz. Studio
// recordings go up to 384 kHz, and this limit of twice that treats any
// higher rate as a corrupt header.
inline constexpr int kMaxInputSampleRate = 768000;

// Resamples frames of any sample format, rate and channel layout with
// libswresample and delivers full blocks to a sink. A frame whose format
// differs from the previous one's drains the resampler and sets it up anew.
class PcmResampler {
 public:
  // Delivers to `sink`, which must outlive this object, blocks of
  // `block_samples` samples.
  PcmResampler(const SampleSink& sink, size_t block_samples);
  ~PcmResampler();

  PcmResampler(const PcmResampler&) = delete;
  PcmResampler& operator=(const PcmResampler&) = delete;

  // Converts one decoded frame. Throws DecodeError when its sample rate is
  // above kMaxInputSampleRate, or when libswresample rejects its format or fails.
  void Push(const AVFrame& frame);

  // Drains the samples libswresample still buffers and delivers the last,
  // possibly short, block. Call once after the last Push.
  void Finish();

  uint64_t samples_delivered() const { return samples_delivered_; }

 private:
  bool MatchesInput(const AVFrame& frame) const;
  void Configure(const AVFrame& frame);
  void Convert(const uint8_t** input, int input_samples);
  void Drain();
  void Append(const int16_t* samples, size_t count);
  void DeliverBlock();

  const SampleSink& sink_;
  size_t block_samples_;
  ffmpeg::ResamplerPtr resampler_;
  int input_format_ = AV_SAMPLE_FMT_NONE;
  int input_rate_ = 0;
  AVChannelLayout input_layout_{};
  std::vector<int16_t> block_;
  std::vector<int16_t> converted_;
  uint64_t samples_delivered_ = 0;
};

}  // namespace talegraph::audio
