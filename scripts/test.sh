#!/usr/bin/env bash
# Installs the dependencies, builds with AddressSanitizer and
# UndefinedBehaviorSanitizer, and runs every test: unit, store contract,
# end to end against the real server, disk full, and the clang-format check.
# Test audio is read from TALEGRAPH_TEST_AUDIO_DIR when it is set.
#
# TALEGRAPH_LONG_TESTS=1 adds the long reliability runs: the load test, the
# SIGKILL crash recovery rounds, schemathesis against the OpenAPI document
# and the libFuzzer targets (scripts/fuzz.sh). Each part appends its figures
# to a summary that is printed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
./scripts/build.sh sanitize

# Leaks are reported at exit; a failed check stops the test with a trace.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$(pwd)/scripts/lsan-suppressions.txt:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

export TALEGRAPH_TEST_SUMMARY=${TALEGRAPH_TEST_SUMMARY:-$(pwd)/build/sanitize/test-summary.txt}
: >"${TALEGRAPH_TEST_SUMMARY}"
print_summary() {
  echo "=== test figures (${TALEGRAPH_TEST_SUMMARY})"
  cat "${TALEGRAPH_TEST_SUMMARY}"
}
trap print_summary EXIT

if [[ ${TALEGRAPH_LONG_TESTS:-0} == 1 ]]; then
  ./scripts/install-test-tools.sh >/dev/null
  ctest --preset sanitize -j "$(nproc)" "$@"
  ./scripts/fuzz.sh
else
  ctest --preset sanitize -j "$(nproc)" -LE long "$@"
  echo "long tests (load, crash recovery, schemathesis, fuzzing) skipped; set TALEGRAPH_LONG_TESTS=1" \
    >>"${TALEGRAPH_TEST_SUMMARY}"
fi
