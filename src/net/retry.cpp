#include "net/retry.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <random>
#include <string>
#include <thread>

namespace talegraph::net {

namespace {

using std::chrono::milliseconds;

// Parses a whole non-negative decimal number such as "2" or "0.5".
std::optional<double> ParseNonNegative(std::string_view text) {
  double value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value) ||
      value < 0) {
    return std::nullopt;
  }
  return value;
}

milliseconds JitteredBackoff(const RetryPolicy& policy, int retry) {
  // Doubling stops at 2^20 so that the product stays far from overflow;
  // max_delay caps the result long before that.
  double backoff = static_cast<double>(policy.base_delay.count()) *
                   std::ldexp(1.0, std::clamp(retry - 1, 0, 20));
  thread_local std::mt19937_64 generator{std::random_device{}()};
  std::uniform_real_distribution<double> jitter(0.0, backoff / 2);
  return milliseconds(static_cast<int64_t>(backoff + jitter(generator)));
}

// Outcome of one exchange: a response, or the error that prevented one.
struct Attempt {
  std::optional<HttpResponse> response;
  std::optional<HttpError> error;
  double elapsed_ms = 0;
};

Attempt SendOnce(HttpClient& client, const HttpRequest& request) {
  Attempt attempt;
  auto started = std::chrono::steady_clock::now();
  try {
    attempt.response = client.Send(request);
  } catch (const HttpError& error) {
    attempt.error = error;
  }
  attempt.elapsed_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return attempt;
}

// Describes a failed attempt for a log line: "got status 503 after 12 ms"
// or "failed after 12 ms: <error>".
std::string DescribeFailure(const Attempt& attempt) {
  if (attempt.response) {
    return fmt::format("got status {} after {:.0f} ms", attempt.response->status,
                       attempt.elapsed_ms);
  }
  return fmt::format("failed after {:.0f} ms: {}", attempt.elapsed_ms, attempt.error->what());
}

}  // namespace

bool IsRetryableStatus(long status) {
  return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

std::optional<milliseconds> RequestedDelay(const HttpResponse& response) {
  if (auto value = response.Header("retry-after-ms")) {
    if (auto millis = ParseNonNegative(*value)) {
      return milliseconds(static_cast<int64_t>(std::min(*millis, 1e12)));
    }
  }
  if (auto value = response.Header("retry-after")) {
    if (auto seconds = ParseNonNegative(*value)) {
      return milliseconds(static_cast<int64_t>(std::min(*seconds, 1e9) * 1000));
    }
  }
  return std::nullopt;
}

milliseconds RetryDelay(const RetryPolicy& policy, int retry, const HttpResponse* response) {
  std::optional<milliseconds> requested;
  if (response != nullptr) {
    requested = RequestedDelay(*response);
  }
  milliseconds delay = requested ? *requested : JitteredBackoff(policy, retry);
  return std::min(delay, policy.max_delay);
}

RetriedResponse SendWithRetries(HttpClient& client, const HttpRequest& request,
                                const RetryPolicy& policy, std::string_view log_label) {
  const int max_attempts = std::max(policy.max_retries, 0) + 1;
  for (int attempt = 1;; ++attempt) {
    Attempt result = SendOnce(client, request);
    const HttpResponse* response = result.response ? &*result.response : nullptr;
    bool retryable = response == nullptr || IsRetryableStatus(response->status);
    if (retryable && attempt < max_attempts) {
      milliseconds delay = RetryDelay(policy, attempt, response);
      spdlog::warn("{} attempt {} of {} {}; retrying in {} ms", log_label, attempt, max_attempts,
                   DescribeFailure(result), delay.count());
      std::this_thread::sleep_for(delay);
      continue;
    }
    if (response == nullptr) {
      spdlog::warn("{} attempt {} of {} {}", log_label, attempt, max_attempts,
                   DescribeFailure(result));
      throw HttpError(
          fmt::format("{} (attempt {} of {})", result.error->what(), attempt, max_attempts),
          result.error->timed_out());
    }
    // A final error status is a warning, and the caller raises an error for it.
    auto level = response->status >= 400 ? spdlog::level::warn : spdlog::level::info;
    spdlog::log(level, "{} attempt {} of {} got status {} after {:.0f} ms", log_label, attempt,
                max_attempts, response->status, result.elapsed_ms);
    return {std::move(*result.response), attempt};
  }
}

}  // namespace talegraph::net
