#include "config/table_reader.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace talegraph::config {

namespace {

std::string_view TypeName(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::table:
      return "a table";
    default:
      return "a date or time";
  }
}

}  // namespace

TableReader::TableReader(const toml::table& table, std::string prefix,
                         std::vector<std::string>& errors)
    : table_(table), prefix_(std::move(prefix)), errors_(errors) {}

std::string TableReader::PathOf(std::string_view key) const {
  return prefix_.empty() ? std::string(key) : fmt::format("{}.{}", prefix_, key);
}

const toml::node* TableReader::Find(std::string_view key) {
  known_keys_.emplace(key);
  return table_.get(key);
}

void TableReader::ReadString(std::string_view key, std::string& value) {
  const toml::node* node = Find(key);
  if (node == nullptr) {
    return;
  }
  if (auto text = node->value<std::string>(); text && node->is_string()) {
    value = *text;
    return;
  }
  errors_.push_back(fmt::format("{}: expected a string, found {}", PathOf(key), TypeName(*node)));
}

void TableReader::ReadChoice(std::string_view key, std::string& value,
                             std::initializer_list<std::string_view> choices) {
  std::string candidate = value;
  size_t errors_before = errors_.size();
  ReadString(key, candidate);
  if (errors_.size() != errors_before) {
    return;
  }
  for (std::string_view choice : choices) {
    if (candidate == choice) {
      value = candidate;
      return;
    }
  }
  errors_.push_back(fmt::format("{}: \"{}\" is not accepted; use one of \"{}\"", PathOf(key),
                                candidate, fmt::join(choices, "\", \"")));
}

void TableReader::ReadStrings(std::string_view key, std::vector<std::string>& value) {
  const toml::node* node = Find(key);
  if (node == nullptr) {
    return;
  }
  const toml::array* array = node->as_array();
  if (array == nullptr) {
    errors_.push_back(
        fmt::format("{}: expected an array of strings, found {}", PathOf(key), TypeName(*node)));
    return;
  }

  std::vector<std::string> strings;
  for (size_t i = 0; i < array->size(); ++i) {
    const toml::node& element = *array->get(i);
    if (!element.is_string()) {
      errors_.push_back(
          fmt::format("{}[{}]: expected a string, found {}", PathOf(key), i, TypeName(element)));
      return;
    }
    strings.push_back(*element.value<std::string>());
  }
  value = std::move(strings);
}

void TableReader::ReadInteger(std::string_view key, int64_t& value, int64_t min, int64_t max) {
  const toml::node* node = Find(key);
  if (node == nullptr) {
    return;
  }
  if (!node->is_integer()) {
    errors_.push_back(fmt::format("{}: expected an integer from {} to {}, found {}", PathOf(key),
                                  min, max, TypeName(*node)));
    return;
  }
  int64_t number = *node->value<int64_t>();
  if (number < min || number > max) {
    errors_.push_back(fmt::format("{}: {} is out of range; use an integer from {} to {}",
                                  PathOf(key), number, min, max));
    return;
  }
  value = number;
}

void TableReader::ReadBool(std::string_view key, bool& value) {
  const toml::node* node = Find(key);
  if (node == nullptr) {
    return;
  }
  if (!node->is_boolean()) {
    errors_.push_back(
        fmt::format("{}: expected true or false, found {}", PathOf(key), TypeName(*node)));
    return;
  }
  value = *node->value<bool>();
}

void TableReader::ReadDouble(std::string_view key, double& value, double min, double max) {
  const toml::node* node = Find(key);
  if (node == nullptr) {
    return;
  }
  if (!node->is_floating_point() && !node->is_integer()) {
    errors_.push_back(fmt::format("{}: expected a number from {} to {}, found {}", PathOf(key), min,
                                  max, TypeName(*node)));
    return;
  }
  double number = *node->value<double>();
  if (!(number >= min && number <= max)) {
    errors_.push_back(fmt::format("{}: {} is out of range; use a number from {} to {}", PathOf(key),
                                  number, min, max));
    return;
  }
  value = number;
}

void TableReader::ReadSeconds(std::string_view key, std::chrono::seconds& value, int64_t min,
                              int64_t max) {
  int64_t seconds = value.count();
  ReadInteger(key, seconds, min, max);
  value = std::chrono::seconds(seconds);
}

void TableReader::RejectUnknownKeys() {
  for (const auto& [key, node] : table_) {
    if (!known_keys_.contains(key.str())) {
      errors_.push_back(fmt::format("{}: unknown key; accepted keys are {}", PathOf(key.str()),
                                    fmt::join(known_keys_, ", ")));
    }
  }
}

}  // namespace talegraph::config
