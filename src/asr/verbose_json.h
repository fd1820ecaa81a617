// Reading of the verbose_json response of OpenAI-compatible transcription
// services: {"task", "language", "duration", "text", "segments": [{"id",
// "start", "end", "text", ...}], "words": [{"word", "start", "end"}]}.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "asr/transcriber.h"

namespace talegraph::asr {

// Parses a verbose_json body into segments ordered by start time, with
// `offset_seconds` added to every time and the text trimmed. Words come
// from the top-level "words" array (OpenAI) and join the segment that
// contains their middle, or the nearest one. Without it, each segment's own
// "words" array is used, where whisper.cpp's server lists tokens: a token
// without leading space continues the word before it. Throws
// TranscriptionError naming the missing or invalid field.
std::vector<Segment> ParseVerboseJson(std::string_view body, double offset_seconds);

// Returns the service's error message from an error body, either
// {"error": {"message": ...}} (OpenAI) or {"error": "..."} (whisper.cpp),
// or an empty string when the body has neither.
std::string ServiceErrorMessage(std::string_view body);

}  // namespace talegraph::asr
