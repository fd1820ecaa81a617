// Where audio bytes live in the document store, in parts small enough for
// one Firestore document each:
//   uploads/{upload_id}/parts/{index}-{generation}-{part}  a chunk as received
//   recordings/{recording_id}/audio_parts/{part}          the assembled audio
// A chunk's generation changes each time it is sent, so a re-sent chunk is
// written beside the old one and replaces it only when the upload document
// points to it.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/document_store.h"

namespace talegraph::api {

// Path of one stored part of chunk `index` of an upload.
std::string UploadPartPath(std::string_view upload_id, uint64_t index, std::string_view generation,
                           uint64_t part);

// Paths of every part of the chunk described by `chunk` ({"parts",
// "generation"}, as kept in the upload document under "chunks").
std::vector<std::string> ChunkPartPaths(std::string_view upload_id, uint64_t index,
                                        const boost::json::object& chunk);

// Paths of the parts of every chunk listed in an upload's "chunks" field.
std::vector<std::string> UploadPartPaths(std::string_view upload_id,
                                         const boost::json::object& upload);

// Writes `bytes` as parts of at most `part_bytes` each. Returns the number
// of parts.
uint64_t WriteChunkParts(store::DocumentStore& documents, std::string_view upload_id,
                         uint64_t index, std::string_view generation, std::string_view bytes,
                         size_t part_bytes);

// Path of part `part` of a recording's audio.
std::string RecordingPartPath(std::string_view recording_id, uint64_t part);

std::vector<std::string> RecordingPartPaths(std::string_view recording_id, uint64_t part_count);

// Writes a byte stream as recording parts of exactly `part_bytes` each (the
// last one shorter), holding at most one part in memory.
class RecordingPartWriter {
 public:
  RecordingPartWriter(store::DocumentStore& documents, std::string recording_id, size_t part_bytes);

  void Append(std::string_view bytes);
  // Writes what remains; call once after the last Append.
  void Finish();

  uint64_t part_count() const { return part_count_; }

 private:
  void Flush();

  store::DocumentStore& documents_;
  std::string recording_id_;
  size_t part_bytes_;
  std::string pending_;
  uint64_t part_count_ = 0;
};

// Returns bytes first..last (inclusive) of a recording stored in parts of
// `part_bytes`. Throws std::runtime_error when a part is missing or short.
std::string ReadRecordingBytes(store::DocumentStore& documents, std::string_view recording_id,
                               uint64_t part_bytes, uint64_t first, uint64_t last);

}  // namespace talegraph::api
