// The chat completions exchange of the "llm" engine: the request body that
// requests entities and relations under a JSON schema, and the validation
// of the reply.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

#include "graph/concept_extractor.h"

namespace talegraph::graph {

// A reply that is not the JSON that the schema requires. The message names the
// field and the problem.
class InvalidReplyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Returns the JSON body of POST /chat/completions for one chunk: a system
// message with the instructions, the chunk text as the user message, and
// response_format {"type": "json_schema"} with a strict schema of
// {"entities": [{"name", "kind"}], "relations": [{"source", "target",
// "label"}]}, where kind is person, place, time or topic. A non-empty
// `previous_problem`, the reason an earlier reply was invalid, is added
// as a second user message that requests a corrected reply.
std::string BuildChatRequest(std::string_view model, std::string_view text, size_t max_concepts,
                             std::string_view previous_problem = {});

// Entities and relations of a valid reply. Concepts carry their key, name
// and kind, each key once, in reply order; weights are left at 0.
// Relations name concept keys.
struct ReplyConcepts {
  ChunkConcepts concepts;
  // Entities dropped because their name has no content word ("the").
  size_t dropped_entities = 0;
};

// Parses a chat completions response body. Its choices[0].message.content
// must be a JSON object under the schema of BuildChatRequest, with every
// relation's source and target among the entity names (compared by key).
// Throws InvalidReplyError otherwise, also for a refusal or a reply cut
// short (finish_reason "length").
ReplyConcepts ParseChatReply(std::string_view body);

}  // namespace talegraph::graph
