// Google service-account keys and the signed JWT that the OAuth 2.0 token
// endpoint exchanges for an access token (RFC 7523, "JWT bearer" grant).
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace talegraph::store {

// The fields of a service-account JSON key file that talegraph uses.
struct ServiceAccountKey {
  std::string client_email;
  std::string private_key_id;
  // PEM "BEGIN PRIVATE KEY" block of an RSA key.
  std::string private_key;
  std::string token_uri;
};

// Parses a key file's JSON text. `origin` names the file in errors. Throws
// StoreError naming the first missing or invalid field.
ServiceAccountKey ParseServiceAccountKey(std::string_view json_text, std::string_view origin);

// Reads and parses the key file at `path`. Throws StoreError.
ServiceAccountKey ReadServiceAccountKey(const std::string& path);

// Builds the RS256-signed JWT assertion for `scope`: issuer and subject are
// the key's client_email, audience its token_uri, issued at `now` and
// expiring one hour later. Throws StoreError when the key cannot sign.
std::string BuildJwtAssertion(const ServiceAccountKey& key, std::string_view scope,
                              std::chrono::system_clock::time_point now);

}  // namespace talegraph::store
