#include "api/audio_parts.h"

#include <fmt/format.h>

#include <stdexcept>

namespace talegraph::api {

std::string UploadPartPath(std::string_view upload_id, uint64_t index, std::string_view generation,
                           uint64_t part) {
  return fmt::format("uploads/{}/parts/{:06d}-{}-{:04d}", upload_id, index, generation, part);
}

std::vector<std::string> ChunkPartPaths(std::string_view upload_id, uint64_t index,
                                        const boost::json::object& chunk) {
  std::vector<std::string> paths;
  std::string_view generation = chunk.at("generation").as_string();
  // The entry may come from the store (int64) or be freshly built (uint64).
  auto parts = chunk.at("parts").to_number<uint64_t>();
  for (uint64_t part = 0; part < parts; ++part) {
    paths.push_back(UploadPartPath(upload_id, index, generation, part));
  }
  return paths;
}

std::vector<std::string> UploadPartPaths(std::string_view upload_id,
                                         const boost::json::object& upload) {
  std::vector<std::string> paths;
  const auto* chunks = upload.if_contains("chunks");
  if (chunks == nullptr || !chunks->is_object()) {
    return paths;
  }
  for (const auto& [key, chunk] : chunks->as_object()) {
    uint64_t index = std::stoull(std::string(key));
    auto chunk_paths = ChunkPartPaths(upload_id, index, chunk.as_object());
    paths.insert(paths.end(), chunk_paths.begin(), chunk_paths.end());
  }
  return paths;
}

uint64_t WriteChunkParts(store::DocumentStore& documents, std::string_view upload_id,
                         uint64_t index, std::string_view generation, std::string_view bytes,
                         size_t part_bytes) {
  uint64_t part = 0;
  for (size_t offset = 0; offset < bytes.size(); offset += part_bytes, ++part) {
    std::string_view piece = bytes.substr(offset, part_bytes);
    boost::json::object fields{{"index", index}, {"part", part}, {"size", piece.size()}};
    documents.Set(UploadPartPath(upload_id, index, generation, part), fields, piece);
  }
  return part;
}

std::string RecordingPartPath(std::string_view recording_id, uint64_t part) {
  return fmt::format("recordings/{}/audio_parts/{:06d}", recording_id, part);
}

std::vector<std::string> RecordingPartPaths(std::string_view recording_id, uint64_t part_count) {
  std::vector<std::string> paths;
  for (uint64_t part = 0; part < part_count; ++part) {
    paths.push_back(RecordingPartPath(recording_id, part));
  }
  return paths;
}

RecordingPartWriter::RecordingPartWriter(store::DocumentStore& documents, std::string recording_id,
                                         size_t part_bytes)
    : documents_(documents), recording_id_(std::move(recording_id)), part_bytes_(part_bytes) {
  pending_.reserve(part_bytes_);
}

void RecordingPartWriter::Append(std::string_view bytes) {
  while (!bytes.empty()) {
    size_t take = std::min(bytes.size(), part_bytes_ - pending_.size());
    pending_.append(bytes.substr(0, take));
    bytes.remove_prefix(take);
    if (pending_.size() == part_bytes_) {
      Flush();
    }
  }
}

void RecordingPartWriter::Finish() {
  if (!pending_.empty()) {
    Flush();
  }
}

void RecordingPartWriter::Flush() {
  boost::json::object fields{{"part", part_count_}, {"size", pending_.size()}};
  documents_.Set(RecordingPartPath(recording_id_, part_count_), fields, pending_);
  ++part_count_;
  pending_.clear();
}

std::string ReadRecordingBytes(store::DocumentStore& documents, std::string_view recording_id,
                               uint64_t part_bytes, uint64_t first, uint64_t last) {
  std::string bytes;
  bytes.reserve(last - first + 1);
  for (uint64_t part = first / part_bytes; part <= last / part_bytes; ++part) {
    auto document = documents.Get(RecordingPartPath(recording_id, part));
    uint64_t part_start = part * part_bytes;
    if (!document ||
        part_start + document->data.size() <= std::min(last, part_start + part_bytes - 1)) {
      throw std::runtime_error(
          fmt::format("audio part {} of recording {} is missing or short", part, recording_id));
    }
    uint64_t from = std::max(first, part_start) - part_start;
    uint64_t to = std::min(last, part_start + document->data.size() - 1) - part_start;
    bytes.append(document->data, from, to - from + 1);
  }
  return bytes;
}

}  // namespace talegraph::api
