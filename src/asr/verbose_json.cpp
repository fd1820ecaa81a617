#include "asr/verbose_json.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cctype>
#include <optional>

#include "util/printable.h"

namespace talegraph::asr {

namespace {

namespace json = boost::json;

bool StartsWithSpace(std::string_view text) {
  return !text.empty() && std::isspace(static_cast<unsigned char>(text.front()));
}

std::string Trim(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n";
  size_t first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) {
    return {};
  }
  size_t last = text.find_last_not_of(kSpace);
  return std::string(text.substr(first, last - first + 1));
}

std::optional<json::value> ParseJson(std::string_view body) {
  boost::system::error_code error;
  json::value value = json::parse(body, error);
  if (error) {
    return std::nullopt;
  }
  return value;
}

const json::object& AsObject(const json::value& value, std::string_view where) {
  if (!value.is_object()) {
    throw TranscriptionError(fmt::format("{} is not a JSON object", where));
  }
  return value.get_object();
}

double NumberField(const json::object& object, std::string_view key, std::string_view where) {
  const json::value* value = object.if_contains(key);
  if (value == nullptr || !value->is_number()) {
    throw TranscriptionError(fmt::format("{} has no numeric \"{}\"", where, key));
  }
  return value->to_number<double>();
}

std::string_view StringField(const json::object& object, std::string_view key,
                             std::string_view where) {
  const json::value* value = object.if_contains(key);
  if (value == nullptr || !value->is_string()) {
    throw TranscriptionError(fmt::format("{} has no string \"{}\"", where, key));
  }
  return value->get_string();
}

// Returns the array at `key`, or null when the key is absent or null.
const json::array* OptionalArray(const json::object& object, std::string_view key,
                                 std::string_view where) {
  const json::value* value = object.if_contains(key);
  if (value == nullptr || value->is_null()) {
    return nullptr;
  }
  if (!value->is_array()) {
    throw TranscriptionError(fmt::format("{} has a \"{}\" that is not an array", where, key));
  }
  return &value->get_array();
}

// Parses words without trimming them, because whisper.cpp's leading spaces
// mark where its words start.
std::vector<Word> ParseWords(const json::array& array, std::string_view where, double offset) {
  std::vector<Word> words;
  words.reserve(array.size());
  for (size_t i = 0; i < array.size(); ++i) {
    std::string item = fmt::format("{}[{}]", where, i);
    const json::object& object = AsObject(array[i], item);
    words.push_back({std::string(StringField(object, "word", item)),
                     offset + NumberField(object, "start", item),
                     offset + NumberField(object, "end", item)});
  }
  return words;
}

// Trims each word's text and drops the words left empty.
std::vector<Word> TrimWords(std::vector<Word> words) {
  std::vector<Word> trimmed;
  for (Word& word : words) {
    word.text = Trim(word.text);
    if (!word.text.empty()) {
      trimmed.push_back(std::move(word));
    }
  }
  return trimmed;
}

// Joins whisper.cpp tokens into words when any token has a leading space.
// A list without one is taken as whole words.
std::vector<Word> JoinTokens(std::vector<Word> tokens) {
  if (std::none_of(tokens.begin(), tokens.end(),
                   [](const Word& token) { return StartsWithSpace(token.text); })) {
    return TrimWords(std::move(tokens));
  }
  std::vector<Word> words;
  for (Word& token : tokens) {
    if (words.empty() || StartsWithSpace(token.text)) {
      words.push_back(std::move(token));
    } else {
      words.back().text += token.text;
      words.back().end = std::max(words.back().end, token.end);
    }
  }
  return TrimWords(std::move(words));
}

// Returns the index of the segment that contains `time` or, when none
// does, the nearest one. `segments` is non-empty and ordered by start.
size_t NearestSegment(const std::vector<Segment>& segments, double time) {
  auto after = std::upper_bound(segments.begin(), segments.end(), time,
                                [](double t, const Segment& segment) { return t < segment.start; });
  if (after == segments.begin()) {
    return 0;
  }
  size_t before = static_cast<size_t>(after - segments.begin()) - 1;
  if (time <= segments[before].end || after == segments.end()) {
    return before;
  }
  return after->start - time < time - segments[before].end ? before + 1 : before;
}

void AttachWords(std::vector<Segment>& segments, std::vector<Word> words) {
  if (segments.empty()) {
    return;
  }
  for (Word& word : words) {
    size_t index = NearestSegment(segments, (word.start + word.end) / 2);
    segments[index].words.push_back(std::move(word));
  }
  for (Segment& segment : segments) {
    std::stable_sort(segment.words.begin(), segment.words.end(),
                     [](const Word& a, const Word& b) { return a.start < b.start; });
  }
}

Segment ParseSegment(const json::value& value, std::string_view where, double offset,
                     bool with_own_words) {
  const json::object& object = AsObject(value, where);
  Segment segment;
  segment.start = offset + NumberField(object, "start", where);
  segment.end = offset + NumberField(object, "end", where);
  segment.text = Trim(StringField(object, "text", where));
  if (with_own_words) {
    std::string words_where = fmt::format("{}.words", where);
    if (const json::array* words = OptionalArray(object, "words", where)) {
      segment.words = JoinTokens(ParseWords(*words, words_where, offset));
    }
  }
  return segment;
}

// Returns root.error when it is a string, root.error.message when that is
// one, and an empty string otherwise.
std::string ErrorMessageOf(const json::object& root) {
  const json::value* error = root.if_contains("error");
  if (error != nullptr && error->is_string()) {
    return std::string(error->get_string());
  }
  if (error != nullptr && error->is_object()) {
    const json::value* message = error->get_object().if_contains("message");
    if (message != nullptr && message->is_string()) {
      return std::string(message->get_string());
    }
  }
  return {};
}

[[noreturn]] void ThrowMissingSegments(const json::object& root) {
  std::string service_error = ErrorMessageOf(root);
  if (!service_error.empty()) {
    throw TranscriptionError(
        fmt::format("the response has no \"segments\" array but the error: {}", service_error));
  }
  throw TranscriptionError(
      "the response has no \"segments\" array. Check that the service supports "
      "response_format=verbose_json");
}

}  // namespace

std::vector<Segment> ParseVerboseJson(std::string_view body, double offset_seconds) {
  std::optional<json::value> root_value = ParseJson(body);
  if (!root_value) {
    throw TranscriptionError(
        fmt::format("the response is not valid JSON: \"{}\"", util::Printable(body)));
  }
  const json::object& root = AsObject(*root_value, "the response");
  const json::value* segments_value = root.if_contains("segments");
  if (segments_value == nullptr || !segments_value->is_array()) {
    ThrowMissingSegments(root);
  }
  const json::array& segments_array = segments_value->get_array();
  const json::array* top_words = OptionalArray(root, "words", "the response");

  std::vector<Segment> segments;
  segments.reserve(segments_array.size());
  for (size_t i = 0; i < segments_array.size(); ++i) {
    segments.push_back(ParseSegment(segments_array[i], fmt::format("segments[{}]", i),
                                    offset_seconds, top_words == nullptr));
  }
  std::stable_sort(segments.begin(), segments.end(),
                   [](const Segment& a, const Segment& b) { return a.start < b.start; });
  if (top_words != nullptr) {
    AttachWords(segments, TrimWords(ParseWords(*top_words, "words", offset_seconds)));
  }
  return segments;
}

std::string ServiceErrorMessage(std::string_view body) {
  std::optional<json::value> root = ParseJson(body);
  if (!root || !root->is_object()) {
    return {};
  }
  return ErrorMessageOf(root->get_object());
}

}  // namespace talegraph::asr
