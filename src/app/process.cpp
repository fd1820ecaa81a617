#include "app/process.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/json/serialize.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "api/audio_parts.h"
#include "api/graph_views.h"
#include "api/recording_records.h"
#include "app/logging.h"
#include "app/stores.h"
#include "asr/engine.h"
#include "graph/extractor_factory.h"
#include "graph/graph_updater.h"
#include "jobs/job_records.h"
#include "pipeline/pipeline.h"
#include "util/ids.h"
#include "util/sha256.h"
#include "util/time.h"

namespace talegraph::app {

namespace {

// Returns the id of the user to own the recording, creating one when none
// was named. Throws std::runtime_error for an unknown user.
std::string ResolveUser(store::DocumentStore& documents, const std::string& user_id) {
  if (!user_id.empty()) {
    if (!util::IsValidId(user_id) || !documents.Get("users/" + user_id)) {
      throw std::runtime_error(
          fmt::format("user \"{}\" not found; pass an existing --user or "
                      "leave it out to create one",
                      user_id));
    }
    return user_id;
  }
  std::string id = util::GenerateId();
  std::string now = util::NowRfc3339();
  documents.Set("users/" + id, {{"name", "talegraph process"},
                                {"email", nullptr},
                                {"profile", nullptr},
                                {"created_at", now},
                                {"updated_at", now}});
  spdlog::info("created user {} for the recording", id);
  return id;
}

// Copies the file into the store as a recording with a queued job.
// Returns the job id.
std::string StoreRecording(const config::Config& config, store::DocumentStore& documents,
                           const ProcessOptions& options, const std::string& user_id,
                           std::string& recording_id) {
  std::ifstream file(options.file, std::ios::binary);
  if (!file) {
    throw std::runtime_error(fmt::format("cannot read {}", options.file));
  }
  recording_id = util::GenerateId();
  api::RecordingPartWriter writer(documents, recording_id, config.storage.audio_part_bytes);
  util::Sha256 sha;
  api::StoredAudio audio{0, {}, config.storage.audio_part_bytes, 0};
  std::string buffer(1 << 20, '\0');
  while (file.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) ||
         file.gcount() > 0) {
    std::string_view piece(buffer.data(), static_cast<size_t>(file.gcount()));
    sha.Update(piece);
    writer.Append(piece);
    audio.size += piece.size();
  }
  writer.Finish();
  audio.sha256 = sha.FinishHex();
  audio.part_count = writer.part_count();

  std::string filename = std::filesystem::path(options.file).filename().string();
  boost::json::object source{{"user_id", user_id},
                             {"title", options.title.empty() ? boost::json::value(filename)
                                                             : boost::json::value(options.title)},
                             {"filename", filename},
                             {"content_type", "application/octet-stream"}};
  std::string job_id = util::GenerateId();
  store::WriteBatch batch;
  batch.Set("recordings/" + recording_id, api::NewRecordingFields(source, nullptr, audio, job_id));
  batch.Set("jobs/" + job_id, jobs::NewJob(recording_id, user_id));
  documents.Commit(batch);
  spdlog::info("stored {} ({} bytes) as recording {} with job {}", options.file, audio.size,
               recording_id, job_id);
  return job_id;
}

std::string FormatTime(double seconds) {
  int minutes = static_cast<int>(seconds / 60);
  return fmt::format("{:02d}:{:04.1f}", minutes, seconds - minutes * 60);
}

// Returns the user's chapters as GET /v1/users/{user_id}/chapters does.
boost::json::array ReadChapters(store::DocumentStore& documents, store::GraphStore& graph,
                                const std::string& user_id) {
  boost::json::value user(user_id);
  return api::ChapterViews(graph.ReadGraph(user_id),
                           documents.Query("transcript_chunks", "user_id", user),
                           documents.Query("recordings", "user_id", user));
}

// Prints the transcript chunks with their times, then the user's chapters;
// with `json`, one JSON object {"recording_id", "chunks", "chapters"}.
void PrintResult(store::DocumentStore& documents, store::GraphStore& graph,
                 const std::string& user_id, const std::string& recording_id, bool json) {
  auto chunks =
      documents.Query("transcript_chunks", "recording_id", boost::json::value(recording_id));
  auto chapters = ReadChapters(documents, graph, user_id);
  if (json) {
    boost::json::array items;
    for (const auto& chunk : chunks) {
      boost::json::object item = chunk.fields;
      item["id"] = chunk.Id();
      items.push_back(std::move(item));
    }
    boost::json::object out{{"recording_id", recording_id},
                            {"chunks", std::move(items)},
                            {"chapters", std::move(chapters)}};
    std::puts(boost::json::serialize(out).c_str());
    return;
  }
  for (const auto& chunk : chunks) {
    const auto& fields = chunk.fields;
    std::printf("[%s - %s] %s\n", FormatTime(fields.at("start").to_number<double>()).c_str(),
                FormatTime(fields.at("end").to_number<double>()).c_str(),
                std::string(fields.at("text").as_string()).c_str());
  }
  std::printf("\nchapters of user %s:\n", user_id.c_str());
  if (chapters.empty()) {
    std::puts("(none: no node has chapters.min_degree edges)");
  }
  int number = 0;
  for (const auto& value : chapters) {
    const auto& chapter = value.as_object();
    std::printf("%2d. %s (%s, %lld edges, %zu passages)\n", ++number,
                std::string(chapter.at("title").as_string()).c_str(),
                std::string(chapter.at("kind").as_string()).c_str(),
                static_cast<long long>(chapter.at("degree").to_number<int64_t>()),
                chapter.at("passages").as_array().size());
  }
}

}  // namespace

int Process(const config::Config& config, const ProcessOptions& options) {
  ConfigureLogging(config.log);
  try {
    auto documents = OpenDocumentStore(config);
    auto graph_store = OpenGraphStore(config);
    graph::GraphUpdater graph(*graph_store, config.chapters);
    auto transcriber = asr::MakeTranscriber(config);
    auto extractor = graph::MakeConceptExtractor(config);
    std::string user_id = ResolveUser(*documents, options.user_id);
    std::string recording_id;
    std::string job_id = StoreRecording(config, *documents, options, user_id, recording_id);

    pipeline::Pipeline pipeline(config, *documents, *transcriber, *extractor, graph);
    std::atomic<bool> stopping = false;
    pipeline.Run(job_id, stopping);

    auto job = documents->Get("jobs/" + job_id);
    if (!job || job->fields.at("status") != "succeeded") {
      std::string message = job ? boost::json::serialize(job->fields.at("error")) : "job vanished";
      std::fprintf(stderr, "talegraph: processing %s failed: %s\n", options.file.c_str(),
                   message.c_str());
      return 1;
    }
    PrintResult(*documents, *graph_store, user_id, recording_id, options.json);
    return 0;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "talegraph: %s\n", error.what());
    return 1;
  }
}

}  // namespace talegraph::app
