#include "store/firestore_rest.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/json/parse.hpp>
#include <thread>
#include <utility>

#include "net/retry.h"
#include "store/store_error.h"

namespace talegraph::store {

namespace {

namespace json = boost::json;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// Reads {"error": {"status", "message"}}, Google's error body, into `response`.
void ReadError(FirestoreResponse& response) {
  const json::object* object = response.body.if_object();
  const json::value* error = object != nullptr ? object->if_contains("error") : nullptr;
  if (error == nullptr || !error->is_object()) {
    response.error_status = "UNKNOWN";
    response.error_message = "no error details in the response";
    return;
  }
  const json::object& details = error->get_object();
  if (const json::value* status = details.if_contains("status"); status && status->is_string()) {
    response.error_status = status->get_string();
  }
  if (const json::value* message = details.if_contains("message");
      message && message->is_string()) {
    response.error_message = message->get_string();
  }
}

FirestoreResponse ToFirestoreResponse(net::HttpResponse http, std::string_view label) {
  FirestoreResponse response;
  response.status = http.status;
  if (!http.body.empty()) {
    boost::system::error_code error;
    response.body = json::parse(http.body, error);
    if (error && http.status / 100 == 2) {
      throw StoreError(
          fmt::format("Firestore {} returned a body that is not JSON: {}", label, error.message()));
    }
  }
  if (http.status / 100 != 2) {
    ReadError(response);
  }
  return response;
}

bool IsRetryable(const FirestoreResponse& response) {
  return net::IsRetryableStatus(response.status) ||
         (response.status == 409 && response.error_status == "ABORTED");
}

std::string DescribeAnswer(const FirestoreResponse& response) {
  return fmt::format("status {} {}: {}", response.status, response.error_status,
                     response.error_message);
}

}  // namespace

FirestoreRest::FirestoreRest(std::string endpoint, std::shared_ptr<AccessTokenSource> tokens,
                             FirestoreRetryPolicy retry, milliseconds timeout)
    : endpoint_(std::move(endpoint)),
      tokens_(std::move(tokens)),
      retry_(retry),
      timeout_(timeout) {}

FirestoreRest::~FirestoreRest() = default;

std::unique_ptr<net::HttpClient> FirestoreRest::TakeClient() {
  {
    std::lock_guard lock(pool_mutex_);
    if (!idle_clients_.empty()) {
      std::unique_ptr<net::HttpClient> client = std::move(idle_clients_.back());
      idle_clients_.pop_back();
      return client;
    }
  }
  return std::make_unique<net::HttpClient>();
}

void FirestoreRest::ReturnClient(std::unique_ptr<net::HttpClient> client) {
  std::lock_guard lock(pool_mutex_);
  idle_clients_.push_back(std::move(client));
}

FirestoreResponse FirestoreRest::Send(std::string_view method, std::string_view url_path,
                                      std::string_view body, std::string_view label) {
  const net::RetryPolicy backoff{.max_retries = retry_.max_retries,
                                 .base_delay = retry_.base_delay,
                                 .max_delay = retry_.max_delay};
  const int max_attempts = std::max(retry_.max_retries, 0) + 1;
  const auto started = Clock::now();
  bool refreshed_token = false;
  std::unique_ptr<net::HttpClient> client = TakeClient();

  for (int attempt = 1;; ++attempt) {
    net::HttpRequest request{.method = std::string(method),
                             .url = endpoint_ + std::string(url_path),
                             .headers = {{"Authorization", tokens_->AuthorizationHeader()}},
                             .body = body,
                             .form = {},
                             .timeout = timeout_};
    if (!body.empty()) {
      request.headers.emplace_back("Content-Type", "application/json");
    }

    std::optional<FirestoreResponse> response;
    std::string failure;
    try {
      response = ToFirestoreResponse(client->Send(request), label);
      failure = DescribeAnswer(*response);
    } catch (const net::HttpError& error) {
      failure = error.what();
    }

    if (response && response->status == 401 && !refreshed_token) {
      // A token revoked or expired early: fetch a new one once.
      spdlog::warn("Firestore {} got status 401; fetching a new access token", label);
      tokens_->Invalidate();
      refreshed_token = true;
      --attempt;
      continue;
    }
    if (response && !IsRetryable(*response)) {
      ReturnClient(std::move(client));
      return std::move(*response);
    }

    const milliseconds delay = net::RetryDelay(backoff, attempt, nullptr);
    const auto elapsed = std::chrono::duration_cast<milliseconds>(Clock::now() - started);
    if (attempt >= max_attempts || elapsed + delay > retry_.max_total) {
      spdlog::error("Firestore {} attempt {} of {} failed after {} ms in all: {}", label, attempt,
                    max_attempts, elapsed.count(), failure);
      throw StoreError(fmt::format("Firestore {} failed after {} attempts in {} ms: {}", label,
                                   attempt, elapsed.count(), failure));
    }
    spdlog::warn("Firestore {} attempt {} of {} failed: {}; retrying in {} ms", label, attempt,
                 max_attempts, failure, delay.count());
    std::this_thread::sleep_for(delay);
    if (!response) {
      // A broken connection may have left the client's state unusable.
      client = std::make_unique<net::HttpClient>();
    }
  }
}

}  // namespace talegraph::store
