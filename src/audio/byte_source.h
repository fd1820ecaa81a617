// Random-access byte inputs for the audio decoder: a recording stored in
// document store parts, a string in memory, or a local file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>

#include "store/document_store.h"

namespace talegraph::audio {

// Read-only input of known size that can be read at any offset. Objects need
// not be thread-safe, because a decode reads its input from one thread.
class ByteSource {
 public:
  virtual ~ByteSource() = default;

  // Copies up to `size` bytes starting at `offset` into `out` and returns the
  // number copied, which is 0 only at or past the end. Throws on I/O failure.
  virtual size_t Read(uint64_t offset, char* out, size_t size) = 0;

  // Returns the total length in bytes.
  virtual uint64_t Size() const = 0;
};

// Bytes held in a string.
class StringSource final : public ByteSource {
 public:
  explicit StringSource(std::string bytes) : bytes_(std::move(bytes)) {}

  size_t Read(uint64_t offset, char* out, size_t size) override;
  uint64_t Size() const override { return bytes_.size(); }

 private:
  std::string bytes_;
};

// Bytes of a local file, read on demand.
class FileSource final : public ByteSource {
 public:
  // Opens `path`. Throws std::runtime_error when it cannot be opened.
  explicit FileSource(const std::string& path);

  size_t Read(uint64_t offset, char* out, size_t size) override;
  uint64_t Size() const override { return size_; }

 private:
  std::string path_;
  std::ifstream file_;
  uint64_t size_ = 0;
};

// Audio of a recording, read from its recordings/{id}/audio_parts/{part}
// documents. The part that contains the last offset read stays cached, so a
// sequential read fetches each part once.
class StoredRecordingSource final : public ByteSource {
 public:
  // Reads recording `recording_id` of `size_bytes` bytes stored in parts of
  // `part_bytes` (the recording document's fields of those names). Throws
  // std::invalid_argument when `part_bytes` is 0.
  StoredRecordingSource(store::DocumentStore& documents, std::string recording_id,
                        uint64_t size_bytes, uint64_t part_bytes);

  // Throws std::runtime_error when a part is missing or its length differs
  // from what `size_bytes` and `part_bytes` imply, and StoreError when the
  // store fails.
  size_t Read(uint64_t offset, char* out, size_t size) override;
  uint64_t Size() const override { return size_bytes_; }

  // Number of parts fetched from the store so far.
  uint64_t part_fetches() const { return part_fetches_; }

 private:
  void LoadPart(uint64_t part);

  store::DocumentStore& documents_;
  std::string recording_id_;
  uint64_t size_bytes_;
  uint64_t part_bytes_;
  uint64_t part_count_;
  // Index of the part in cached_data_, or part_count_ while none is cached.
  uint64_t cached_part_;
  std::string cached_data_;
  uint64_t part_fetches_ = 0;
};

}  // namespace talegraph::audio
