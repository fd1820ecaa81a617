#include "net/retry.h"

#include <gtest/gtest.h>

namespace talegraph::net {
namespace {

using std::chrono::milliseconds;

HttpResponse WithHeader(const std::string& name, const std::string& value) {
  HttpResponse response;
  response.status = 429;
  response.headers.emplace_back(name, value);
  return response;
}

TEST(Retry, RetryableStatuses) {
  for (long status : {429, 500, 502, 503, 504}) {
    EXPECT_TRUE(IsRetryableStatus(status)) << status;
  }
  for (long status : {200, 400, 401, 403, 404, 413, 422, 501}) {
    EXPECT_FALSE(IsRetryableStatus(status)) << status;
  }
}

TEST(Retry, RequestedDelayFromHeaders) {
  EXPECT_EQ(RequestedDelay(WithHeader("retry-after", "2")), milliseconds(2000));
  EXPECT_EQ(RequestedDelay(WithHeader("retry-after", "0.5")), milliseconds(500));
  EXPECT_EQ(RequestedDelay(WithHeader("retry-after-ms", "250")), milliseconds(250));
  EXPECT_EQ(RequestedDelay(WithHeader("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT")),
            std::nullopt);
  EXPECT_EQ(RequestedDelay(WithHeader("retry-after", "-1")), std::nullopt);
  EXPECT_EQ(RequestedDelay(WithHeader("retry-after", "")), std::nullopt);
  EXPECT_EQ(RequestedDelay(HttpResponse{}), std::nullopt);
}

TEST(Retry, HeaderLookupIgnoresCase) {
  HttpResponse response = WithHeader("retry-after", "3");
  EXPECT_EQ(response.Header("Retry-After"), "3");
  EXPECT_EQ(response.Header("x-missing"), std::nullopt);
}

TEST(Retry, BackoffDoublesWithJitter) {
  RetryPolicy policy{
      .max_retries = 5, .base_delay = milliseconds(100), .max_delay = milliseconds(100000)};
  for (int trial = 0; trial < 50; ++trial) {
    milliseconds first = RetryDelay(policy, 1, nullptr);
    EXPECT_GE(first, milliseconds(100));
    EXPECT_LE(first, milliseconds(150));
    milliseconds third = RetryDelay(policy, 3, nullptr);
    EXPECT_GE(third, milliseconds(400));
    EXPECT_LE(third, milliseconds(600));
  }
}

TEST(Retry, DelaysCappedAtMax) {
  RetryPolicy policy{
      .max_retries = 30, .base_delay = milliseconds(1000), .max_delay = milliseconds(5000)};
  EXPECT_EQ(RetryDelay(policy, 30, nullptr), milliseconds(5000));
  HttpResponse response = WithHeader("retry-after", "3600");
  EXPECT_EQ(RetryDelay(policy, 1, &response), milliseconds(5000));
}

TEST(Retry, RetryAfterReplacesBackoff) {
  RetryPolicy policy{
      .max_retries = 3, .base_delay = milliseconds(1), .max_delay = milliseconds(60000)};
  HttpResponse response = WithHeader("retry-after", "1");
  EXPECT_EQ(RetryDelay(policy, 1, &response), milliseconds(1000));
  HttpResponse without = WithHeader("x-other", "1");
  EXPECT_LE(RetryDelay(policy, 1, &without), milliseconds(2));
}

}  // namespace
}  // namespace talegraph::net
