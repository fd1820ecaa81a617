#include "store/service_account.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fstream>
#include <memory>
#include <sstream>

#include "store/store_error.h"
#include "util/base64.h"

namespace talegraph::store {

namespace {

namespace json = boost::json;

// Google's token endpoint accepts assertions that expire at most an hour after issue.
constexpr std::chrono::seconds kAssertionLifetime{3600};

struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct KeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct DigestContextDeleter {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};

std::string OpenSslError() {
  const unsigned long code = ERR_get_error();
  if (code == 0) {
    return "unknown OpenSSL error";
  }
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  ERR_clear_error();
  return text;
}

std::unique_ptr<EVP_PKEY, KeyDeleter> LoadPrivateKey(const ServiceAccountKey& key) {
  std::unique_ptr<BIO, BioDeleter> bio(
      BIO_new_mem_buf(key.private_key.data(), static_cast<int>(key.private_key.size())));
  std::unique_ptr<EVP_PKEY, KeyDeleter> private_key(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!private_key) {
    throw StoreError("private_key of service account " + key.client_email +
                     " is not a PEM private key: " + OpenSslError());
  }
  if (EVP_PKEY_base_id(private_key.get()) != EVP_PKEY_RSA) {
    throw StoreError("private_key of service account " + key.client_email +
                     " is not an RSA key, which RS256 needs");
  }
  return private_key;
}

std::string SignRs256(const ServiceAccountKey& key, std::string_view signing_input) {
  auto private_key = LoadPrivateKey(key);
  std::unique_ptr<EVP_MD_CTX, DigestContextDeleter> context(EVP_MD_CTX_new());
  size_t size = 0;
  if (!context ||
      EVP_DigestSignInit(context.get(), nullptr, EVP_sha256(), nullptr, private_key.get()) != 1 ||
      EVP_DigestSign(context.get(), nullptr, &size,
                     reinterpret_cast<const unsigned char*>(signing_input.data()),
                     signing_input.size()) != 1) {
    throw StoreError("signing the JWT for " + key.client_email + " failed: " + OpenSslError());
  }
  std::string signature(size, '\0');
  if (EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()), &size,
                     reinterpret_cast<const unsigned char*>(signing_input.data()),
                     signing_input.size()) != 1) {
    throw StoreError("signing the JWT for " + key.client_email + " failed: " + OpenSslError());
  }
  signature.resize(size);
  return signature;
}

std::string RequireString(const json::object& object, std::string_view name,
                          std::string_view origin) {
  const json::value* value = object.if_contains(name);
  if (value == nullptr || !value->is_string() || value->get_string().empty()) {
    throw StoreError("service-account key " + std::string(origin) + " has no \"" +
                     std::string(name) +
                     "\" string; download a JSON key for the service account again");
  }
  return std::string(value->get_string());
}

}  // namespace

ServiceAccountKey ParseServiceAccountKey(std::string_view json_text, std::string_view origin) {
  boost::system::error_code error;
  json::value parsed = json::parse(json_text, error);
  if (error || !parsed.is_object()) {
    throw StoreError("service-account key " + std::string(origin) + " is not a JSON object" +
                     (error ? ": " + error.message() : std::string()));
  }
  const json::object& object = parsed.get_object();
  const json::value* type = object.if_contains("type");
  if (type == nullptr || *type != "service_account") {
    throw StoreError("service-account key " + std::string(origin) +
                     " does not have \"type\": \"service_account\"; use a service account's "
                     "JSON key, not a user or external-account credential");
  }
  ServiceAccountKey key;
  key.client_email = RequireString(object, "client_email", origin);
  key.private_key_id = RequireString(object, "private_key_id", origin);
  key.private_key = RequireString(object, "private_key", origin);
  key.token_uri = RequireString(object, "token_uri", origin);
  return key;
}

ServiceAccountKey ReadServiceAccountKey(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    throw StoreError("cannot read service-account key file \"" + path +
                     "\"; check firestore.credentials_file in the secrets file");
  }
  std::ostringstream text;
  text << file.rdbuf();
  return ParseServiceAccountKey(text.str(), "\"" + path + "\"");
}

std::string BuildJwtAssertion(const ServiceAccountKey& key, std::string_view scope,
                              std::chrono::system_clock::time_point now) {
  const int64_t issued_at =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  const json::object header{{"alg", "RS256"}, {"typ", "JWT"}, {"kid", key.private_key_id}};
  const json::object claims{
      {"iss", key.client_email}, {"sub", key.client_email},
      {"aud", key.token_uri},    {"scope", scope},
      {"iat", issued_at},        {"exp", issued_at + kAssertionLifetime.count()}};
  std::string signing_input = util::Base64UrlEncode(json::serialize(header)) + "." +
                              util::Base64UrlEncode(json::serialize(claims));
  const std::string signature = SignRs256(key, signing_input);
  return signing_input + "." + util::Base64UrlEncode(signature);
}

}  // namespace talegraph::store
