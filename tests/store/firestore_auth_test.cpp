// Tests of the service-account JWT and of the token exchanges against
// tests/store/google_stub_server.py, a local stand-in for the key's token_uri and for the
// metadata server. Each test makes its own RSA key, so no private key is committed.
#include "store/firestore_auth.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <boost/json.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "net/http_client.h"
#include "store/firestore_document_store.h"
#include "store/python_stub.h"
#include "store/service_account.h"
#include "store/store_error.h"
#include "util/base64.h"

namespace talegraph::store {
namespace {

namespace json = boost::json;
using std::chrono::system_clock;

constexpr char kStubScript[] = TALEGRAPH_SOURCE_DIR "/tests/store/google_stub_server.py";
constexpr char kClientEmail[] = "talegraph@example-project.iam.gserviceaccount.com";

struct KeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyDeleter>;

// A fresh 2048-bit RSA key pair, as PEM texts.
struct TestKeyPair {
  std::string private_pem;
  std::string public_pem;
};

std::string WritePem(EVP_PKEY* key, bool private_part) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (private_part) {
    PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  } else {
    PEM_write_bio_PUBKEY(bio, key);
  }
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(size));
  BIO_free(bio);
  return pem;
}

const TestKeyPair& KeyPair() {
  static const TestKeyPair pair = [] {
    KeyPtr key(EVP_RSA_gen(2048));
    return TestKeyPair{WritePem(key.get(), true), WritePem(key.get(), false)};
  }();
  return pair;
}

ServiceAccountKey TestKey(std::string token_uri) {
  return {.client_email = kClientEmail,
          .private_key_id = "key-id-1",
          .private_key = KeyPair().private_pem,
          .token_uri = std::move(token_uri)};
}

// Returns whether `signature` is a valid RS256 signature of `input` by KeyPair().
bool VerifiesWithPublicKey(std::string_view input, std::string_view signature) {
  BIO* bio =
      BIO_new_mem_buf(KeyPair().public_pem.data(), static_cast<int>(KeyPair().public_pem.size()));
  KeyPtr public_key(PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr));
  BIO_free(bio);
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  const bool valid =
      public_key &&
      EVP_DigestVerifyInit(context, nullptr, EVP_sha256(), nullptr, public_key.get()) == 1 &&
      EVP_DigestVerify(context, reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(), reinterpret_cast<const unsigned char*>(input.data()),
                       input.size()) == 1;
  EVP_MD_CTX_free(context);
  return valid;
}

struct JwtParts {
  json::object header;
  json::object claims;
  std::string signing_input;
  std::string signature;
};

JwtParts SplitJwt(std::string_view jwt) {
  const size_t first = jwt.find('.');
  const size_t second = jwt.find('.', first + 1);
  JwtParts parts;
  parts.header = json::parse(util::Base64UrlDecode(jwt.substr(0, first)).value()).as_object();
  parts.claims =
      json::parse(util::Base64UrlDecode(jwt.substr(first + 1, second - first - 1)).value())
          .as_object();
  parts.signing_input = std::string(jwt.substr(0, second));
  parts.signature = util::Base64UrlDecode(jwt.substr(second + 1)).value();
  return parts;
}

TEST(ServiceAccountJwt, HasExpectedClaims) {
  const system_clock::time_point now{std::chrono::seconds(1'800'000'000)};
  const JwtParts jwt =
      SplitJwt(BuildJwtAssertion(TestKey("https://oauth2.example/token"), kDatastoreScope, now));

  EXPECT_EQ(jwt.header, (json::object{{"alg", "RS256"}, {"typ", "JWT"}, {"kid", "key-id-1"}}));
  EXPECT_EQ(jwt.claims.at("iss"), kClientEmail);
  EXPECT_EQ(jwt.claims.at("sub"), kClientEmail);
  EXPECT_EQ(jwt.claims.at("aud"), "https://oauth2.example/token");
  EXPECT_EQ(jwt.claims.at("scope"), "https://www.googleapis.com/auth/datastore");
  EXPECT_EQ(jwt.claims.at("iat"), 1'800'000'000);
  EXPECT_EQ(jwt.claims.at("exp"), 1'800'003'600);
}

TEST(ServiceAccountJwt, SignatureVerifiesWithPublicKey) {
  const JwtParts jwt = SplitJwt(BuildJwtAssertion(TestKey("https://oauth2.example/token"),
                                                  kDatastoreScope, system_clock::now()));

  EXPECT_EQ(jwt.signature.size(), 256u);
  EXPECT_TRUE(VerifiesWithPublicKey(jwt.signing_input, jwt.signature));
  std::string tampered = jwt.signing_input;
  tampered.back() = tampered.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(VerifiesWithPublicKey(tampered, jwt.signature));
}

TEST(ServiceAccountJwt, NonRsaKeyThrows) {
  ServiceAccountKey key = TestKey("https://oauth2.example/token");
  key.private_key = "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n";
  EXPECT_THROW(BuildJwtAssertion(key, kDatastoreScope, system_clock::now()), StoreError);
}

TEST(ServiceAccountKeyFile, ParsesKeyFields) {
  const json::object file{
      {"type", "service_account"},    {"project_id", "example-project"},
      {"private_key_id", "abc"},      {"private_key", "PEM"},
      {"client_email", kClientEmail}, {"token_uri", "https://oauth2.googleapis.com/token"}};
  const ServiceAccountKey key = ParseServiceAccountKey(json::serialize(file), "key.json");
  EXPECT_EQ(key.client_email, kClientEmail);
  EXPECT_EQ(key.private_key_id, "abc");
  EXPECT_EQ(key.private_key, "PEM");
  EXPECT_EQ(key.token_uri, "https://oauth2.googleapis.com/token");

  for (const char* field : {"private_key_id", "private_key", "client_email", "token_uri"}) {
    SCOPED_TRACE(field);
    json::object missing = file;
    missing.erase(field);
    try {
      ParseServiceAccountKey(json::serialize(missing), "key.json");
      FAIL() << "parsed a key without " << field;
    } catch (const StoreError& error) {
      EXPECT_NE(std::string(error.what()).find(field), std::string::npos) << error.what();
    }
  }
}

TEST(ServiceAccountKeyFile, RejectsOtherCredentialTypes) {
  EXPECT_THROW(ParseServiceAccountKey(R"({"type": "authorized_user"})", "key.json"), StoreError);
  EXPECT_THROW(ParseServiceAccountKey("not json", "key.json"), StoreError);
  EXPECT_THROW(ReadServiceAccountKey("/nonexistent/talegraph-key.json"), StoreError);
}

class TokenExchangeTest : public ::testing::Test {
 protected:
  TokenExchangeTest() : stub_(kStubScript) {}

  json::array Requests() {
    net::HttpRequest request;
    request.url = stub_.base_url() + "/control/requests";
    return json::parse(client_.Send(request).body).as_array();
  }

  void Post(const std::string& path, const json::object& body) {
    net::HttpRequest request;
    request.method = "POST";
    request.url = stub_.base_url() + path;
    const std::string text = json::serialize(body);
    request.body = text;
    ASSERT_EQ(client_.Send(request).status, 200);
  }

  testing::PythonStub stub_;
  net::HttpClient client_;
  system_clock::time_point now_{std::chrono::seconds(1'800'000'000)};
};

TEST_F(TokenExchangeTest, ServiceAccountExchangesSignedJwt) {
  const std::string token_uri = stub_.base_url() + "/token";
  auto source = MakeServiceAccountTokenSource(TestKey(token_uri), [this] { return now_; });

  EXPECT_EQ(source->AuthorizationHeader(), "Bearer sa-token-1");

  const json::array requests = Requests();
  ASSERT_EQ(requests.size(), 1u);
  const json::object& form = requests[0].at("form").as_object();
  EXPECT_EQ(form.at("grant_type"), "urn:ietf:params:oauth:grant-type:jwt-bearer");
  const JwtParts jwt = SplitJwt(form.at("assertion").as_string());
  EXPECT_TRUE(VerifiesWithPublicKey(jwt.signing_input, jwt.signature));
  EXPECT_EQ(jwt.claims.at("aud"), json::value(token_uri));
  EXPECT_EQ(jwt.claims.at("iat"), 1'800'000'000);
}

TEST_F(TokenExchangeTest, TokenCachedUntilRefreshMargin) {
  auto source =
      MakeServiceAccountTokenSource(TestKey(stub_.base_url() + "/token"), [this] { return now_; });
  ASSERT_EQ(source->AuthorizationHeader(), "Bearer sa-token-1");

  // The stub's tokens last 3600 s; the cached one serves until 300 s before that.
  now_ += std::chrono::seconds(3600) - kTokenRefreshMargin - std::chrono::seconds(1);
  EXPECT_EQ(source->AuthorizationHeader(), "Bearer sa-token-1");
  now_ += std::chrono::seconds(1);
  EXPECT_EQ(source->AuthorizationHeader(), "Bearer sa-token-2");

  source->Invalidate();
  EXPECT_EQ(source->AuthorizationHeader(), "Bearer sa-token-3");
  EXPECT_EQ(Requests().size(), 3u);
}

TEST_F(TokenExchangeTest, ShortLivedTokenIsNotCached) {
  Post("/control/expires_in", {{"seconds", 120}});
  auto source =
      MakeServiceAccountTokenSource(TestKey(stub_.base_url() + "/token"), [this] { return now_; });

  EXPECT_EQ(source->AuthorizationHeader(), "Bearer sa-token-1");
  EXPECT_EQ(source->AuthorizationHeader(), "Bearer sa-token-2");
}

TEST_F(TokenExchangeTest, ExchangeErrorThrowsStoreError) {
  auto source = MakeServiceAccountTokenSource(TestKey(stub_.base_url() + "/no-such-endpoint"));
  try {
    source->AuthorizationHeader();
    FAIL() << "got a token from an endpoint that answers 404";
  } catch (const StoreError& error) {
    EXPECT_NE(std::string(error.what()).find("404"), std::string::npos) << error.what();
  }
}

TEST_F(TokenExchangeTest, MetadataSendsFlavorHeader) {
  auto source = MakeMetadataTokenSource(
      stub_.base_url() + "/computeMetadata/v1/instance/service-accounts/default/token");

  EXPECT_EQ(source->AuthorizationHeader(), "Bearer metadata-token-1");
  EXPECT_EQ(source->AuthorizationHeader(), "Bearer metadata-token-1");

  const json::array requests = Requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].at("metadata_flavor"), "Google");
  EXPECT_EQ(requests[0].at("method"), "GET");
}

TEST_F(TokenExchangeTest, StoreSendsTokenAndRefreshesOn401) {
  std::shared_ptr<AccessTokenSource> source =
      MakeServiceAccountTokenSource(TestKey(stub_.base_url() + "/token"));
  FirestoreDocumentStore store(
      FirestoreOptions{.endpoint = stub_.base_url(),
                       .project_id = "stub-project",
                       .database = "(default)",
                       .retry = {.max_retries = 2,
                                 .base_delay = std::chrono::milliseconds(1),
                                 .max_delay = std::chrono::milliseconds(1),
                                 .max_total = std::chrono::milliseconds(5000)},
                       .timeout = std::chrono::milliseconds(5000)},
      source);
  Post("/control/fail", {{"failures", json::array{json::array{401, "UNAUTHENTICATED"}}}});

  EXPECT_NO_THROW(store.Ping());

  std::vector<std::string> firestore_authorizations;
  for (const json::value& request : Requests()) {
    if (request.at("path").as_string().starts_with("/v1/")) {
      firestore_authorizations.emplace_back(request.at("authorization").as_string());
    }
  }
  EXPECT_EQ(firestore_authorizations,
            (std::vector<std::string>{"Bearer sa-token-1", "Bearer sa-token-2"}));
}

}  // namespace
}  // namespace talegraph::store
