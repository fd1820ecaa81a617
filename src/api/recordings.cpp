// /v1/recordings and /v1/users/{user_id}/recordings: list, read, download
// with Range support, delete.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <utility>

#include "api/audio_parts.h"
#include "api/byte_range.h"
#include "api/deletion.h"
#include "api/resources.h"
#include "api/routes.h"
#include "http/errors.h"
#include "util/ids.h"
#include "util/printable.h"

namespace talegraph::api {

namespace {

using boost::beast::http::status;
using boost::beast::http::verb;

constexpr int64_t kDefaultPageSize = 100;
constexpr int64_t kMaxPageSize = 1000;

// The stored fields that are bookkeeping, not part of the API's view.
boost::json::object RecordingView(const store::Document& recording) {
  boost::json::object view = WithId(recording);
  view.erase("part_bytes");
  view.erase("part_count");
  return view;
}

int64_t ReadLimit(const http::Request& request) {
  auto text = request.QueryParam("limit");
  if (!text) {
    return kDefaultPageSize;
  }
  int64_t limit = 0;
  auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), limit);
  if (text->empty() || error != std::errc() || end != text->data() + text->size() || limit < 1 ||
      limit > kMaxPageSize) {
    throw http::Unprocessable("invalid_field",
                              fmt::format("query parameter limit must be an integer from 1 to {}, "
                                          "found \"{}\"",
                                          kMaxPageSize, util::Printable(*text)));
  }
  return limit;
}

http::Response ListRecordings(ApiContext& context, http::Request& request) {
  const std::string& user_id = request.PathParam("user_id");
  LoadOrThrow(context.documents, "users", "user", user_id);
  int64_t limit = ReadLimit(request);
  store::ListOptions options{static_cast<size_t>(limit + 1), ""};
  if (auto token = request.QueryParam("page_token")) {
    if (!util::IsValidId(*token)) {
      throw http::Unprocessable("invalid_field",
                                "query parameter page_token is not one this server returned; "
                                "pass next_page_token from the previous page");
    }
    options.start_after = std::string(*token);
  }

  auto recordings =
      context.documents.Query("recordings", "user_id", boost::json::value(user_id), options);
  boost::json::value next_page_token = nullptr;
  if (recordings.size() > static_cast<size_t>(limit)) {
    recordings.resize(static_cast<size_t>(limit));
    next_page_token = recordings.back().Id();
  }
  boost::json::array items;
  for (const auto& recording : recordings) {
    items.push_back(RecordingView(recording));
  }
  return http::JsonResponse(
      status::ok, {{"recordings", std::move(items)}, {"next_page_token", next_page_token}});
}

http::Response ReadRecording(ApiContext& context, http::Request& request) {
  auto recording =
      LoadOrThrow(context.documents, "recordings", "recording", request.PathParam("recording_id"));
  return http::JsonResponse(status::ok, RecordingView(recording));
}

// Largest download read whole before its status line is sent, so that a
// recording deleted during its download still gets a 404. Larger ones
// stream, which keeps memory flat but can end short after a 200.
constexpr uint64_t kMaxWholeDownloadBytes = 8 * 1024 * 1024;

// Returns a stream of the bytes [first, last] of recording `id`, a stored
// part at most a piece, whose first piece `head` (up to the end of its part)
// was already read.
http::BodyStream StreamRecordingBytes(store::DocumentStore& documents, std::string id,
                                      uint64_t part_bytes, ByteRange bytes, std::string head) {
  uint64_t next_byte = bytes.first + head.size();
  auto next = [&documents, id = std::move(id), part_bytes, last = bytes.last, next_byte,
               head = std::move(head)]() mutable {
    if (!head.empty()) {
      return std::exchange(head, std::string());
    }
    uint64_t part_end = (next_byte / part_bytes + 1) * part_bytes - 1;
    std::string piece =
        ReadRecordingBytes(documents, id, part_bytes, next_byte, std::min(last, part_end));
    next_byte += piece.size();
    return piece;
  };
  return {bytes.last - bytes.first + 1, std::move(next)};
}

http::Response DownloadAudio(ApiContext& context, http::Request& request) {
  const std::string& id = request.PathParam("recording_id");
  auto recording = LoadOrThrow(context.documents, "recordings", "recording", id);
  const auto& fields = recording.fields;
  uint64_t size = static_cast<uint64_t>(fields.at("size_bytes").as_int64());
  uint64_t part_bytes = static_cast<uint64_t>(fields.at("part_bytes").as_int64());

  std::string etag = fmt::format("\"{}\"", fields.at("sha256").as_string());
  RangeRequest range = ParseRange(request.Header("Range"), size);
  std::string_view if_range = request.Header("If-Range");
  if (!if_range.empty() && if_range != etag) {
    // RFC 9110 section 13.1.5: a validator that does not match (or a date,
    // which this server does not track) asks for the whole representation.
    range = {};
  }
  if (range.status == RangeStatus::kUnsatisfiable) {
    http::HttpError error(status::range_not_satisfiable, "range_not_satisfiable",
                          fmt::format("Range \"{}\" is malformed or outside the {} bytes of "
                                      "recording \"{}\"; use bytes=first-last with last < {}",
                                      util::Printable(request.Header("Range")), size, id, size));
    error.headers().emplace_back("Content-Range", fmt::format("bytes */{}", size));
    throw error;
  }

  // Up to kMaxWholeDownloadBytes are read here. Beyond that, only the first
  // part is, so that a missing recording still gets a 404, and the rest
  // streams a part at a time.
  ByteRange bytes =
      range.status == RangeStatus::kSatisfiable ? range.range : ByteRange{0, size - 1};
  uint64_t head_last = bytes.last - bytes.first < kMaxWholeDownloadBytes
                           ? bytes.last
                           : std::min(bytes.last, (bytes.first / part_bytes + 1) * part_bytes - 1);
  http::Response response;
  response.content_type = std::string(fields.at("content_type").as_string());
  response.headers.emplace_back("Accept-Ranges", "bytes");
  response.headers.emplace_back("ETag", etag);
  try {
    response.body = ReadRecordingBytes(context.documents, id, part_bytes, bytes.first, head_last);
  } catch (const std::runtime_error& error) {
    auto current = context.documents.Get("recordings/" + id);
    if (!current || current->fields.contains("deleting")) {
      throw http::NotFound(fmt::format("recording \"{}\" was deleted during the download", id));
    }
    throw;
  }
  if (head_last < bytes.last) {
    response.stream = StreamRecordingBytes(context.documents, id, part_bytes, bytes,
                                           std::exchange(response.body, std::string()));
  }
  if (range.status == RangeStatus::kSatisfiable) {
    response.status = status::partial_content;
    response.headers.emplace_back("Content-Range",
                                  fmt::format("bytes {}-{}/{}", bytes.first, bytes.last, size));
  }
  return response;
}

http::Response RemoveRecording(ApiContext& context, http::Request& request) {
  auto recording =
      LoadOrThrow(context.documents, "recordings", "recording", request.PathParam("recording_id"));
  DeleteRecording(context, recording);
  spdlog::info("recording {} deleted request_id={}", recording.Id(), request.request_id);
  return http::EmptyResponse(status::no_content);
}

}  // namespace

void DeleteRecording(ApiContext& context, const store::Document& recording) {
  uint64_t part_count = static_cast<uint64_t>(recording.fields.at("part_count").as_int64());
  // The mark tells a download that loses its parts to this deletion to
  // answer 404 rather than fail.
  context.documents.Update(recording.path, {{"deleting", true}});
  // The graph goes first: a job that reaches its graph stage after this
  // finds the mark and merges nothing.
  context.graph.RemoveRecording(recording.fields.at("user_id").as_string(), recording.Id());
  DeleteAll(context.documents, RecordingPartPaths(recording.Id(), part_count));
  boost::json::value recording_id(recording.Id());
  std::vector<std::string> derived;
  for (const char* collection : {"transcript_chunks", "jobs"}) {
    for (const auto& document : context.documents.Query(collection, "recording_id", recording_id)) {
      derived.push_back(document.path);
    }
  }
  DeleteAll(context.documents, derived);
  context.documents.Delete(recording.path);

  // The completed upload only points at this recording, so it goes too.
  if (const auto* upload_id = recording.fields.if_contains("upload_id");
      upload_id != nullptr && upload_id->is_string()) {
    context.documents.Delete(fmt::format("uploads/{}", std::string_view(upload_id->as_string())));
  }
}

void AddRecordingRoutes(http::Router& router, ApiContext& context) {
  router.Add({verb::get, "/v1/users/{user_id}/recordings", Bind(context, ListRecordings)});
  router.Add({verb::get, "/v1/recordings/{recording_id}", Bind(context, ReadRecording)});
  router.Add({verb::get, "/v1/recordings/{recording_id}/audio", Bind(context, DownloadAudio)});
  router.Add({verb::delete_, "/v1/recordings/{recording_id}", Bind(context, RemoveRecording)});
}

}  // namespace talegraph::api
