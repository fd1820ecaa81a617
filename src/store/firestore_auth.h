// Access tokens for Firestore requests, one source per [firestore] auth mode.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "store/service_account.h"

namespace talegraph::store {

// OAuth 2.0 scope of Firestore's data API.
inline constexpr char kDatastoreScope[] = "https://www.googleapis.com/auth/datastore";

// Google's default metadata server URL for the runtime service account's
// access token on Cloud Run and Compute Engine.
inline constexpr char kMetadataTokenUrl[] =
    "http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token";

// Supplies the Authorization header value of Firestore requests.
// Thread-safe.
class AccessTokenSource {
 public:
  virtual ~AccessTokenSource() = default;

  // Returns "Bearer <token>". Throws StoreError when no token can be had.
  virtual std::string AuthorizationHeader() = 0;

  // Drops a cached token, so the next call fetches a new one. Called after
  // Firestore responds with 401.
  virtual void Invalidate() {}
};

// The emulator accepts the token "owner" as an administrator that security
// rules do not restrict, and needs no exchange.
std::unique_ptr<AccessTokenSource> MakeEmulatorTokenSource();

// Signs a JWT with the key and exchanges it at the key's token_uri, keeping
// the token until kTokenRefreshMargin before it expires. `clock` is
// replaceable for tests.
std::unique_ptr<AccessTokenSource> MakeServiceAccountTokenSource(
    ServiceAccountKey key,
    std::function<std::chrono::system_clock::time_point()> clock = std::chrono::system_clock::now);

// Fetches the runtime service account's token from the metadata server at
// `token_url` (kMetadataTokenUrl in production), cached like the above.
std::unique_ptr<AccessTokenSource> MakeMetadataTokenSource(
    std::string token_url,
    std::function<std::chrono::system_clock::time_point()> clock = std::chrono::system_clock::now);

// Time before expiry at which a cached token is replaced, so that a request
// never starts with a token about to expire.
inline constexpr std::chrono::seconds kTokenRefreshMargin{300};

}  // namespace talegraph::store
