#include "api/recording_records.h"

#include "util/time.h"

namespace talegraph::api {

boost::json::object NewRecordingFields(const boost::json::object& source,
                                       const boost::json::value& upload_id,
                                       const StoredAudio& audio, std::string_view job_id) {
  std::string now = util::NowRfc3339();
  return {{"user_id", source.at("user_id")},
          {"upload_id", upload_id},
          {"title", source.at("title")},
          {"filename", source.at("filename")},
          {"content_type", source.at("content_type")},
          {"size_bytes", audio.size},
          {"sha256", audio.sha256},
          {"part_bytes", audio.part_bytes},
          {"part_count", audio.part_count},
          {"status", "uploaded"},
          {"error", nullptr},
          {"job_id", job_id},
          {"duration_seconds", nullptr},
          {"codec", nullptr},
          {"sample_rate", nullptr},
          {"channels", nullptr},
          {"transcript_chunks", 0},
          {"created_at", now},
          {"updated_at", now}};
}

}  // namespace talegraph::api
