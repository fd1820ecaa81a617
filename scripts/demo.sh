#!/usr/bin/env bash
# Installs the dependencies, builds talegraph and runs a short demo on the
# embedded defaults (SQLite, no external services): starts the server,
# creates a user, uploads a synthesized recording in chunks, completes the
# upload and reads the recording back. Data goes to a temporary folder.
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

echo "== synthesizing a recording with flite"
flite -voice rms -o "${work}/story.wav" -t "I was born in Chicago in nineteen fifty two. \
My father worked at the steel mill and my mother taught piano to the neighbours' children."
size=$(stat -c %s "${work}/story.wav")
sha=$(sha256sum "${work}/story.wav" | cut -d' ' -f1)
echo "   ${size} bytes, sha256 ${sha}"

echo "== creating a user"
user_id=$(post_json /v1/users '{"name": "Demo Storyteller"}' | json_field id)
echo "   user ${user_id}"

echo "== uploading in chunks of 64 KiB, last chunk first"
split -b 65536 -d -a 4 "${work}/story.wav" "${work}/chunk."
chunks=("${work}"/chunk.*)
upload_id=$(post_json /v1/uploads "{\"user_id\": \"${user_id}\", \"content_type\": \"audio/wav\", \
\"filename\": \"story.wav\", \"title\": \"Growing up\", \"chunk_count\": ${#chunks[@]}, \
\"total_bytes\": ${size}, \"sha256\": \"${sha}\"}" | json_field upload_id)
for ((i = ${#chunks[@]} - 1; i >= 0; i--)); do
  curl -sf -X PUT -H 'Content-Type: application/octet-stream' --data-binary "@${chunks[i]}" \
    "${base}/v1/uploads/${upload_id}/chunks/${i}" >/dev/null
done
echo "   upload ${upload_id}: $(curl -sf "${base}/v1/uploads/${upload_id}" | python3 -c \
  'import json,sys; u=json.load(sys.stdin); print(len(u["received"]), "chunks received, missing", u["missing"])')"

echo "== completing the upload"
recording_id=$(curl -sf -X POST "${base}/v1/uploads/${upload_id}/complete" | json_field recording_id)
curl -sf "${base}/v1/recordings/${recording_id}" | python3 -m json.tool

echo "== reading the recording back"
curl -sf -o "${work}/downloaded.wav" "${base}/v1/recordings/${recording_id}/audio"
if cmp -s "${work}/story.wav" "${work}/downloaded.wav"; then
  echo "   downloaded audio is identical to the upload (${size} bytes)"
else
  echo "   downloaded audio differs from the upload" >&2
  exit 1
fi

kill -TERM "${server_pid}"
wait "${server_pid}" || true
trap - EXIT
echo "== done; the server log is ${work}/talegraph.log"
