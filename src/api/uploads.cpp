// /v1/uploads: start, PUT chunk n, status and abort. Complete is in
// upload_complete.cpp.
#include "api/uploads.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/beast/core/string.hpp>
#include <charconv>

#include "api/audio_parts.h"
#include "api/deletion.h"
#include "api/json_input.h"
#include "api/resources.h"
#include "api/routes.h"
#include "http/errors.h"
#include "util/ids.h"
#include "util/printable.h"
#include "util/sha256.h"
#include "util/time.h"

namespace talegraph::api {

namespace {

using boost::beast::http::status;
using boost::beast::http::verb;

constexpr size_t kMaxFilenameLength = 255;
constexpr size_t kMaxTitleLength = 500;
constexpr size_t kMaxContentTypeLength = 200;
// Attempts at the read-modify-write of an upload document before a chunk
// PUT gives up with 409, when other chunks of the same upload keep landing.
constexpr int kMaxChunkCommitAttempts = 50;

std::string_view MediaType(std::string_view content_type) {
  std::string_view media = content_type.substr(0, content_type.find(';'));
  while (!media.empty() && media.back() == ' ') {
    media.remove_suffix(1);
  }
  return media;
}

std::optional<std::string> ReadSha256(const FieldReader& fields) {
  auto sha256 = fields.OptionalString("sha256", 0, 64);
  if (sha256 && !util::IsSha256Hex(*sha256)) {
    throw http::Unprocessable("invalid_field",
                              fmt::format("field \"sha256\" must be 64 hex characters, found "
                                          "\"{}\"",
                                          *sha256));
  }
  if (sha256) {
    std::transform(sha256->begin(), sha256->end(), sha256->begin(),
                   [](unsigned char c) { return std::tolower(c); });
  }
  return sha256;
}

boost::json::value OrNull(const auto& optional) {
  return optional ? boost::json::value(*optional) : boost::json::value(nullptr);
}

// Writes the new upload together with a touch of its user's document, so
// that the write fails when the user is deleted at the same time: DeleteUser
// marks the user first, which changes its update time.
void CreateForUser(ApiContext& context, const std::string& user_id, const std::string& path,
                   const boost::json::object& upload) {
  for (int attempt = 0; attempt < kMaxChunkCommitAttempts; ++attempt) {
    auto user = util::IsValidId(user_id) ? context.documents.Get("users/" + user_id) : std::nullopt;
    if (!user || user->fields.contains("deleting")) {
      throw http::NotFound(
          fmt::format("user \"{}\" not found; create it with POST /v1/users first", user_id));
    }
    store::WriteBatch batch;
    batch.Set(path, upload, {}, store::Precondition::NotExists());
    batch.Update(user->path, {}, store::Precondition::UpdateTimeIs(user->update_time));
    if (context.documents.Commit(batch)) {
      return;
    }
  }
  throw http::Conflict("user_busy", fmt::format("user \"{}\" kept changing while the upload was "
                                                "created; retry",
                                                user_id));
}

http::Response StartUpload(ApiContext& context, http::Request& request) {
  boost::json::object body = ParseJsonObject(request);
  FieldReader fields(body, {"user_id", "content_type", "filename", "title", "total_bytes",
                            "chunk_count", "sha256"});
  std::string user_id = fields.RequireString("user_id", 1, util::kMaxIdLength);
  std::string content_type = fields.RequireString("content_type", 1, kMaxContentTypeLength);
  auto filename = fields.OptionalString("filename", 1, kMaxFilenameLength);
  auto title = fields.OptionalString("title", 0, kMaxTitleLength);
  auto total_bytes = fields.OptionalInteger(
      "total_bytes", 1, static_cast<int64_t>(context.config.uploads.max_total_bytes));
  auto chunk_count = fields.OptionalInteger(
      "chunk_count", 1, static_cast<int64_t>(context.config.uploads.max_chunks));
  auto sha256 = ReadSha256(fields);

  if (!IsAudioMediaType(content_type)) {
    throw http::UnsupportedMediaType(
        fmt::format("content_type \"{}\" is not audio; use audio/* (such as audio/mp4 or "
                    "audio/mpeg), video/mp4, video/3gpp, video/webm or application/ogg",
                    util::Printable(content_type)));
  }
  std::string now = util::NowRfc3339();
  boost::json::object upload{{"user_id", user_id},
                             {"content_type", content_type},
                             {"filename", OrNull(filename)},
                             {"title", OrNull(title)},
                             {"total_bytes", OrNull(total_bytes)},
                             {"chunk_count", OrNull(chunk_count)},
                             {"sha256", OrNull(sha256)},
                             {"status", "open"},
                             {"chunks", boost::json::object()},
                             {"received_bytes", 0},
                             {"recording_id", nullptr},
                             {"job_id", nullptr},
                             {"created_at", now},
                             {"updated_at", now}};
  std::string id = util::GenerateId();
  CreateForUser(context, user_id, "uploads/" + id, upload);
  spdlog::info("upload {} started for user {} ({}) request_id={}", id, user_id, content_type,
               request.request_id);

  store::Document document{"uploads/" + id, std::move(upload), {}, {}};
  return http::JsonResponse(status::created, UploadView(context, document));
}

// Parses the {n} path parameter. Throws 400 unless it is a decimal integer,
// and 422 when it is past the declared or configured chunk count.
uint64_t ParseChunkIndex(const ApiContext& context, std::string_view text) {
  uint64_t index = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), index);
  bool digits_only =
      !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
  if (!digits_only || error != std::errc() || end != text.data() + text.size()) {
    throw http::BadRequest("invalid_chunk_index",
                           fmt::format("chunk index \"{}\" is not a non-negative integer; chunks "
                                       "are numbered 0, 1, 2, ...",
                                       util::Printable(text)));
  }
  if (index >= context.config.uploads.max_chunks) {
    throw http::Unprocessable("chunk_index_out_of_range",
                              fmt::format("chunk index {} is past the limit of {} chunks an "
                                          "upload (uploads.max_chunks); send larger chunks",
                                          index, context.config.uploads.max_chunks));
  }
  return index;
}

void CheckChunkBody(const http::Request& request, uint64_t index) {
  std::string_view content_type = request.Header("Content-Type");
  std::string_view media = MediaType(content_type);
  if (!content_type.empty() && !boost::beast::iequals(media, "application/octet-stream") &&
      !IsAudioMediaType(content_type)) {
    throw http::UnsupportedMediaType(
        fmt::format("chunk Content-Type \"{}\" is not accepted; send raw bytes as "
                    "application/octet-stream or the recording's audio type",
                    util::Printable(content_type)));
  }
  if (request.body.empty()) {
    throw http::Unprocessable("empty_chunk",
                              fmt::format("chunk {} is empty; send at least one byte", index));
  }
}

// Checks that the chunk fits the upload's declared chunk count and the
// configured size limit. The declared total_bytes is checked by complete,
// whose body may still change it.
void CheckChunkFits(const ApiContext& context, const store::Document& upload, uint64_t index,
                    size_t size) {
  const auto& fields = upload.fields;
  const auto& chunk_count = fields.at("chunk_count");
  if (chunk_count.is_int64() && index >= static_cast<uint64_t>(chunk_count.as_int64())) {
    throw http::Unprocessable(
        "chunk_index_out_of_range",
        fmt::format("chunk index {} is past the declared chunk_count of "
                    "{}; chunks are numbered 0 to {}",
                    index, chunk_count.as_int64(), chunk_count.as_int64() - 1));
  }

  uint64_t received = static_cast<uint64_t>(fields.at("received_bytes").as_int64());
  const auto* old_chunk = fields.at("chunks").as_object().if_contains(std::to_string(index));
  if (old_chunk != nullptr) {
    received -= static_cast<uint64_t>(old_chunk->at("size").as_int64());
  }
  uint64_t total = received + size;
  if (total > context.config.uploads.max_total_bytes) {
    throw http::PayloadTooLarge(
        fmt::format("with chunk {} the upload would hold {} bytes, more than the limit of {} "
                    "(uploads.max_total_bytes)",
                    index, total, context.config.uploads.max_total_bytes));
  }
}

// Points the upload document at the new chunk. Returns the chunk entry it
// replaced (null when there was none), retrying when other writes race.
boost::json::value CommitChunk(ApiContext& context, const std::string& upload_id, uint64_t index,
                               const boost::json::object& entry, size_t size) {
  std::string path = "uploads/" + upload_id;
  std::string key = std::to_string(index);
  for (int attempt = 0; attempt < kMaxChunkCommitAttempts; ++attempt) {
    store::Document upload = LoadOrThrow(context.documents, "uploads", "upload", upload_id);
    RequireOpen(upload);
    CheckChunkFits(context, upload, index, size);

    boost::json::object chunks = upload.fields.at("chunks").as_object();
    boost::json::value replaced = chunks.contains(key) ? chunks.at(key) : nullptr;
    int64_t received = upload.fields.at("received_bytes").as_int64() + static_cast<int64_t>(size) -
                       (replaced.is_object() ? replaced.at("size").as_int64() : 0);
    chunks[key] = entry;

    boost::json::object changes{{"chunks", std::move(chunks)},
                                {"received_bytes", received},
                                {"updated_at", util::NowRfc3339()}};
    if (context.documents.Update(path, changes,
                                 store::Precondition::UpdateTimeIs(upload.update_time))) {
      return replaced;
    }
    spdlog::debug("upload {} changed while storing chunk {}, retrying (attempt {})", upload_id,
                  index, attempt + 1);
  }
  throw http::Conflict("upload_busy",
                       fmt::format("upload \"{}\" kept changing while chunk {} was stored; send "
                                   "the chunk again",
                                   upload_id, index));
}

http::Response PutChunk(ApiContext& context, http::Request& request) {
  const std::string& upload_id = request.PathParam("upload_id");
  uint64_t index = ParseChunkIndex(context, request.PathParam("n"));
  CheckChunkBody(request, index);

  store::Document upload = LoadOrThrow(context.documents, "uploads", "upload", upload_id);
  RequireOpen(upload);
  CheckChunkFits(context, upload, index, request.body.size());

  // The parts go in under a fresh generation first, so the old chunk stays
  // intact until the upload document points at the new one.
  std::string generation = util::GenerateId().substr(0, 8);
  std::string sha256 = util::Sha256Hex(request.body);
  uint64_t parts = WriteChunkParts(context.documents, upload_id, index, generation, request.body,
                                   context.config.storage.audio_part_bytes);
  boost::json::object entry{{"size", request.body.size()},
                            {"sha256", sha256},
                            {"parts", parts},
                            {"generation", generation}};

  boost::json::value replaced;
  {
    std::lock_guard lock(context.upload_locks.For(upload_id));
    try {
      replaced = CommitChunk(context, upload_id, index, entry, request.body.size());
    } catch (...) {
      DeleteAll(context.documents, ChunkPartPaths(upload_id, index, entry));
      throw;
    }
    if (replaced.is_object()) {
      DeleteAll(context.documents, ChunkPartPaths(upload_id, index, replaced.as_object()));
    }
  }
  spdlog::info("upload {} chunk {} stored: {} bytes in {} parts{} request_id={}", upload_id, index,
               request.body.size(), parts,
               replaced.is_object() ? ", replacing the previous one" : "", request.request_id);

  return http::JsonResponse(status::ok, {{"upload_id", upload_id},
                                         {"index", index},
                                         {"size", request.body.size()},
                                         {"sha256", sha256}});
}

http::Response ReadUpload(ApiContext& context, http::Request& request) {
  auto upload = LoadOrThrow(context.documents, "uploads", "upload", request.PathParam("upload_id"));
  return http::JsonResponse(status::ok, UploadView(context, upload));
}

http::Response AbortUpload(ApiContext& context, http::Request& request) {
  const std::string& upload_id = request.PathParam("upload_id");
  std::lock_guard lock(context.upload_locks.For(upload_id));
  auto upload = LoadOrThrow(context.documents, "uploads", "upload", upload_id);
  std::string_view upload_status = upload.fields.at("status").as_string();
  if (upload_status == "completed") {
    throw http::Conflict("upload_not_open",
                         fmt::format("upload \"{}\" is completed as recording \"{}\"; delete the "
                                     "recording instead",
                                     upload_id, upload.fields.at("recording_id").as_string()));
  }
  RequireOpen(upload);

  // Marking the upload aborted first makes concurrent chunk PUTs fail their
  // precondition, so no part is written after the cleanup.
  boost::json::object changes{{"status", "aborted"},
                              {"chunks", boost::json::object()},
                              {"received_bytes", 0},
                              {"updated_at", util::NowRfc3339()}};
  if (!context.documents.Update(upload.path, changes,
                                store::Precondition::UpdateTimeIs(upload.update_time))) {
    throw http::Conflict("upload_busy",
                         fmt::format("upload \"{}\" changed during the abort; retry", upload_id));
  }
  DeleteAll(context.documents, UploadPartPaths(upload_id, upload.fields));
  spdlog::info("upload {} aborted request_id={}", upload_id, request.request_id);
  return http::EmptyResponse(status::no_content);
}

}  // namespace

bool IsAudioMediaType(std::string_view content_type) {
  std::string media(MediaType(content_type));
  std::transform(media.begin(), media.end(), media.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (media.starts_with("audio/")) {
    return media.size() > 6 && media.find_first_of(" /", 6) == std::string::npos;
  }
  return media == "video/mp4" || media == "video/3gpp" || media == "video/webm" ||
         media == "application/ogg";
}

void RequireOpen(const store::Document& upload) {
  std::string_view upload_status = upload.fields.at("status").as_string();
  if (upload_status != "open") {
    throw http::Conflict("upload_not_open",
                         fmt::format("upload \"{}\" is {}, so it takes no more chunks or "
                                     "changes; start a new upload",
                                     upload.Id(), upload_status));
  }
}

uint64_t ExpectedChunkCount(const boost::json::object& upload) {
  const auto& chunk_count = upload.at("chunk_count");
  if (chunk_count.is_int64()) {
    return static_cast<uint64_t>(chunk_count.as_int64());
  }
  uint64_t count = 0;
  for (const auto& [key, chunk] : upload.at("chunks").as_object()) {
    count = std::max<uint64_t>(count, std::stoull(std::string(key)) + 1);
  }
  return count;
}

boost::json::object UploadView(const ApiContext& context, const store::Document& upload) {
  boost::json::object view = WithId(upload, "upload_id");
  const auto& chunks = upload.fields.at("chunks").as_object();

  std::vector<uint64_t> indices;
  for (const auto& [key, chunk] : chunks) {
    indices.push_back(std::stoull(std::string(key)));
  }
  std::sort(indices.begin(), indices.end());

  boost::json::array received;
  boost::json::array details;
  for (uint64_t index : indices) {
    const auto& chunk = chunks.at(std::to_string(index)).as_object();
    received.push_back(index);
    details.push_back(
        {{"index", index}, {"size", chunk.at("size")}, {"sha256", chunk.at("sha256")}});
  }
  boost::json::array missing;
  uint64_t expected = ExpectedChunkCount(upload.fields);
  for (uint64_t index = 0; index < expected; ++index) {
    if (!chunks.contains(std::to_string(index))) {
      missing.push_back(index);
    }
  }

  view.erase("chunks");
  view["chunks"] = std::move(details);
  view["received"] = std::move(received);
  view["missing"] = std::move(missing);
  view["chunk_max_bytes"] = context.config.server.max_chunk_bytes;
  return view;
}

void DeleteUpload(ApiContext& context, const store::Document& upload) {
  std::lock_guard lock(context.upload_locks.For(upload.Id()));
  DeleteAll(context.documents, UploadPartPaths(upload.Id(), upload.fields));
  context.documents.Delete(upload.path);
}

void AddUploadRoutes(http::Router& router, ApiContext& context) {
  router.Add({verb::post, "/v1/uploads", Bind(context, StartUpload), http::BodyKind::kJson});
  router.Add({verb::get, "/v1/uploads/{upload_id}", Bind(context, ReadUpload)});
  router.Add({verb::put, "/v1/uploads/{upload_id}/chunks/{n}", Bind(context, PutChunk),
              http::BodyKind::kAudio});
  router.Add({verb::post, "/v1/uploads/{upload_id}/complete", Bind(context, CompleteUpload),
              http::BodyKind::kJson});
  router.Add({verb::delete_, "/v1/uploads/{upload_id}", Bind(context, AbortUpload)});
}

}  // namespace talegraph::api
