#include "audio/demuxer.h"

#include <fmt/format.h>

#include <new>
#include <string>

#include "audio/decoder.h"

namespace talegraph::audio {
namespace {

// A probe score at or below this is a guess that FFmpeg itself flags as a
// possible misdetection. With FFmpeg 5.1, a piece of an MP3 file cut mid-frame scores 25.
constexpr int kMinProbeScore = AVPROBE_SCORE_RETRY + 1;

const AVInputFormat* ProbeFormat(InputIo& io) {
  const AVInputFormat* input_format = nullptr;
  int score = av_probe_input_buffer2(io.context(), &input_format, "", nullptr, 0, 0);
  io.RethrowSourceError();
  if (score < 0 || input_format == nullptr) {
    throw DecodeError("not an audio file: no container format that FFmpeg reads matches it: " +
                      ffmpeg::ErrorText(score < 0 ? score : AVERROR_INVALIDDATA));
  }
  if (score < kMinProbeScore) {
    throw DecodeError(fmt::format(
        "not an audio file: it only loosely resembles the {} format (probe score {} of {})",
        input_format->name, score, AVPROBE_SCORE_MAX));
  }
  return input_format;
}

// Returns the media types of the streams of `format`, for example "video"
// or "video, subtitle".
std::string StreamTypes(const AVFormatContext& format) {
  std::string types;
  for (unsigned i = 0; i < format.nb_streams; ++i) {
    const char* type = av_get_media_type_string(format.streams[i]->codecpar->codec_type);
    types += (types.empty() ? "" : ", ") + std::string(type != nullptr ? type : "unknown");
  }
  return types;
}

// Returns the codec name of the first audio stream of `format`.
std::string FirstAudioCodec(const AVFormatContext& format) {
  for (unsigned i = 0; i < format.nb_streams; ++i) {
    const AVCodecParameters& parameters = *format.streams[i]->codecpar;
    if (parameters.codec_type == AVMEDIA_TYPE_AUDIO) {
      return avcodec_get_name(parameters.codec_id);
    }
  }
  return "unknown";
}

}  // namespace

ffmpeg::FormatContextPtr OpenContainer(InputIo& io) {
  const AVInputFormat* input_format = ProbeFormat(io);
  AVFormatContext* format = avformat_alloc_context();
  if (format == nullptr) {
    throw std::bad_alloc();
  }
  format->pb = io.context();
  // On failure avformat_open_input frees the context and sets it to null.
  int result = avformat_open_input(&format, nullptr, input_format, nullptr);
  io.RethrowSourceError();
  if (result < 0) {
    throw DecodeError(fmt::format("unreadable {} file, possibly truncated or corrupt: {}",
                                  input_format->name, ffmpeg::ErrorText(result)));
  }
  ffmpeg::FormatContextPtr opened(format);

  result = avformat_find_stream_info(opened.get(), nullptr);
  io.RethrowSourceError();
  if (result < 0) {
    throw DecodeError(fmt::format("unreadable {} file, possibly truncated or corrupt: {}",
                                  input_format->name, ffmpeg::ErrorText(result)));
  }
  return opened;
}

AudioStream OpenAudioStream(AVFormatContext& format) {
  const AVCodec* codec = nullptr;
  int index = av_find_best_stream(&format, AVMEDIA_TYPE_AUDIO, -1, -1, &codec, 0);
  if (index == AVERROR_STREAM_NOT_FOUND) {
    throw DecodeError(
        fmt::format("no audio stream: the {} file contains {}", format.iformat->name,
                    format.nb_streams == 0 ? "no streams" : "only " + StreamTypes(format)));
  }
  if (index == AVERROR_DECODER_NOT_FOUND) {
    throw DecodeError(fmt::format("unsupported audio codec {}: FFmpeg has no decoder for it",
                                  FirstAudioCodec(format)));
  }
  if (index < 0) {
    throw DecodeError("no usable audio stream: " + ffmpeg::ErrorText(index));
  }
  for (unsigned i = 0; i < format.nb_streams; ++i) {
    format.streams[i]->discard = static_cast<int>(i) == index ? AVDISCARD_DEFAULT : AVDISCARD_ALL;
  }

  AudioStream audio{format.streams[index], ffmpeg::CodecContextPtr(avcodec_alloc_context3(codec))};
  if (audio.decoder == nullptr) {
    throw std::bad_alloc();
  }
  int result = avcodec_parameters_to_context(audio.decoder.get(), audio.stream->codecpar);
  if (result >= 0) {
    audio.decoder->pkt_timebase = audio.stream->time_base;
    result = avcodec_open2(audio.decoder.get(), codec, nullptr);
  }
  if (result < 0) {
    throw DecodeError(fmt::format("cannot open the {} decoder: {}",
                                  avcodec_get_name(audio.stream->codecpar->codec_id),
                                  ffmpeg::ErrorText(result)));
  }
  return audio;
}

}  // namespace talegraph::audio
