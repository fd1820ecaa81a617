#include "util/ids.h"

#include <openssl/rand.h>

#include <array>
#include <stdexcept>

namespace talegraph::util {

namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
constexpr size_t kIdLength = 20;

}  // namespace

std::string GenerateId() {
  std::array<unsigned char, kIdLength> random{};
  if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) {
    throw std::runtime_error("OpenSSL RAND_bytes failed to generate an id");
  }

  // 256 is not a multiple of 62, so the first few letters are slightly more
  // likely. With 20 characters the id keeps about 119 bits of entropy.
  std::string id(kIdLength, '\0');
  for (size_t i = 0; i < kIdLength; ++i) {
    id[i] = kAlphabet[random[i] % kAlphabet.size()];
  }
  return id;
}

bool IsValidId(std::string_view id) {
  if (id.empty() || id.size() > kMaxIdLength) {
    return false;
  }
  for (char c : id) {
    bool alphanumeric = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alphanumeric && c != '_' && c != '-') {
      return false;
    }
  }
  return true;
}

}  // namespace talegraph::util
