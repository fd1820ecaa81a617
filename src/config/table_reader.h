// Typed, validating reads from one TOML table, which collect every problem
// instead of stopping at the first.
#pragma once

#include <toml++/toml.h>

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace talegraph::config {

class TableReader {
 public:
  // `prefix` is the table's dotted path ("server"); problems are appended
  // to `errors`.
  TableReader(const toml::table& table, std::string prefix, std::vector<std::string>& errors);

  // Each Read leaves `value` unchanged when the key is absent or invalid.
  void ReadString(std::string_view key, std::string& value);
  void ReadChoice(std::string_view key, std::string& value,
                  std::initializer_list<std::string_view> choices);
  void ReadStrings(std::string_view key, std::vector<std::string>& value);
  void ReadInteger(std::string_view key, int64_t& value, int64_t min, int64_t max);
  void ReadBool(std::string_view key, bool& value);
  void ReadDouble(std::string_view key, double& value, double min, double max);
  void ReadSeconds(std::string_view key, std::chrono::seconds& value, int64_t min, int64_t max);

  // Reads an integer into any integral field.
  template <typename Integer>
  void ReadNumber(std::string_view key, Integer& value, int64_t min, int64_t max) {
    int64_t wide = static_cast<int64_t>(value);
    ReadInteger(key, wide, min, max);
    value = static_cast<Integer>(wide);
  }

  // Reports every key of the table that no Read asked for.
  void RejectUnknownKeys();

 private:
  std::string PathOf(std::string_view key) const;
  const toml::node* Find(std::string_view key);

  const toml::table& table_;
  std::string prefix_;
  std::vector<std::string>& errors_;
  std::set<std::string, std::less<>> known_keys_;
};

}  // namespace talegraph::config
