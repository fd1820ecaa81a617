#!/usr/bin/env bash
# Stops the Firestore emulator that scripts/start-firestore-emulator.sh
# started, by the process group id in its pid file. Does nothing when the
# file is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

pid_file=${FIRESTORE_EMULATOR_PID_FILE:-build/firestore-emulator.pid}
if [[ ! -f ${pid_file} ]]; then
  exit 0
fi
group=$(cat "${pid_file}")
rm -f "${pid_file}"
# The group leader is gcloud's wrapper; its Java child shares the group.
kill -TERM -- "-${group}" 2>/dev/null || exit 0
for _ in $(seq 1 20); do
  if ! kill -0 -- "-${group}" 2>/dev/null; then
    exit 0
  fi
  sleep 0.5
done
kill -KILL -- "-${group}" 2>/dev/null || true
