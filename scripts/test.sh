#!/usr/bin/env bash
# Installs the dependencies, builds with AddressSanitizer and
# UndefinedBehaviorSanitizer, and runs every test: unit, store contract,
# end to end against the real server, and the clang-format check.
# Test audio is read from TALEGRAPH_TEST_AUDIO_DIR when it is set. The
# Firestore tests run against the emulator when gcloud is installed.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
./scripts/build.sh sanitize
# google-cloud-firestore for the cross-check of tests/e2e/run_firestore.sh.
./scripts/setup-python-tools.sh >/dev/null

# Starts a real Neo4j (scripts/start-neo4j.sh) for the Neo4j store and
# end-to-end tests when Java and Maven are installed and no server is named
# by TALEGRAPH_NEO4J_URI, and stops it when this script exits.
start_neo4j_for_tests() {
  if [[ -n ${TALEGRAPH_NEO4J_URI:-} ]] || ! command -v java >/dev/null ||
    ! command -v mvn >/dev/null; then
    return
  fi
  local dir=build/neo4j-tests
  trap 'kill "$(cat '"$dir"'/pid)" 2>/dev/null || true' EXIT
  TALEGRAPH_NEO4J_URI=$(./scripts/start-neo4j.sh --dir "$dir")
  export TALEGRAPH_NEO4J_URI
  echo "test.sh: Neo4j for the tests at $TALEGRAPH_NEO4J_URI"
}
start_neo4j_for_tests

# Leaks are reported at exit; a failed check stops the test with a trace.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$(pwd)/scripts/lsan-suppressions.txt:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
./scripts/with-firestore-emulator.sh ctest --preset sanitize -j "$(nproc)" "$@"
