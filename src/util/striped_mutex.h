// StripedMutex: a fixed set of mutexes picked by hashing a key, so that
// operations on the same key (an upload id, say) run one at a time in this
// process while different keys rarely wait on each other.
#pragma once

#include <array>
#include <functional>
#include <mutex>
#include <string_view>

namespace talegraph::util {

class StripedMutex {
 public:
  // Returns the mutex for `key`; the same key always gives the same mutex.
  std::mutex& For(std::string_view key) {
    return stripes_[std::hash<std::string_view>{}(key) % stripes_.size()];
  }

 private:
  std::array<std::mutex, 64> stripes_;
};

}  // namespace talegraph::util
