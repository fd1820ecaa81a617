#include "api/graph_views.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>

namespace talegraph::api {

namespace {

boost::json::array StringArray(const std::vector<std::string>& values) {
  boost::json::array array;
  array.reserve(values.size());
  for (const auto& value : values) {
    array.emplace_back(value);
  }
  return array;
}

// A chunk's position in the user's stories.
struct ChunkPlace {
  const store::Document* chunk = nullptr;
  std::string recording_created_at;
  std::string recording_id;
  int64_t index = 0;
  std::optional<std::string> temporal_marker;

  auto StoryOrder() const { return std::tie(recording_created_at, recording_id, index); }
};

std::unordered_map<std::string, ChunkPlace> PlaceChunks(
    const std::vector<store::Document>& chunks, const std::vector<store::Document>& recordings) {
  std::unordered_map<std::string, std::string> created_at;
  for (const auto& recording : recordings) {
    const auto* value = recording.fields.if_contains("created_at");
    created_at[std::string(recording.Id())] =
        value != nullptr && value->is_string() ? std::string(value->get_string()) : "";
  }
  std::unordered_map<std::string, ChunkPlace> places;
  for (const auto& chunk : chunks) {
    ChunkPlace place;
    place.chunk = &chunk;
    place.recording_id = std::string(chunk.fields.at("recording_id").as_string());
    place.recording_created_at = created_at[place.recording_id];
    place.index = chunk.fields.at("index").to_number<int64_t>();
    const auto* marker = chunk.fields.if_contains("temporal_marker");
    if (marker != nullptr && marker->is_string()) {
      place.temporal_marker = std::string(marker->get_string());
    }
    places.emplace(std::string(chunk.Id()), std::move(place));
  }
  return places;
}

struct Chapter {
  const store::ConceptNode* node = nullptr;
  std::vector<std::string> member_ids;
  // The chapter node's chunks that the transcript store has, in story order.
  std::vector<const ChunkPlace*> places;
  std::optional<std::string> earliest_marker;
};

bool ChapterBefore(const Chapter& a, const Chapter& b) {
  if (a.earliest_marker.has_value() != b.earliest_marker.has_value()) {
    return a.earliest_marker.has_value();
  }
  if (a.earliest_marker != b.earliest_marker) {
    return *a.earliest_marker < *b.earliest_marker;
  }
  if (a.places.empty() != b.places.empty()) {
    return !a.places.empty();
  }
  if (!a.places.empty() && a.places[0]->StoryOrder() != b.places[0]->StoryOrder()) {
    return a.places[0]->StoryOrder() < b.places[0]->StoryOrder();
  }
  return a.node->id < b.node->id;
}

boost::json::object ChapterView(const Chapter& chapter) {
  boost::json::array chunk_ids;
  boost::json::array recording_ids;
  boost::json::array passages;
  for (const ChunkPlace* place : chapter.places) {
    const auto& fields = place->chunk->fields;
    chunk_ids.emplace_back(place->chunk->Id());
    if (std::find(recording_ids.begin(), recording_ids.end(),
                  boost::json::value(place->recording_id)) == recording_ids.end()) {
      recording_ids.emplace_back(place->recording_id);
    }
    passages.push_back({{"chunk_id", place->chunk->Id()},
                        {"recording_id", place->recording_id},
                        {"start", fields.at("start")},
                        {"end", fields.at("end")}});
  }
  return {{"id", chapter.node->id},
          {"title", chapter.node->name},
          {"kind", chapter.node->kind},
          {"degree", chapter.node->degree},
          {"node_ids", StringArray(chapter.member_ids)},
          {"chunk_ids", std::move(chunk_ids)},
          {"recording_ids", std::move(recording_ids)},
          {"temporal_marker", chapter.earliest_marker ? boost::json::value(*chapter.earliest_marker)
                                                      : boost::json::value(nullptr)},
          {"passages", std::move(passages)}};
}

}  // namespace

boost::json::object NodeView(const store::ConceptNode& node) {
  return {{"id", node.id},
          {"name", node.name},
          {"kind", node.kind},
          {"chunk_ids", StringArray(node.chunk_ids)},
          {"recording_ids", StringArray(node.recording_ids)},
          {"mentions", node.mentions},
          {"degree", node.degree},
          {"is_chapter", node.is_chapter},
          {"chapters", StringArray(node.chapters)}};
}

boost::json::object EdgeView(const store::ConceptEdge& edge) {
  return {{"source", edge.source},
          {"target", edge.target},
          {"weight", edge.weight},
          {"chunk_ids", StringArray(edge.chunk_ids)}};
}

boost::json::array ChapterViews(const store::Graph& graph,
                                const std::vector<store::Document>& chunks,
                                const std::vector<store::Document>& recordings) {
  auto places = PlaceChunks(chunks, recordings);
  std::map<std::string, Chapter> chapters;
  for (const auto& node : graph.nodes) {
    if (node.is_chapter) {
      chapters[node.id].node = &node;
    }
  }
  // graph.nodes is ordered by id, so members after the chapter come by id.
  for (const auto& node : graph.nodes) {
    for (const auto& chapter_id : node.chapters) {
      auto chapter = chapters.find(chapter_id);
      if (chapter != chapters.end() && chapter_id != node.id) {
        chapter->second.member_ids.push_back(node.id);
      }
    }
  }

  std::vector<Chapter> ordered;
  for (auto& [id, chapter] : chapters) {
    chapter.member_ids.insert(chapter.member_ids.begin(), id);
    for (const auto& chunk_id : chapter.node->chunk_ids) {
      auto place = places.find(chunk_id);
      if (place == places.end()) {
        continue;
      }
      chapter.places.push_back(&place->second);
      const auto& marker = place->second.temporal_marker;
      if (marker && (!chapter.earliest_marker || *marker < *chapter.earliest_marker)) {
        chapter.earliest_marker = marker;
      }
    }
    std::sort(
        chapter.places.begin(), chapter.places.end(),
        [](const ChunkPlace* a, const ChunkPlace* b) { return a->StoryOrder() < b->StoryOrder(); });
    ordered.push_back(std::move(chapter));
  }
  std::sort(ordered.begin(), ordered.end(), ChapterBefore);

  boost::json::array views;
  for (const auto& chapter : ordered) {
    views.push_back(ChapterView(chapter));
  }
  return views;
}

}  // namespace talegraph::api
