// Job documents, jobs/{job_id}: the state of one processing run of a
// recording, which clients poll.
//
// Fields: recording_id, user_id, status (queued, running, succeeded,
// failed), stage (null before the first one), progress (0 to 1), error
// ({"stage", "message"} or null), stage_seconds ({"decode": 1.2, ...}),
// attempts, created_at, started_at, finished_at, updated_at.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "store/document_store.h"

namespace talegraph::jobs {

// Returns the fields of a new queued job.
boost::json::object NewJob(std::string_view recording_id, std::string_view user_id);

// Returns the job as the API shows it, with "id".
boost::json::object JobView(const store::Document& job);

// Returns the ids of jobs left queued or running, oldest first.
std::vector<std::string> UnfinishedJobIds(store::DocumentStore& documents);

}  // namespace talegraph::jobs
