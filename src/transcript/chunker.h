// Grouping of recognized segments into transcript chunks of about a target
// length, broken at pauses.
#pragma once

#include <vector>

#include "asr/transcriber.h"

namespace talegraph::transcript {

struct ChunkDraft {
  double start = 0;
  double end = 0;
  std::vector<asr::Segment> segments;
};

// Splits `segments` (ordered by start) into consecutive chunks. A chunk
// closes at the longest pause between segments among the boundaries where
// it would last from half to one and a half times `target_seconds`; a
// single segment longer than that forms a chunk of its own.
std::vector<ChunkDraft> GroupIntoChunks(const std::vector<asr::Segment>& segments,
                                        double target_seconds);

}  // namespace talegraph::transcript
