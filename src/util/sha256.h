// Incremental SHA-256 over OpenSSL's EVP interface.
#pragma once

#include <memory>
#include <string>
#include <string_view>

struct evp_md_ctx_st;

namespace talegraph::util {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  // Adds `bytes` to the digest.
  void Update(std::string_view bytes);

  // Returns the digest of everything added, as 64 lowercase hex characters.
  // The object must not be used afterwards.
  std::string FinishHex();

 private:
  struct ContextDeleter {
    void operator()(evp_md_ctx_st* context) const;
  };
  std::unique_ptr<evp_md_ctx_st, ContextDeleter> context_;
};

// Returns the SHA-256 of `bytes` as 64 lowercase hex characters.
std::string Sha256Hex(std::string_view bytes);

// Whether `text` is 64 hex characters (either case).
bool IsSha256Hex(std::string_view text);

}  // namespace talegraph::util
