#include "transcript/chunker.h"

namespace talegraph::transcript {

namespace {

// Returns the index one past the last segment of the chunk that starts at
// `first`.
size_t ChunkEnd(const std::vector<asr::Segment>& segments, size_t first, double target_seconds) {
  double start = segments[first].start;
  size_t best_end = 0;
  double best_pause = -1;
  for (size_t i = first; i < segments.size(); ++i) {
    double length = segments[i].end - start;
    if (i > first && length > 1.5 * target_seconds) {
      break;
    }
    bool last = i + 1 == segments.size();
    double pause = last ? 1e9 : segments[i + 1].start - segments[i].end;
    if (length >= 0.5 * target_seconds && pause > best_pause) {
      best_pause = pause;
      best_end = i + 1;
    }
    if (last && best_end == 0) {
      best_end = i + 1;
    }
  }
  // No boundary fell inside the window: the first segment alone is too long.
  return best_end == 0 ? first + 1 : best_end;
}

}  // namespace

std::vector<ChunkDraft> GroupIntoChunks(const std::vector<asr::Segment>& segments,
                                        double target_seconds) {
  std::vector<ChunkDraft> chunks;
  size_t first = 0;
  while (first < segments.size()) {
    size_t end = ChunkEnd(segments, first, target_seconds);
    ChunkDraft chunk;
    chunk.start = segments[first].start;
    chunk.end = segments[end - 1].end;
    chunk.segments.assign(segments.begin() + static_cast<std::ptrdiff_t>(first),
                          segments.begin() + static_cast<std::ptrdiff_t>(end));
    chunks.push_back(std::move(chunk));
    first = end;
  }
  return chunks;
}

}  // namespace talegraph::transcript
