#include "graph/llm_reply.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <unordered_set>

#include "graph/normalize.h"
#include "util/printable.h"

namespace talegraph::graph {

namespace {

namespace json = boost::json;

constexpr std::array<std::string_view, 4> kKinds = {"person", "place", "time", "topic"};

json::object StringProperty() { return {{"type", "string"}}; }

json::object StrictObject(json::object properties, json::array required) {
  return {{"type", "object"},
          {"properties", std::move(properties)},
          {"required", std::move(required)},
          {"additionalProperties", false}};
}

json::object ReplySchema() {
  json::array kinds;
  for (std::string_view kind : kKinds) {
    kinds.emplace_back(kind);
  }
  json::object entity = StrictObject(
      {{"name", StringProperty()}, {"kind", {{"type", "string"}, {"enum", std::move(kinds)}}}},
      {"name", "kind"});
  json::object relation = StrictObject(
      {{"source", StringProperty()}, {"target", StringProperty()}, {"label", StringProperty()}},
      {"source", "target", "label"});
  return StrictObject({{"entities", {{"type", "array"}, {"items", std::move(entity)}}},
                       {"relations", {{"type", "array"}, {"items", std::move(relation)}}}},
                      {"entities", "relations"});
}

std::string Instructions(size_t max_concepts) {
  return fmt::format(
      "You read one passage of a person's spoken life story. List at most {} entities it "
      "mentions that matter to the story: people (kind person), places (place), years, decades "
      "or periods (time) and other subjects (topic). Name each entity as the passage does, "
      "without articles. Then list relations between those entities, each with a source and a "
      "target spelled exactly like an entity name and a short label such as \"married\" or "
      "\"lived in\". Reply only with JSON under the given schema.",
      max_concepts);
}

const json::value& Field(const json::object& object, std::string_view key, std::string_view where) {
  const json::value* value = object.if_contains(key);
  if (value == nullptr) {
    throw InvalidReplyError(fmt::format("{} is missing \"{}\"", where, key));
  }
  return *value;
}

const json::object& ObjectAt(const json::value& value, std::string_view where) {
  if (!value.is_object()) {
    throw InvalidReplyError(fmt::format("{} is not a JSON object", where));
  }
  return value.get_object();
}

const json::array& ArrayField(const json::object& object, std::string_view key,
                              std::string_view where) {
  const json::value& value = Field(object, key, where);
  if (!value.is_array()) {
    throw InvalidReplyError(fmt::format("{}.{} is not an array", where, key));
  }
  return value.get_array();
}

std::string_view StringField(const json::object& object, std::string_view key,
                             std::string_view where) {
  const json::value& value = Field(object, key, where);
  if (!value.is_string()) {
    throw InvalidReplyError(fmt::format("{}.{} is not a string", where, key));
  }
  return value.get_string();
}

// Returns choices[0].message.content of a chat completions response.
std::string ContentOf(std::string_view body) {
  boost::system::error_code error;
  json::value response = json::parse(body, error);
  if (error) {
    throw InvalidReplyError(fmt::format("the response body is not JSON ({}): \"{}\"",
                                        error.message(), util::Printable(body)));
  }
  const json::array& choices =
      ArrayField(ObjectAt(response, "the response"), "choices", "the response");
  if (choices.empty()) {
    throw InvalidReplyError("the response has no choices");
  }
  const json::object& choice = ObjectAt(choices[0], "choices[0]");
  if (const json::value* reason = choice.if_contains("finish_reason");
      reason != nullptr && reason->is_string() && reason->get_string() == "length") {
    throw InvalidReplyError("the reply was cut short at the model's token limit");
  }
  const json::object& message =
      ObjectAt(Field(choice, "message", "choices[0]"), "choices[0].message");
  if (const json::value* refusal = message.if_contains("refusal");
      refusal != nullptr && refusal->is_string()) {
    throw InvalidReplyError(
        fmt::format("the model refused: \"{}\"", util::Printable(refusal->get_string())));
  }
  return std::string(StringField(message, "content", "choices[0].message"));
}

void ReadEntities(const json::array& entities, ReplyConcepts& reply) {
  std::unordered_set<std::string> keys;
  for (size_t i = 0; i < entities.size(); ++i) {
    std::string where = fmt::format("entities[{}]", i);
    const json::object& entity = ObjectAt(entities[i], where);
    std::string_view name = StringField(entity, "name", where);
    std::string_view kind = StringField(entity, "kind", where);
    if (std::find(kKinds.begin(), kKinds.end(), kind) == kKinds.end()) {
      throw InvalidReplyError(fmt::format("{}.kind \"{}\" is not one of person, place, time, topic",
                                          where, util::Printable(kind)));
    }
    std::string key = NormalizeNameKey(name);
    if (key.empty()) {
      ++reply.dropped_entities;
      continue;
    }
    if (keys.insert(key).second) {
      reply.concepts.concepts.push_back({key, std::string(name), std::string(kind), 0});
    }
  }
}

void ReadRelations(const json::array& relations, ReplyConcepts& reply) {
  std::unordered_set<std::string> keys;
  for (const Concept& entity : reply.concepts.concepts) {
    keys.insert(entity.key);
  }
  for (size_t i = 0; i < relations.size(); ++i) {
    std::string where = fmt::format("relations[{}]", i);
    const json::object& relation = ObjectAt(relations[i], where);
    Relation parsed;
    for (auto [field, key] :
         {std::pair{"source", &parsed.source_key}, std::pair{"target", &parsed.target_key}}) {
      std::string_view name = StringField(relation, field, where);
      *key = NormalizeNameKey(name);
      if (!keys.contains(*key)) {
        throw InvalidReplyError(
            fmt::format("{}.{} \"{}\" is not an entity name", where, field, util::Printable(name)));
      }
    }
    parsed.label = StringField(relation, "label", where);
    if (parsed.source_key != parsed.target_key) {
      reply.concepts.relations.push_back(std::move(parsed));
    }
  }
}

}  // namespace

std::string BuildChatRequest(std::string_view model, std::string_view text, size_t max_concepts,
                             std::string_view previous_problem) {
  json::array messages{json::object{{"role", "system"}, {"content", Instructions(max_concepts)}},
                       json::object{{"role", "user"}, {"content", text}}};
  if (!previous_problem.empty()) {
    std::string correction = fmt::format(
        "Your previous reply to this passage was invalid: {}. Reply again with only JSON under "
        "the schema.",
        previous_problem);
    messages.push_back(json::object{{"role", "user"}, {"content", correction}});
  }
  json::object body{
      {"model", model},
      {"temperature", 0},
      {"messages", std::move(messages)},
      {"response_format",
       {{"type", "json_schema"},
        {"json_schema",
         {{"name", "chunk_concepts"}, {"strict", true}, {"schema", ReplySchema()}}}}},
  };
  return json::serialize(body);
}

ReplyConcepts ParseChatReply(std::string_view body) {
  std::string content = ContentOf(body);
  boost::system::error_code error;
  json::value parsed = json::parse(content, error);
  if (error) {
    throw InvalidReplyError(fmt::format("the message content is not JSON ({}): \"{}\"",
                                        error.message(), util::Printable(content)));
  }
  const json::object& root = ObjectAt(parsed, "the message content");
  ReplyConcepts reply;
  ReadEntities(ArrayField(root, "entities", "the message content"), reply);
  ReadRelations(ArrayField(root, "relations", "the message content"), reply);
  return reply;
}

}  // namespace talegraph::graph
