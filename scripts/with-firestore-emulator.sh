#!/usr/bin/env bash
# Runs a command with the Firestore emulator: starts it with
# scripts/start-firestore-emulator.sh, exports FIRESTORE_EMULATOR_HOST, runs
# the command and stops the emulator when the command ends. Without gcloud
# the command runs without an emulator and the Firestore tests skip, unless
# TALEGRAPH_REQUIRE_SERVICES=1, which makes a missing gcloud an error. A
# FIRESTORE_EMULATOR_HOST already set is used as it is.
#
# Usage: scripts/with-firestore-emulator.sh COMMAND [ARGS...]
set -euo pipefail
scripts=$(cd "$(dirname "$0")" && pwd)

if [[ -n ${FIRESTORE_EMULATOR_HOST:-} ]]; then
  exec "$@"
fi
if ! command -v gcloud >/dev/null 2>&1; then
  if [[ ${TALEGRAPH_REQUIRE_SERVICES:-} == 1 ]]; then
    echo "with-firestore-emulator.sh: gcloud not found, and TALEGRAPH_REQUIRE_SERVICES=1" \
      "requires the Firestore emulator; install google-cloud-cli-firestore-emulator" >&2
    exit 1
  fi
  echo "with-firestore-emulator.sh: gcloud not found; the Firestore tests will be skipped" >&2
  exec "$@"
fi

FIRESTORE_EMULATOR_HOST=$("${scripts}/start-firestore-emulator.sh")
export FIRESTORE_EMULATOR_HOST
trap '"${scripts}/stop-firestore-emulator.sh"' EXIT
echo "with-firestore-emulator.sh: the Firestore emulator listens on ${FIRESTORE_EMULATOR_HOST}" >&2
"$@"
