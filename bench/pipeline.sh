#!/usr/bin/env bash
# Measures the processing pipeline on synthesized speech: seconds and
# real-time factor of each stage, and the peak resident memory of
# `talegraph process`, for recordings of 1, 10 and 60 minutes.
#
# Usage: bench/pipeline.sh [MINUTES...]
#   MINUTES  recording lengths to measure (default: 1 10 60)
# Environment:
#   BUILD_DIR  build tree with src/talegraph (default build/release)
#   TALEGRAPH  the executable to measure (default BUILD_DIR/src/talegraph)
#   KEEP       set to 1 to keep the temporary folder with audio and logs
#
# It builds nothing: build first with
#   cmake --preset release && cmake --build --preset release
#
# The speech is scripts/demo_story.txt spoken by flite's rms and awb voices,
# one after the other, repeated until the length is reached and encoded as
# AAC in an m4a file, as phones record. Each length runs in a fresh SQLite
# database with the embedded defaults (PocketSphinx, one decoder a core).
# Stage seconds come from the job document; the peak memory from GNU time.
set -euo pipefail

readonly BENCH_DIR="$(cd "$(dirname "$0")" && pwd)"
readonly REPO_ROOT="$(dirname "${BENCH_DIR}")"
readonly BUILD_DIR="${BUILD_DIR:-${REPO_ROOT}/build/release}"
readonly TALEGRAPH="${TALEGRAPH:-${BUILD_DIR}/src/talegraph}"
readonly STORY="${REPO_ROOT}/scripts/demo_story.txt"

if [[ $# -gt 0 ]]; then
  minutes_list=("$@")
else
  minutes_list=(1 10 60)
fi
for minutes in "${minutes_list[@]}"; do
  if [[ ! "${minutes}" =~ ^[1-9][0-9]*$ ]]; then
    echo "invalid length \"${minutes}\": expected a positive number of minutes" >&2
    exit 2
  fi
done
for tool in flite ffmpeg /usr/bin/time; do
  if ! command -v "${tool}" >/dev/null 2>&1; then
    echo "${tool} not found: run scripts/install-deps.sh" >&2
    exit 1
  fi
done
if [[ ! -x "${TALEGRAPH}" ]]; then
  echo "${TALEGRAPH} not found: build with cmake --preset release && cmake --build --preset release" >&2
  exit 1
fi

work_dir="$(mktemp -d)"
cleanup() {
  if [[ "${KEEP:-0}" == 1 ]]; then
    echo "kept ${work_dir}" >&2
  else
    rm -rf "${work_dir}"
  fi
}
trap cleanup EXIT

# One pass of the story in both voices, 16 kHz mono.
for voice in rms awb; do
  flite -voice "${voice}" -f "${STORY}" -o "${work_dir}/story-${voice}.wav"
done
ffmpeg -loglevel error -i "${work_dir}/story-rms.wav" -i "${work_dir}/story-awb.wav" \
  -filter_complex "[0:a][1:a]concat=n=2:v=0:a=1,aresample=16000" -ac 1 \
  "${work_dir}/story.wav"

results="${work_dir}/results.jsonl"
for minutes in "${minutes_list[@]}"; do
  run_dir="${work_dir}/run-${minutes}"
  mkdir -p "${run_dir}"
  audio="${run_dir}/speech-${minutes}min.m4a"
  ffmpeg -loglevel error -stream_loop -1 -i "${work_dir}/story.wav" -t "$((minutes * 60))" \
    -c:a aac -b:a 64k "${audio}"
  cat >"${run_dir}/settings.toml" <<EOF
[storage]
sqlite_path = "${run_dir}/talegraph.db"
EOF
  echo "processing ${minutes} min of speech..." >&2
  /usr/bin/time -f "%M %e" -o "${run_dir}/time.txt" \
    "${TALEGRAPH}" process "${audio}" --config "${run_dir}/settings.toml" \
    --secrets "${run_dir}/no-secrets.toml" >"${run_dir}/transcript.txt" 2>"${run_dir}/talegraph.log"
  python3 "${BENCH_DIR}/summarize_pipeline.py" record --minutes "${minutes}" \
    --database "${run_dir}/talegraph.db" --time "${run_dir}/time.txt" >>"${results}"
done
python3 "${BENCH_DIR}/summarize_pipeline.py" table "${results}"
