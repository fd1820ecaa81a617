#!/usr/bin/env bash
# Benchmarks talegraph against bench/bare_server with wrk, on loopback only.
#
# Usage: bench/run.sh [RUNS]
#   RUNS  how many times to repeat the whole set (default 1). Every run starts
#         fresh servers with a fresh SQLite database.
# Environment:
#   BUILD_DIR  build tree with src/talegraph and bench/bare_server
#              (default build/release)
#   DURATION   wrk duration of each benchmark (default 10s)
#   KEEP       set to 1 to keep the temporary folder with logs and wrk output
#   QUIET_TIMEOUT_SECONDS  how long each benchmark waits for the machine to
#              become quiet before it runs anyway (default 300)
#   DOCUMENTS  document store of talegraph: sqlite (default) or firestore,
#              which needs FIRESTORE_EMULATOR_HOST (scripts/with-firestore-emulator.sh
#              sets it) and gives every server a new emulator project
#
# It builds nothing: build first with
#   cmake --preset release && cmake --build --preset release
#
# Each run measures, in this order:
#   bare        GET / on bare_server                      wrk -t2 -c64 --latency
#   recording   GET /v1/recordings/{id} (metadata read)   wrk -t2 -c64 --latency
#   user        GET /v1/users/{id}                        wrk -t2 -c64 --latency
#   put-c4      PUT 1 MiB chunks, one upload a connection wrk -t4 -c4 -s put_chunk.lua
#   put-c8      PUT 1 MiB chunks, 4 connections an upload wrk -t2 -c8 -s put_chunk.lua
# The talegraph benchmarks run twice, with log.level "info" (one log line a
# request, the production default) and "warn". talegraph's log goes to a file
# in the temporary folder. The summary table comes from bench/summarize_wrk.py.
set -euo pipefail

readonly BENCH_DIR="$(cd "$(dirname "$0")" && pwd)"
readonly REPO_ROOT="$(dirname "${BENCH_DIR}")"
readonly BUILD_DIR="${BUILD_DIR:-${REPO_ROOT}/build/release}"
readonly DURATION="${DURATION:-10s}"
readonly RUNS="${1:-1}"
readonly DOCUMENTS="${DOCUMENTS:-sqlite}"
readonly TALEGRAPH="${BUILD_DIR}/src/talegraph"
readonly BARE_SERVER="${BUILD_DIR}/bench/bare_server"
readonly HOST="127.0.0.1"
readonly LOG_LEVELS=(info warn)
# Chunk indices each PUT connection cycles through, so that after the first
# round every PUT replaces a stored chunk.
readonly PUT_CHUNK_COUNT=8
readonly STARTUP_TIMEOUT_SECONDS=20
# Before each benchmark, wait up to QUIET_TIMEOUT_SECONDS until other
# processes use at most QUIET_BUSY_PERCENT of the CPUs.
readonly QUIET_BUSY_PERCENT=10
readonly QUIET_TIMEOUT_SECONDS="${QUIET_TIMEOUT_SECONDS:-300}"

if [[ ! "${RUNS}" =~ ^[1-9][0-9]*$ ]]; then
  echo "invalid RUNS \"${RUNS}\": expected a positive integer" >&2
  exit 2
fi
for binary in "${TALEGRAPH}" "${BARE_SERVER}"; do
  if [[ ! -x "${binary}" ]]; then
    echo "${binary} is missing; build with: cmake --preset release &&" \
      "cmake --build --preset release (or set BUILD_DIR)" >&2
    exit 1
  fi
done
if [[ "${DOCUMENTS}" != sqlite && "${DOCUMENTS}" != firestore ]]; then
  echo "invalid DOCUMENTS \"${DOCUMENTS}\": expected sqlite or firestore" >&2
  exit 2
fi
if [[ "${DOCUMENTS}" == firestore && -z "${FIRESTORE_EMULATOR_HOST:-}" ]]; then
  echo "DOCUMENTS=firestore needs FIRESTORE_EMULATOR_HOST; run under" \
    "scripts/with-firestore-emulator.sh" >&2
  exit 1
fi
for tool in wrk curl python3; do
  if ! command -v "${tool}" >/dev/null; then
    echo "${tool} is not installed; bench/run.sh needs wrk, curl and python3" >&2
    exit 1
  fi
done

WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/talegraph-bench.XXXXXX")"
readonly WORK_DIR
readonly RESULTS="${WORK_DIR}/results.tsv"
server_pids=()

cleanup() {
  for pid in "${server_pids[@]}"; do
    kill -TERM "${pid}" 2>/dev/null || true
    wait "${pid}" 2>/dev/null || true
  done
  if [[ "${KEEP:-0}" == 1 ]]; then
    echo "kept ${WORK_DIR}"
  else
    rm -rf "${WORK_DIR}"
  fi
}
trap cleanup EXIT

# Waits until FILE has a line matching PATTERN (an ERE whose first group is
# the port) and prints that port. Fails when process PID exits first.
wait_for_port() {
  local file="$1" pattern="$2" pid="$3" waited=0 line
  while ((waited < STARTUP_TIMEOUT_SECONDS * 10)); do
    line="$(grep -m1 -E "${pattern}" "${file}" 2>/dev/null || true)"
    if [[ -n "${line}" ]]; then
      [[ "${line}" =~ ${pattern} ]]
      echo "${BASH_REMATCH[1]}"
      return 0
    fi
    if ! kill -0 "${pid}" 2>/dev/null; then
      echo "server (pid ${pid}) exited before listening; its output:" >&2
      cat "${file}" >&2
      return 1
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  echo "server (pid ${pid}) did not listen within ${STARTUP_TIMEOUT_SECONDS}s; see ${file}" >&2
  return 1
}

stop_server() {
  local pid="$1" kept=()
  kill -TERM "${pid}"
  wait "${pid}" || true
  for other in "${server_pids[@]}"; do
    [[ "${other}" == "${pid}" ]] || kept+=("${other}")
  done
  server_pids=("${kept[@]}")
}

# Prints FIELD of the JSON object on stdin.
json_field() {
  python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"
}

# Sends a request with an optional JSON body and prints the response body.
# Fails when the response status is not EXPECTED.
api() {
  local method="$1" url="$2" expected="$3" body="${4:-}" output status
  output="$(mktemp "${WORK_DIR}/response.XXXXXX")"
  local args=(-sS -o "${output}" -w '%{http_code}' -X "${method}" "${url}")
  if [[ -n "${body}" ]]; then
    args+=(-H 'Content-Type: application/json' --data-binary "${body}")
  fi
  status="$(curl "${args[@]}")"
  if [[ "${status}" != "${expected}" ]]; then
    echo "${method} ${url} returned ${status}, expected ${expected}: $(cat "${output}")" >&2
    return 1
  fi
  cat "${output}"
  rm -f "${output}"
}

# Prints the percentage of CPU time that was not idle over one second,
# from /proc/stat, counting every process on the machine.
cpu_busy_percent() {
  local before after
  before="$(head -1 /proc/stat)"
  sleep 1
  after="$(head -1 /proc/stat)"
  awk -v before="${before}" -v after="${after}" 'BEGIN {
    split(before, b); split(after, a); total = 0
    for (i = 2; i <= 9; i++) total += a[i] - b[i]
    idle = (a[5] - b[5]) + (a[6] - b[6])
    printf "%d\n", (total > 0 ? 100 * (total - idle) / total : 0)
  }'
}

# Waits until the machine is quiet, because on a machine with few CPUs the
# load of other processes skews wrk's numbers. Prints the last busy
# percentage. After QUIET_TIMEOUT_SECONDS it stops waiting, the benchmark runs
# anyway and the summary flags it when the load went on during the run.
wait_for_quiet() {
  local busy waited=0
  busy="$(cpu_busy_percent)"
  while ((busy > QUIET_BUSY_PERCENT && waited < QUIET_TIMEOUT_SECONDS)); do
    sleep 4
    waited=$((waited + 5))
    busy="$(cpu_busy_percent)"
  done
  echo "${busy}"
}

# Prints the busy and total CPU time of the machine, in clock ticks summed
# over all CPUs, from the first line of /proc/stat.
machine_ticks() {
  awk 'NR == 1 { busy = $2 + $3 + $4 + $7 + $8 + $9; print busy, busy + $5 + $6 }' /proc/stat
}

# Prints the user plus system CPU time of process PID in clock ticks.
process_ticks() {
  awk '{ print $14 + $15 }' "/proc/$1/stat"
}

# Runs wrk with the arguments after SERVER_PID and saves its output as
# LEVEL-NAME.txt in the run's folder. The results.tsv line also records the
# CPU busy percentage just before and the share of the machine's CPU time
# that neither wrk nor the server used while wrk ran.
measure() {
  local run="$1" level="$2" name="$3" server_pid="$4"
  shift 4
  local output="${WORK_DIR}/run${run}/${level}-${name}.txt" busy
  busy="$(wait_for_quiet)"
  echo "  ${level} ${name} (machine ${busy}% busy before): wrk $*"

  local machine_before server_before machine_after server_after wrk_seconds
  machine_before="$(machine_ticks)"
  server_before="$(process_ticks "${server_pid}")"
  wrk_seconds="$( { TIMEFORMAT='%U %S'; time wrk "$@" >"${output}" 2>&1; } 2>&1)"
  machine_after="$(machine_ticks)"
  server_after="$(process_ticks "${server_pid}")"

  local other
  other="$(awk -v before="${machine_before}" -v after="${machine_after}" \
    -v server="$((server_after - server_before))" -v wrk="${wrk_seconds}" \
    -v ticks_per_second="$(getconf CLK_TCK)" 'BEGIN {
      split(before, b, " "); split(after, a, " "); split(wrk, w, " ")
      busy = a[1] - b[1]; total = a[2] - b[2]
      other = busy - server - (w[1] + w[2]) * ticks_per_second
      printf "%d\n", (total > 0 && other > 0 ? 100 * other / total : 0)
    }')"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "${run}" "${level}" "${name}" "${busy}" "${other}" \
    "${output}" >>"${RESULTS}"
}

start_upload() {
  local base="$1" user_id="$2"
  api POST "${base}/v1/uploads" 201 \
    "{\"user_id\": \"${user_id}\", \"content_type\": \"audio/mpeg\", \"title\": \"bench\"}" |
    json_field upload_id
}

# Runs the talegraph benchmarks of one run at one log level.
bench_talegraph() {
  local run="$1" level="$2"
  local folder="${WORK_DIR}/run${run}/${level}"
  mkdir -p "${folder}"
  # Another process may take the probed port before talegraph binds it. Then
  # talegraph exits with "cannot listen" and the run fails.
  local port
  port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  cat >"${folder}/talegraph.toml" <<EOF
[server]
host = "${HOST}"
port = ${port}
[storage]
documents = "${DOCUMENTS}"
sqlite_path = "${folder}/talegraph.db"
[firestore]
project_id = "talegraph-bench-$$-${run}-${level}"
emulator_host = "${FIRESTORE_EMULATOR_HOST:-}"
[log]
level = "${level}"
EOF
  local log="${folder}/talegraph.log"
  "${TALEGRAPH}" serve --config "${folder}/talegraph.toml" 2>"${log}" &
  server_pids+=($!)
  local pid=$!
  wait_for_health "http://${HOST}:${port}" "${pid}" "${log}"
  local base="http://${HOST}:${port}"

  local user_id upload_id recording_id
  user_id="$(api POST "${base}/v1/users" 201 '{"name": "bench user", "email": "bench@example.com"}' |
    json_field id)"
  upload_id="$(start_upload "${base}" "${user_id}")"
  head -c 65536 /dev/urandom >"${folder}/chunk.bin"
  curl -sS -f -o /dev/null -X PUT -H 'Content-Type: application/octet-stream' \
    --data-binary "@${folder}/chunk.bin" "${base}/v1/uploads/${upload_id}/chunks/0"
  recording_id="$(api POST "${base}/v1/uploads/${upload_id}/complete" 202 | json_field recording_id)"
  api GET "${base}/v1/recordings/${recording_id}" 200 >/dev/null

  local read_options=(-t2 -c64 "-d${DURATION}" --latency)
  measure "${run}" "${level}" recording "${pid}" "${read_options[@]}" \
    "${base}/v1/recordings/${recording_id}"
  measure "${run}" "${level}" user "${pid}" "${read_options[@]}" "${base}/v1/users/${user_id}"

  local put_script="${BENCH_DIR}/put_chunk.lua" uploads=() i
  for i in 1 2 3 4; do
    uploads+=("$(start_upload "${base}" "${user_id}")")
  done
  measure "${run}" "${level}" put-c4 "${pid}" -t4 -c4 "-d${DURATION}" --latency -s "${put_script}" \
    "${base}" -- "${PUT_CHUNK_COUNT}" "${uploads[@]}"
  uploads=()
  for i in 1 2; do
    uploads+=("$(start_upload "${base}" "${user_id}")")
  done
  measure "${run}" "${level}" put-c8 "${pid}" -t2 -c8 "-d${DURATION}" --latency -s "${put_script}" \
    "${base}" -- "${PUT_CHUNK_COUNT}" "${uploads[@]}"

  stop_server "${pid}"
  echo "  ${level}: $(grep -c '' "${log}") log lines, database $(du -sh "${folder}" | cut -f1)"
}

# Waits until GET /health on BASE returns 200. Fails when process PID exits
# first.
wait_for_health() {
  local base="$1" pid="$2" log="$3" waited=0
  while ((waited < STARTUP_TIMEOUT_SECONDS * 10)); do
    if curl -sf -o /dev/null "${base}/health"; then
      return 0
    fi
    if ! kill -0 "${pid}" 2>/dev/null; then
      echo "talegraph (pid ${pid}) exited before listening; its log:" >&2
      cat "${log}" >&2
      return 1
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  echo "talegraph (pid ${pid}) did not answer ${base}/health within" \
    "${STARTUP_TIMEOUT_SECONDS}s; see ${log}" >&2
  return 1
}

bench_bare() {
  local run="$1"
  local output="${WORK_DIR}/run${run}/bare_server.out"
  "${BARE_SERVER}" 0 2 >"${output}" &
  server_pids+=($!)
  local pid=$! port
  port="$(wait_for_port "${output}" "listening on ${HOST}:([0-9]+)" "${pid}")"
  measure "${run}" bare bare "${pid}" -t2 -c64 "-d${DURATION}" --latency "http://${HOST}:${port}/"
  stop_server "${pid}"
}

echo "machine: $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p')," \
  "$(free -g | awk '/^Mem:/ {print $2}') GiB, Linux $(uname -r), $(date -u +%Y-%m-%dT%H:%MZ)"
echo "wrk: $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2), duration ${DURATION}, ${RUNS} run(s), output in ${WORK_DIR}"
echo "talegraph: ${TALEGRAPH}, document store ${DOCUMENTS}${FIRESTORE_EMULATOR_HOST:+ (emulator at ${FIRESTORE_EMULATOR_HOST})}"
for ((run = 1; run <= RUNS; run++)); do
  echo "run ${run} of ${RUNS}"
  mkdir -p "${WORK_DIR}/run${run}"
  bench_bare "${run}"
  for level in "${LOG_LEVELS[@]}"; do
    bench_talegraph "${run}" "${level}"
  done
done

python3 "${BENCH_DIR}/summarize_wrk.py" "${RESULTS}"
