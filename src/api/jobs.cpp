// GET /v1/jobs/{job_id} and POST /v1/recordings/{recording_id}/process.
#include "api/jobs.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "api/resources.h"
#include "api/routes.h"
#include "http/errors.h"
#include "jobs/job_records.h"
#include "util/ids.h"
#include "util/time.h"

namespace talegraph::api {

namespace {

using boost::beast::http::status;
using boost::beast::http::verb;

http::Response ReadJob(ApiContext& context, http::Request& request) {
  auto job = LoadOrThrow(context.documents, "jobs", "job", request.PathParam("job_id"));
  return http::JsonResponse(status::ok, jobs::JobView(job));
}

// Throws 409 when the recording's current job is still queued or running.
void RequireIdle(ApiContext& context, const store::Document& recording) {
  const auto& job_id = recording.fields.at("job_id");
  if (!job_id.is_string()) {
    return;
  }
  auto job = context.documents.Get(fmt::format("jobs/{}", std::string_view(job_id.as_string())));
  if (!job) {
    return;
  }
  const auto& job_status = job->fields.at("status");
  if (job_status == "queued" || job_status == "running") {
    http::HttpError error = http::Conflict(
        "job_in_progress",
        fmt::format("recording \"{}\" is being processed by job \"{}\" ({}); poll GET "
                    "/v1/jobs/{} and process again once it has finished",
                    recording.Id(), std::string_view(job_id.as_string()),
                    std::string_view(job_status.as_string()),
                    std::string_view(job_id.as_string())));
    error.extra()["job_id"] = job_id;
    throw error;
  }
}

http::Response ProcessRecording(ApiContext& context, http::Request& request) {
  const std::string& recording_id = request.PathParam("recording_id");
  std::lock_guard lock(context.upload_locks.For(recording_id));
  auto recording = LoadOrThrow(context.documents, "recordings", "recording", recording_id);
  RequireIdle(context, recording);

  std::string job_id = util::GenerateId();
  store::WriteBatch batch;
  batch.Set("jobs/" + job_id,
            jobs::NewJob(recording_id, recording.fields.at("user_id").as_string()), {},
            store::Precondition::NotExists());
  batch.Update(recording.path,
               {{"job_id", job_id}, {"status", "processing"}, {"updated_at", util::NowRfc3339()}},
               store::Precondition::UpdateTimeIs(recording.update_time));
  if (!context.documents.Commit(batch)) {
    throw http::Conflict(
        "recording_busy",
        fmt::format("recording \"{}\" changed while the job was queued; retry", recording_id));
  }
  SubmitJob(context, job_id);
  spdlog::info("job {} queued to process recording {} again request_id={}", job_id, recording_id,
               request.request_id);
  return http::JsonResponse(status::accepted, {{"recording_id", recording_id}, {"job_id", job_id}});
}

}  // namespace

void SubmitJob(ApiContext& context, const std::string& job_id) {
  if (context.job_runner != nullptr) {
    context.job_runner->Submit(job_id);
  }
}

void AddJobRoutes(http::Router& router, ApiContext& context) {
  router.Add({verb::get, "/v1/jobs/{job_id}", Bind(context, ReadJob)});
  router.Add(
      {verb::post, "/v1/recordings/{recording_id}/process", Bind(context, ProcessRecording)});
}

}  // namespace talegraph::api
