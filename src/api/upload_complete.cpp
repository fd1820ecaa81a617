// POST /v1/uploads/{upload_id}/complete: checks the chunks, assembles them
// into the recording's audio parts and creates the recording.
//
// The recording's id is the upload's id, so a retried or concurrent
// complete writes the same parts and finds the same recording. The
// recording document and the upload's "completed" status are committed in
// one batch after the audio is in place, so a failure before that leaves
// the upload open and the recording absent.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <boost/json/value_from.hpp>
#include <chrono>

#include "api/audio_parts.h"
#include "api/jobs.h"
#include "api/json_input.h"
#include "api/recording_records.h"
#include "api/resources.h"
#include "api/uploads.h"
#include "http/errors.h"
#include "jobs/job_records.h"
#include "util/ids.h"
#include "util/sha256.h"
#include "util/time.h"

namespace talegraph::api {

namespace {

using boost::beast::http::status;

struct Declared {
  std::optional<int64_t> total_bytes;
  std::optional<std::string> sha256;
  std::optional<int64_t> chunk_count;
};

// Reads the optional body; its values override those given at start.
Declared ReadDeclared(const ApiContext& context, const http::Request& request,
                      const boost::json::object& upload) {
  boost::json::object body = ParseJsonObject(request, /*allow_empty=*/true);
  FieldReader fields(body, {"total_bytes", "sha256", "chunk_count"});
  Declared declared;
  declared.total_bytes = fields.OptionalInteger(
      "total_bytes", 1, static_cast<int64_t>(context.config.uploads.max_total_bytes));
  declared.chunk_count = fields.OptionalInteger(
      "chunk_count", 1, static_cast<int64_t>(context.config.uploads.max_chunks));
  declared.sha256 = fields.OptionalString("sha256", 0, 64);
  if (declared.sha256 && !util::IsSha256Hex(*declared.sha256)) {
    throw http::Unprocessable("invalid_field",
                              fmt::format("field \"sha256\" must be 64 hex characters, found "
                                          "\"{}\"",
                                          *declared.sha256));
  }

  if (!declared.total_bytes && upload.at("total_bytes").is_int64()) {
    declared.total_bytes = upload.at("total_bytes").as_int64();
  }
  if (!declared.chunk_count && upload.at("chunk_count").is_int64()) {
    declared.chunk_count = upload.at("chunk_count").as_int64();
  }
  if (!declared.sha256 && upload.at("sha256").is_string()) {
    declared.sha256 = std::string(upload.at("sha256").as_string());
  }
  if (declared.sha256) {
    std::transform(declared.sha256->begin(), declared.sha256->end(), declared.sha256->begin(),
                   [](unsigned char c) { return std::tolower(c); });
  }
  return declared;
}

// Checks that chunks 0..n-1 are present and nothing lies beyond them.
// Returns n.
uint64_t CheckChunks(const store::Document& upload, const Declared& declared) {
  const auto& chunks = upload.fields.at("chunks").as_object();
  boost::json::object counted = upload.fields;
  if (declared.chunk_count) {
    counted["chunk_count"] = *declared.chunk_count;
  }
  uint64_t count = ExpectedChunkCount(counted);
  if (count == 0) {
    http::HttpError error = http::Conflict(
        "missing_chunks",
        fmt::format("upload \"{}\" has no chunks; PUT chunk 0 before completing", upload.Id()));
    error.extra()["missing"] = boost::json::array{0};
    throw error;
  }

  for (const auto& [key, chunk] : chunks) {
    uint64_t index = std::stoull(std::string(key));
    if (index >= count) {
      throw http::Unprocessable("invalid_field",
                                fmt::format("chunk {} was received but chunk_count is {}; send the "
                                            "right chunk_count",
                                            index, count));
    }
  }

  std::vector<uint64_t> missing;
  for (uint64_t index = 0; index < count; ++index) {
    if (!chunks.contains(std::to_string(index))) {
      missing.push_back(index);
    }
  }
  if (!missing.empty()) {
    std::vector<uint64_t> shown(missing.begin(),
                                missing.begin() + std::min<size_t>(missing.size(), 20));
    http::HttpError error = http::Conflict(
        "missing_chunks",
        fmt::format("upload \"{}\" is missing {} of its {} chunks: {}{}; PUT them, then complete "
                    "again",
                    upload.Id(), missing.size(), count, fmt::join(shown, ", "),
                    missing.size() > shown.size() ? ", ..." : ""));
    error.extra()["missing"] = boost::json::value_from(missing);
    throw error;
  }
  return count;
}

struct Assembled {
  uint64_t size = 0;
  std::string sha256;
  uint64_t part_count = 0;
};

// Copies the chunks, in order, into the recording's audio parts.
Assembled Assemble(ApiContext& context, const store::Document& upload, uint64_t count) {
  std::string upload_id(upload.Id());
  const auto& chunks = upload.fields.at("chunks").as_object();
  RecordingPartWriter writer(context.documents, upload_id, context.config.storage.audio_part_bytes);
  util::Sha256 sha;
  Assembled assembled;

  for (uint64_t index = 0; index < count; ++index) {
    const auto& chunk = chunks.at(std::to_string(index)).as_object();
    for (const std::string& path : ChunkPartPaths(upload_id, index, chunk)) {
      auto part = context.documents.Get(path);
      if (!part) {
        throw std::runtime_error(fmt::format("part {} of upload {} is missing", path, upload_id));
      }
      sha.Update(part->data);
      writer.Append(part->data);
      assembled.size += part->data.size();
    }
  }
  writer.Finish();
  assembled.sha256 = sha.FinishHex();
  assembled.part_count = writer.part_count();
  return assembled;
}

void CheckSize(const store::Document& upload, const Declared& declared, uint64_t size) {
  if (declared.total_bytes && static_cast<uint64_t>(*declared.total_bytes) != size) {
    throw http::Unprocessable(
        "size_mismatch", fmt::format("upload \"{}\" holds {} bytes but total_bytes is {}; resend "
                                     "the chunks that differ, then complete again",
                                     upload.Id(), size, *declared.total_bytes));
  }
}

void CheckSha256(const store::Document& upload, const Declared& declared,
                 const std::string& sha256) {
  if (declared.sha256 && *declared.sha256 != sha256) {
    throw http::Unprocessable(
        "sha256_mismatch",
        fmt::format("upload \"{}\" has SHA-256 {} but sha256 is {}; compare the chunks' sha256 "
                    "in GET /v1/uploads/{} with yours and resend the ones that differ",
                    upload.Id(), sha256, *declared.sha256, upload.Id()));
  }
}

http::Response Accepted(const store::Document& upload) {
  return http::JsonResponse(status::accepted, {{"recording_id", upload.fields.at("recording_id")},
                                               {"job_id", upload.fields.at("job_id")},
                                               {"upload_id", upload.Id()},
                                               {"status", "uploaded"}});
}

}  // namespace

http::Response CompleteUpload(ApiContext& context, http::Request& request) {
  const std::string& upload_id = request.PathParam("upload_id");
  auto start = std::chrono::steady_clock::now();
  std::lock_guard lock(context.upload_locks.For(upload_id));
  store::Document upload = LoadOrThrow(context.documents, "uploads", "upload", upload_id);
  if (upload.fields.at("status") == "completed") {
    return Accepted(upload);
  }
  RequireOpen(upload);
  Declared declared = ReadDeclared(context, request, upload.fields);
  uint64_t count = CheckChunks(upload, declared);
  CheckSize(upload, declared, static_cast<uint64_t>(upload.fields.at("received_bytes").as_int64()));

  Assembled assembled = Assemble(context, upload, count);
  std::vector<std::string> written = RecordingPartPaths(upload_id, assembled.part_count);
  try {
    CheckSize(upload, declared, assembled.size);
    CheckSha256(upload, declared, assembled.sha256);
  } catch (const http::HttpError&) {
    DeleteAll(context.documents, written);
    throw;
  }

  // The recording and the upload's new status land together, and only if
  // no chunk changed since the upload was read.
  std::string job_id = util::GenerateId();
  StoredAudio audio{assembled.size, assembled.sha256, context.config.storage.audio_part_bytes,
                    assembled.part_count};
  boost::json::object recording =
      NewRecordingFields(upload.fields, boost::json::value(upload_id), audio, job_id);
  std::string_view user_id = upload.fields.at("user_id").as_string();
  store::WriteBatch batch;
  batch.Set("recordings/" + upload_id, recording, {}, store::Precondition::NotExists());
  batch.Set("jobs/" + job_id, jobs::NewJob(upload_id, user_id), {},
            store::Precondition::NotExists());
  batch.Update(upload.path,
               {{"status", "completed"},
                {"recording_id", upload_id},
                {"job_id", job_id},
                {"completed_at", util::NowRfc3339()},
                {"updated_at", util::NowRfc3339()}},
               store::Precondition::UpdateTimeIs(upload.update_time));
  batch.Update(fmt::format("users/{}", std::string_view(upload.fields.at("user_id").as_string())),
               {}, store::Precondition::Exists());
  if (!context.documents.Commit(batch)) {
    DeleteAll(context.documents, written);
    store::Document current = LoadOrThrow(context.documents, "uploads", "upload", upload_id);
    if (current.fields.at("status") == "completed") {
      return Accepted(current);
    }
    throw http::Conflict("upload_busy",
                         fmt::format("upload \"{}\" changed while it was being completed; "
                                     "complete it again",
                                     upload_id));
  }

  SubmitJob(context, job_id);
  DeleteAll(context.documents, UploadPartPaths(upload_id, upload.fields));
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  spdlog::info(
      "upload {} completed as recording {} with job {}: {} bytes in {} chunks, {} parts, "
      "{:.3f}s request_id={}",
      upload_id, upload_id, job_id, assembled.size, count, assembled.part_count, seconds,
      request.request_id);
  return Accepted(LoadOrThrow(context.documents, "uploads", "upload", upload_id));
}

}  // namespace talegraph::api
