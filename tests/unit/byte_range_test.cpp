#include "api/byte_range.h"

#include <gtest/gtest.h>

namespace talegraph::api {
namespace {

struct RangeCase {
  std::string header;
  uint64_t size;
  RangeStatus status;
  uint64_t first;
  uint64_t last;
};

TEST(ByteRange, Cases) {
  const RangeCase cases[] = {
      {"", 100, RangeStatus::kNone, 0, 0},
      {"bytes=0-9", 100, RangeStatus::kSatisfiable, 0, 9},
      {"bytes=10-", 100, RangeStatus::kSatisfiable, 10, 99},
      {"bytes=-10", 100, RangeStatus::kSatisfiable, 90, 99},
      {"bytes=-500", 100, RangeStatus::kSatisfiable, 0, 99},
      {"bytes=50-500", 100, RangeStatus::kSatisfiable, 50, 99},
      {"bytes=99-99", 100, RangeStatus::kSatisfiable, 99, 99},
      {" bytes=1-2 ", 100, RangeStatus::kSatisfiable, 1, 2},
      {"bytes=100-", 100, RangeStatus::kUnsatisfiable, 0, 0},
      {"bytes=100-200", 100, RangeStatus::kUnsatisfiable, 0, 0},
      {"bytes=-0", 100, RangeStatus::kUnsatisfiable, 0, 0},
      {"bytes=5-4", 100, RangeStatus::kUnsatisfiable, 0, 0},
      {"bytes=abc", 100, RangeStatus::kUnsatisfiable, 0, 0},
      {"bytes=a-b", 100, RangeStatus::kUnsatisfiable, 0, 0},
      {"bytes=-", 100, RangeStatus::kUnsatisfiable, 0, 0},
      {"bytes=+1-2", 100, RangeStatus::kUnsatisfiable, 0, 0},
      {"items=0-1", 100, RangeStatus::kNone, 0, 0},
      {"Bytes=0-1", 100, RangeStatus::kSatisfiable, 0, 1},
      {"bytes 0-1", 100, RangeStatus::kUnsatisfiable, 0, 0},
      {"bytes=0-99999999999999999999", 100, RangeStatus::kSatisfiable, 0, 99},
      {"bytes=-99999999999999999999", 100, RangeStatus::kSatisfiable, 0, 99},
      {"bytes=--1", 100, RangeStatus::kUnsatisfiable, 0, 0},
      {"bytes=0-0", 1, RangeStatus::kSatisfiable, 0, 0},
      {"bytes=0-", 0, RangeStatus::kUnsatisfiable, 0, 0},
      {"bytes=0-1,5-6", 100, RangeStatus::kNone, 0, 0},
      {"bytes=99999999999999999999-", 100, RangeStatus::kUnsatisfiable, 0, 0},
  };
  for (const auto& test_case : cases) {
    RangeRequest result = ParseRange(test_case.header, test_case.size);
    EXPECT_EQ(result.status, test_case.status) << "Range: " << test_case.header;
    if (test_case.status == RangeStatus::kSatisfiable) {
      EXPECT_EQ(result.range.first, test_case.first) << "Range: " << test_case.header;
      EXPECT_EQ(result.range.last, test_case.last) << "Range: " << test_case.header;
    }
  }
}

}  // namespace
}  // namespace talegraph::api
