// The fields of a new recording document, shared by upload completion and
// the process command.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <string>
#include <string_view>

namespace talegraph::api {

// Layout of a recording's stored audio.
struct StoredAudio {
  uint64_t size = 0;
  std::string sha256;
  uint64_t part_bytes = 0;
  uint64_t part_count = 0;
};

// Returns the fields of a new recording in status "uploaded". `source`
// gives user_id, title, filename and content_type; `upload_id` may be null.
boost::json::object NewRecordingFields(const boost::json::object& source,
                                       const boost::json::value& upload_id,
                                       const StoredAudio& audio, std::string_view job_id);

}  // namespace talegraph::api
