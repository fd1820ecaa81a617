#include "audio/ffmpeg_support.h"

#include <spdlog/spdlog.h>

#include <cstdarg>
#include <mutex>
#include <string>
#include <string_view>

namespace talegraph::audio::ffmpeg {
namespace {

// Maximum length of a message kept while waiting for the end of its line,
// in bytes.
constexpr size_t kMaxLogLineBytes = 4096;

void LogToSpdlog(void* context, int level, const char* format, va_list arguments) {
  if (level > av_log_get_level() || !spdlog::should_log(spdlog::level::debug)) {
    return;
  }
  // FFmpeg sometimes writes one line in several calls, and prefixes it with
  // its context ("[mp3 @ 0x...]") only after a call that ended a line. Both
  // are tracked per thread, because decoders may log from their own threads.
  thread_local int print_prefix = 1;
  thread_local std::string pending;
  char part[1024];
  av_log_format_line2(context, level, format, arguments, part, sizeof(part), &print_prefix);
  pending += part;
  if (!pending.ends_with('\n') && pending.size() < kMaxLogLineBytes) {
    return;
  }
  std::string_view text(pending);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  if (!text.empty()) {
    spdlog::debug("ffmpeg: {}", text);
  }
  pending.clear();
}

}  // namespace

std::string ErrorText(int error) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  if (av_strerror(error, text, sizeof(text)) < 0) {
    return "FFmpeg error " + std::to_string(error);
  }
  return text;
}

void RouteLogToSpdlog() {
  static std::once_flag once;
  std::call_once(once, [] {
    av_log_set_level(AV_LOG_WARNING);
    av_log_set_callback(&LogToSpdlog);
  });
}

void LimitAllocations() {
  static std::once_flag once;
  std::call_once(once, [] { av_max_alloc(kMaxAllocationBytes); });
}

}  // namespace talegraph::audio::ffmpeg
