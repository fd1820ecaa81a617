// Internal to src/audio: opening an input with libavformat and its best
// audio stream with libavcodec.
#pragma once

#include "audio/ffmpeg_support.h"
#include "audio/input_io.h"

namespace talegraph::audio {

// The audio stream chosen for decoding and its opened decoder.
struct AudioStream {
  AVStream* stream = nullptr;
  ffmpeg::CodecContextPtr decoder;
};

// Probes the container format of `io`, opens it and reads its stream
// parameters. Throws DecodeError when the input is not a container FFmpeg
// reads well or cannot be parsed, and rethrows the input's own exceptions.
ffmpeg::FormatContextPtr OpenContainer(InputIo& io);

// Picks the best audio stream of `format`, marks every other stream to be
// discarded and opens a decoder for it. Throws DecodeError when there is no
// audio stream or it cannot be decoded.
AudioStream OpenAudioStream(AVFormatContext& format);

}  // namespace talegraph::audio
