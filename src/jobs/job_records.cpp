#include "jobs/job_records.h"

#include <algorithm>

#include "util/time.h"

namespace talegraph::jobs {

boost::json::object NewJob(std::string_view recording_id, std::string_view user_id) {
  std::string now = util::NowRfc3339();
  return {{"recording_id", recording_id},
          {"user_id", user_id},
          {"status", "queued"},
          {"stage", nullptr},
          {"progress", 0.0},
          {"error", nullptr},
          {"stage_seconds", boost::json::object()},
          {"attempts", 0},
          {"created_at", now},
          {"started_at", nullptr},
          {"finished_at", nullptr},
          {"updated_at", now}};
}

boost::json::object JobView(const store::Document& job) {
  boost::json::object view = job.fields;
  view["id"] = job.Id();
  return view;
}

std::vector<std::string> UnfinishedJobIds(store::DocumentStore& documents) {
  std::vector<store::Document> unfinished;
  for (const char* status : {"queued", "running"}) {
    auto found = documents.Query("jobs", "status", boost::json::value(status));
    unfinished.insert(unfinished.end(), found.begin(), found.end());
  }
  std::sort(unfinished.begin(), unfinished.end(), [](const auto& a, const auto& b) {
    return a.fields.at("created_at").as_string() < b.fields.at("created_at").as_string();
  });
  std::vector<std::string> ids;
  for (const auto& job : unfinished) {
    ids.emplace_back(job.Id());
  }
  return ids;
}

}  // namespace talegraph::jobs
