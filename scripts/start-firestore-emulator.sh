#!/usr/bin/env bash
# Starts Google's Firestore emulator on a free loopback port, waits until it
# responds, and prints its host:port on stdout. The emulator keeps running in
# the background; its process group id goes to the file named by
# FIRESTORE_EMULATOR_PID_FILE (default build/firestore-emulator.pid), so
# scripts/stop-firestore-emulator.sh can end it. Its log goes to
# FIRESTORE_EMULATOR_LOG (default build/firestore-emulator.log).
# FIRESTORE_EMULATOR_PORT chooses the port instead, for a restart on the
# same one.
#
# Usage: host=$(scripts/start-firestore-emulator.sh)
#        export FIRESTORE_EMULATOR_HOST=$host
set -euo pipefail
cd "$(dirname "$0")/.."

pid_file=${FIRESTORE_EMULATOR_PID_FILE:-build/firestore-emulator.pid}
log_file=${FIRESTORE_EMULATOR_LOG:-build/firestore-emulator.log}
# Seconds to wait for the emulator's first response. Its JVM started in 9 s on
# this project's loaded 2-CPU test machine.
start_timeout=${FIRESTORE_EMULATOR_START_TIMEOUT:-120}

if ! command -v gcloud >/dev/null 2>&1; then
  echo "start-firestore-emulator.sh: gcloud not found; add Google's Cloud SDK apt repository" \
    "and run scripts/install-deps.sh, which then installs the emulator" >&2
  exit 1
fi

# Binds port 0 to let the kernel choose a free port, then releases it for
# the emulator. Another process could take it in between, and the wait
# below then fails with the log's tail.
port=${FIRESTORE_EMULATOR_PORT:-$(python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')}
host="127.0.0.1:${port}"

mkdir -p "$(dirname "${pid_file}")" "$(dirname "${log_file}")"
# setsid gives the emulator (gcloud's Python wrapper and its Java child) a
# process group of its own, so the stop script can end both at once.
setsid gcloud emulators firestore start --host-port="${host}" --quiet >"${log_file}" 2>&1 &
echo $! >"${pid_file}"

deadline=$((SECONDS + start_timeout))
until curl -sf --noproxy '*' -o /dev/null "http://${host}/"; do
  if ! kill -0 "$(cat "${pid_file}")" 2>/dev/null; then
    echo "start-firestore-emulator.sh: the emulator exited; last lines of ${log_file}:" >&2
    tail -n 20 "${log_file}" >&2
    exit 1
  fi
  if ((SECONDS >= deadline)); then
    echo "start-firestore-emulator.sh: no answer from http://${host}/ after ${start_timeout} s;" \
      "last lines of ${log_file}:" >&2
    tail -n 20 "${log_file}" >&2
    scripts/stop-firestore-emulator.sh
    exit 1
  fi
  sleep 0.5
done
echo "${host}"
