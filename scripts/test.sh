#!/usr/bin/env bash
# Installs the dependencies, builds with AddressSanitizer and
# UndefinedBehaviorSanitizer, and runs every test: unit, store contract,
# end to end against the real server, disk full, and the clang-format check.
# Test audio is read from TALEGRAPH_TEST_AUDIO_DIR when it is set. The
# Firestore tests run against the emulator when gcloud is installed, and the
# Neo4j tests against a real Neo4j when Java and Maven are installed.
#
# TALEGRAPH_LONG_TESTS=1 adds the long reliability runs: the load test, the
# SIGKILL crash recovery rounds, schemathesis against the OpenAPI document
# and the libFuzzer targets (scripts/fuzz.sh). Each part appends its figures
# to a summary that is printed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
./scripts/build.sh sanitize
# google-cloud-firestore for the cross-check of tests/e2e/run_firestore.sh.
./scripts/setup-python-tools.sh >/dev/null

export TALEGRAPH_TEST_SUMMARY=${TALEGRAPH_TEST_SUMMARY:-$(pwd)/build/sanitize/test-summary.txt}
: >"${TALEGRAPH_TEST_SUMMARY}"
neo4j_dir=build/neo4j-tests
neo4j_started=0
# Prints the figures of the run and stops the Neo4j that this script started.
finish() {
  echo "=== test figures (${TALEGRAPH_TEST_SUMMARY})"
  cat "${TALEGRAPH_TEST_SUMMARY}"
  if [[ ${neo4j_started} == 1 ]]; then
    kill "$(cat "${neo4j_dir}/pid")" 2>/dev/null || true
  fi
}
trap finish EXIT

# Starts a real Neo4j (scripts/start-neo4j.sh) for the Neo4j store and
# end-to-end tests when Java and Maven are installed and no server is named
# by TALEGRAPH_NEO4J_URI.
start_neo4j_for_tests() {
  if [[ -n ${TALEGRAPH_NEO4J_URI:-} ]] || ! command -v java >/dev/null ||
    ! command -v mvn >/dev/null; then
    return
  fi
  neo4j_started=1
  TALEGRAPH_NEO4J_URI=$(./scripts/start-neo4j.sh --dir "${neo4j_dir}")
  export TALEGRAPH_NEO4J_URI
  echo "test.sh: Neo4j for the tests at $TALEGRAPH_NEO4J_URI"
}
start_neo4j_for_tests

# Leaks are reported at exit; a failed check stops the test with a trace.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$(pwd)/scripts/lsan-suppressions.txt:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

if [[ ${TALEGRAPH_LONG_TESTS:-0} == 1 ]]; then
  ./scripts/install-test-tools.sh >/dev/null
  ./scripts/with-firestore-emulator.sh ctest --preset sanitize -j "$(nproc)" "$@"
  ./scripts/fuzz.sh
else
  ./scripts/with-firestore-emulator.sh ctest --preset sanitize -j "$(nproc)" -LE long "$@"
  echo "long tests (load, crash recovery, schemathesis, fuzzing) skipped; set TALEGRAPH_LONG_TESTS=1" \
    >>"${TALEGRAPH_TEST_SUMMARY}"
fi
