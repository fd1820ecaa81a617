// Retries of HTTP requests that fail for a reason that may pass: a rate
// limit, an overloaded or restarting server, a network error.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "net/http_client.h"

namespace talegraph::net {

struct RetryPolicy {
  // Retries after the first attempt.
  int max_retries = 4;
  // Delay before the first retry. Each further retry doubles it.
  std::chrono::milliseconds base_delay{1000};
  // Maximum of any delay, a Retry-After value included.
  std::chrono::milliseconds max_delay{60000};
};

// Returns whether a response with `status` may succeed when sent again: 429,
// 500, 502, 503 and 504.
bool IsRetryableStatus(long status);

// Returns the delay that the response's Retry-After header (seconds) or
// retry-after-ms header requests, or nullopt when neither contains a
// non-negative number. NOTE: the HTTP-date form of Retry-After is ignored.
std::optional<std::chrono::milliseconds> RequestedDelay(const HttpResponse& response);

// Computes the delay before retry number `retry` (1 for the first): the
// delay that `response` requests when it does, else base_delay doubled for
// each earlier retry plus a random jitter of up to half that. The result is
// at most max_delay. `response` is null after a network error.
std::chrono::milliseconds RetryDelay(const RetryPolicy& policy, int retry,
                                     const HttpResponse* response);

// Last response of SendWithRetries and the attempts it took.
struct RetriedResponse {
  HttpResponse response;
  int attempts = 0;
};

// Sends `request` and sends it again after RetryDelay while it fails with a
// retryable status or an HttpError, at most policy.max_retries more times.
// Returns the last response, whatever its status. Throws HttpError, its
// message naming the attempts made, when the last attempt got no response.
// Logs every attempt with `log_label`, the ids that name the request.
RetriedResponse SendWithRetries(HttpClient& client, const HttpRequest& request,
                                const RetryPolicy& policy, std::string_view log_label);

}  // namespace talegraph::net
