#!/usr/bin/env bash
# Installs the dependencies, builds talegraph and runs a demo on the
# embedded defaults (SQLite and PocketSphinx, no external services): starts
# the server, creates a user, uploads a synthesized story in chunks,
# completes the upload, reads the recording back, waits for processing and
# prints the transcript and the user's chapters. Data goes to a temporary
# folder.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
./scripts/build.sh release

work=$(mktemp -d)
port=${DEMO_PORT:-8080}
base="http://127.0.0.1:${port}"
cat >"${work}/talegraph.toml" <<TOML
[server]
host = "127.0.0.1"
port = ${port}
[storage]
sqlite_path = "${work}/talegraph.db"
TOML

echo "== starting talegraph on ${base} (log: ${work}/talegraph.log)"
build/release/src/talegraph serve --config "${work}/talegraph.toml" \
  --secrets "${work}/no-secrets.toml" >"${work}/talegraph.log" 2>&1 &
server_pid=$!
trap 'kill ${server_pid} 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
  curl -sf "${base}/health" >/dev/null && break
  sleep 0.2
done
curl -sf "${base}/health" >/dev/null || { cat "${work}/talegraph.log"; exit 1; }

json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
post_json() { curl -sf -X POST -H 'Content-Type: application/json' -d "$2" "${base}$1"; }

echo "== synthesizing a story with flite and encoding it as m4a"
flite -voice rms -f scripts/demo_story.txt -o "${work}/story.wav"
ffmpeg -loglevel error -i "${work}/story.wav" -c:a aac -b:a 64k "${work}/story.m4a"
size=$(stat -c %s "${work}/story.m4a")
sha=$(sha256sum "${work}/story.m4a" | cut -d' ' -f1)
echo "   ${size} bytes, sha256 ${sha}"

echo "== creating a user"
user_id=$(post_json /v1/users '{"name": "Demo Storyteller"}' | json_field id)
echo "   user ${user_id}"

echo "== uploading in chunks of 64 KiB, last chunk first"
split -b 65536 -d -a 4 "${work}/story.m4a" "${work}/chunk."
chunks=("${work}"/chunk.*)
upload_id=$(post_json /v1/uploads "{\"user_id\": \"${user_id}\", \"content_type\": \"audio/mp4\", \
\"filename\": \"story.m4a\", \"title\": \"Growing up\", \"chunk_count\": ${#chunks[@]}, \
\"total_bytes\": ${size}, \"sha256\": \"${sha}\"}" | json_field upload_id)
for ((i = ${#chunks[@]} - 1; i >= 0; i--)); do
  curl -sf -X PUT -H 'Content-Type: application/octet-stream' --data-binary "@${chunks[i]}" \
    "${base}/v1/uploads/${upload_id}/chunks/${i}" >/dev/null
done
echo "   upload ${upload_id}: $(curl -sf "${base}/v1/uploads/${upload_id}" | python3 -c \
  'import json,sys; u=json.load(sys.stdin); print(len(u["received"]), "chunks received, missing", u["missing"])')"

echo "== completing the upload"
completed=$(curl -sf -X POST "${base}/v1/uploads/${upload_id}/complete")
recording_id=$(echo "${completed}" | json_field recording_id)
job_id=$(echo "${completed}" | json_field job_id)
echo "   recording ${recording_id}, job ${job_id}"

echo "== reading the recording back"
curl -sf -o "${work}/downloaded.m4a" "${base}/v1/recordings/${recording_id}/audio"
if cmp -s "${work}/story.m4a" "${work}/downloaded.m4a"; then
  echo "   downloaded audio is identical to the upload (${size} bytes)"
else
  echo "   downloaded audio differs from the upload" >&2
  exit 1
fi

echo "== processing: decode, transcribe, chunk, extract, graph"
job_status=queued
last_line=""
for _ in $(seq 1 1800); do
  job=$(curl -sf "${base}/v1/jobs/${job_id}")
  job_status=$(echo "${job}" | json_field status)
  line=$(echo "${job}" | python3 -c "import json,sys; j=json.load(sys.stdin); \
print(f\"   {j['status']:<9} stage {str(j['stage']):<10} progress {j['progress']:.0%}\")")
  [[ ${line} != "${last_line}" ]] && echo "${line}"
  last_line=${line}
  [[ ${job_status} == succeeded || ${job_status} == failed ]] && break
  sleep 2
done
if [[ ${job_status} != succeeded ]]; then
  echo "   processing did not succeed: ${job}" >&2
  exit 1
fi
curl -sf "${base}/v1/recordings/${recording_id}" | python3 -c "import json,sys; \
r=json.load(sys.stdin); \
print(f\"   {r['duration_seconds']:.1f} s of {r['codec']} at {r['sample_rate']} Hz, status {r['status']}\")"
echo "${job}" | python3 -c 'import json,sys; print("   seconds per stage:", json.load(sys.stdin)["stage_seconds"])'

echo "== transcript"
curl -sf "${base}/v1/recordings/${recording_id}/transcript" | python3 -c '
import json, sys
for chunk in json.load(sys.stdin)["chunks"]:
    start, end, text = chunk["start"], chunk["end"], chunk["text"]
    print(f"[{start:7.1f} - {end:7.1f}] {text}")
'

echo "== chapters"
python3 scripts/print_chapters.py "${base}" "${user_id}"

kill -TERM "${server_pid}"
wait "${server_pid}" || true
trap - EXIT
echo "== done; the server log is ${work}/talegraph.log"
