#include "audio/byte_source.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "api/audio_parts.h"

namespace talegraph::audio {

size_t StringSource::Read(uint64_t offset, char* out, size_t size) {
  if (offset >= bytes_.size()) {
    return 0;
  }
  size_t count = std::min<uint64_t>(size, bytes_.size() - offset);
  std::memcpy(out, bytes_.data() + offset, count);
  return count;
}

FileSource::FileSource(const std::string& path) : path_(path) {
  std::error_code error;
  size_ = std::filesystem::file_size(path, error);
  if (error) {
    throw std::runtime_error(
        fmt::format("opening audio file {} failed: {}", path, error.message()));
  }
  file_.open(path, std::ios::binary);
  if (!file_) {
    throw std::runtime_error(fmt::format("opening audio file {} failed", path));
  }
}

size_t FileSource::Read(uint64_t offset, char* out, size_t size) {
  if (offset >= size_) {
    return 0;
  }
  size = std::min<uint64_t>(size, size_ - offset);
  file_.clear();
  file_.seekg(static_cast<std::streamoff>(offset));
  file_.read(out, static_cast<std::streamsize>(size));
  if (file_.bad() || (file_.fail() && file_.gcount() == 0)) {
    throw std::runtime_error(fmt::format("reading {} at byte {} failed", path_, offset));
  }
  return static_cast<size_t>(file_.gcount());
}

StoredRecordingSource::StoredRecordingSource(store::DocumentStore& documents,
                                             std::string recording_id, uint64_t size_bytes,
                                             uint64_t part_bytes)
    : documents_(documents),
      recording_id_(std::move(recording_id)),
      size_bytes_(size_bytes),
      part_bytes_(part_bytes) {
  if (part_bytes_ == 0) {
    throw std::invalid_argument(
        fmt::format("recording {} has part_bytes 0; it must be positive", recording_id_));
  }
  part_count_ = (size_bytes_ + part_bytes_ - 1) / part_bytes_;
  cached_part_ = part_count_;
}

size_t StoredRecordingSource::Read(uint64_t offset, char* out, size_t size) {
  size_t copied = 0;
  while (copied < size && offset < size_bytes_) {
    uint64_t part = offset / part_bytes_;
    if (part != cached_part_) {
      LoadPart(part);
    }
    uint64_t within = offset - part * part_bytes_;
    size_t count = std::min<uint64_t>(size - copied, cached_data_.size() - within);
    std::memcpy(out + copied, cached_data_.data() + within, count);
    copied += count;
    offset += count;
  }
  return copied;
}

void StoredRecordingSource::LoadPart(uint64_t part) {
  cached_part_ = part_count_;
  cached_data_.clear();
  auto document = documents_.Get(api::RecordingPartPath(recording_id_, part));
  ++part_fetches_;
  if (!document) {
    throw std::runtime_error(
        fmt::format("audio part {} of recording {} is missing", part, recording_id_));
  }
  uint64_t expected = std::min(part_bytes_, size_bytes_ - part * part_bytes_);
  if (document->data.size() != expected) {
    throw std::runtime_error(fmt::format("audio part {} of recording {} has {} bytes; expected {}",
                                         part, recording_id_, document->data.size(), expected));
  }
  cached_data_ = std::move(document->data);
  cached_part_ = part;
}

}  // namespace talegraph::audio
