#include "store/firestore_auth.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <mutex>
#include <optional>

#include "net/http_client.h"
#include "net/retry.h"
#include "store/store_error.h"

namespace talegraph::store {

namespace {

namespace json = boost::json;
using Clock = std::function<std::chrono::system_clock::time_point()>;

// Token requests are small, so a short policy keeps a failing start quick.
const net::RetryPolicy kTokenRetryPolicy{.max_retries = 3,
                                         .base_delay = std::chrono::milliseconds(200),
                                         .max_delay = std::chrono::milliseconds(5000)};
constexpr std::chrono::milliseconds kTokenRequestTimeout{10000};

// Percent-encodes `text` for an application/x-www-form-urlencoded body.
std::string FormEncode(std::string_view text) {
  std::string encoded;
  for (const char c : text) {
    const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      encoded.push_back(c);
    } else {
      encoded += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    }
  }
  return encoded;
}

struct FetchedToken {
  std::string access_token;
  std::chrono::seconds expires_in{0};
};

// Reads {"access_token", "expires_in"} from a token response, or throws StoreError with
// the endpoint's error fields. The message never contains the token.
FetchedToken ParseTokenResponse(const net::HttpResponse& response, std::string_view endpoint) {
  boost::system::error_code error;
  const json::value body = json::parse(response.body, error);
  const json::object* object = error ? nullptr : body.if_object();
  if (response.status != 200) {
    std::string reason = "no error description";
    if (object != nullptr && object->contains("error")) {
      reason = json::serialize(object->at("error"));
      if (const json::value* description = object->if_contains("error_description")) {
        reason += ": " + json::serialize(*description);
      }
    }
    throw StoreError(fmt::format("access token request to {} failed with status {}: {}", endpoint,
                                 response.status, reason));
  }
  const json::value* token = object != nullptr ? object->if_contains("access_token") : nullptr;
  const json::value* expires_in = object != nullptr ? object->if_contains("expires_in") : nullptr;
  if (token == nullptr || !token->is_string() || token->get_string().empty() ||
      expires_in == nullptr || !expires_in->is_number()) {
    throw StoreError(fmt::format(
        "access token response of {} lacks a string access_token or a numeric expires_in",
        endpoint));
  }
  return {std::string(token->get_string()),
          std::chrono::seconds(static_cast<int64_t>(expires_in->to_number<double>()))};
}

class EmulatorTokenSource final : public AccessTokenSource {
 public:
  std::string AuthorizationHeader() override { return "Bearer owner"; }
};

// Keeps the last token until kTokenRefreshMargin before its expiry. Fetch() runs with the
// mutex held, so concurrent callers wait for one exchange instead of starting several.
class CachingTokenSource : public AccessTokenSource {
 public:
  explicit CachingTokenSource(Clock clock) : clock_(std::move(clock)) {}

  std::string AuthorizationHeader() override {
    std::lock_guard lock(mutex_);
    const auto now = clock_();
    if (!token_ || now + kTokenRefreshMargin >= expires_at_) {
      FetchedToken fetched = Fetch();
      token_ = std::move(fetched.access_token);
      expires_at_ = now + fetched.expires_in;
      spdlog::info("fetched a Firestore access token from {}, valid for {} s", Describe(),
                   fetched.expires_in.count());
    }
    return "Bearer " + *token_;
  }

  void Invalidate() override {
    std::lock_guard lock(mutex_);
    token_.reset();
  }

 protected:
  virtual FetchedToken Fetch() = 0;
  virtual std::string Describe() const = 0;

  std::chrono::system_clock::time_point Now() const { return clock_(); }
  net::HttpClient& client() { return client_; }

 private:
  Clock clock_;
  std::mutex mutex_;
  std::optional<std::string> token_;
  std::chrono::system_clock::time_point expires_at_;
  net::HttpClient client_;
};

class ServiceAccountTokenSource final : public CachingTokenSource {
 public:
  ServiceAccountTokenSource(ServiceAccountKey key, Clock clock)
      : CachingTokenSource(std::move(clock)), key_(std::move(key)) {}

 protected:
  FetchedToken Fetch() override {
    const std::string assertion = BuildJwtAssertion(key_, kDatastoreScope, Now());
    const std::string body =
        "grant_type=" + FormEncode("urn:ietf:params:oauth:grant-type:jwt-bearer") +
        "&assertion=" + FormEncode(assertion);
    net::HttpRequest request{.method = "POST",
                             .url = key_.token_uri,
                             .headers = {{"Content-Type", "application/x-www-form-urlencoded"}},
                             .body = body,
                             .form = {},
                             .timeout = kTokenRequestTimeout};
    try {
      const auto result = net::SendWithRetries(client(), request, kTokenRetryPolicy,
                                               "service-account token request");
      return ParseTokenResponse(result.response, key_.token_uri);
    } catch (const net::HttpError& error) {
      throw StoreError(
          fmt::format("access token request for {} failed: {}", key_.client_email, error.what()));
    }
  }

  std::string Describe() const override {
    return fmt::format("{} for {}", key_.token_uri, key_.client_email);
  }

 private:
  ServiceAccountKey key_;
};

class MetadataTokenSource final : public CachingTokenSource {
 public:
  MetadataTokenSource(std::string token_url, Clock clock)
      : CachingTokenSource(std::move(clock)), token_url_(std::move(token_url)) {}

 protected:
  FetchedToken Fetch() override {
    net::HttpRequest request{.method = "GET",
                             .url = token_url_,
                             .headers = {{"Metadata-Flavor", "Google"}},
                             .body = {},
                             .form = {},
                             .timeout = kTokenRequestTimeout};
    try {
      const auto result = net::SendWithRetries(client(), request, kTokenRetryPolicy,
                                               "metadata server token request");
      return ParseTokenResponse(result.response, token_url_);
    } catch (const net::HttpError& error) {
      throw StoreError(fmt::format(
          "access token request to the metadata server failed: {}; the metadata auth mode "
          "works only on Google Cloud (Cloud Run, Compute Engine)",
          error.what()));
    }
  }

  std::string Describe() const override { return token_url_; }

 private:
  std::string token_url_;
};

}  // namespace

std::unique_ptr<AccessTokenSource> MakeEmulatorTokenSource() {
  return std::make_unique<EmulatorTokenSource>();
}

std::unique_ptr<AccessTokenSource> MakeServiceAccountTokenSource(ServiceAccountKey key,
                                                                 Clock clock) {
  return std::make_unique<ServiceAccountTokenSource>(std::move(key), std::move(clock));
}

std::unique_ptr<AccessTokenSource> MakeMetadataTokenSource(std::string token_url, Clock clock) {
  return std::make_unique<MetadataTokenSource>(std::move(token_url), std::move(clock));
}

}  // namespace talegraph::store
