#!/usr/bin/env bash
# Builds the Neo4j test launcher in tests/neo4j with Maven and starts a real
# Neo4j server (Neo4j's test harness) on 127.0.0.1 in the background. When
# the server is ready, prints its HTTP URI, such as http://127.0.0.1:41234.
#
# Usage: scripts/start-neo4j.sh [--dir DIR] [--http-port PORT]
#   --dir        folder for the server's files, log and pid (default
#                build/neo4j); stop the server with: kill "$(cat DIR/pid)"
#   --http-port  HTTP port; 0, the default, picks a free one
# The password of the user neo4j is TALEGRAPH_NEO4J_PASSWORD (default
# talegraph-test). TALEGRAPH_NEO4J_START_TIMEOUT sets the seconds to wait
# for the server (default 300). The first build downloads the harness from Maven Central
# into the local Maven repository; later builds run offline.
set -euo pipefail
cd "$(dirname "$0")/.."

dir=build/neo4j
http_port=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --dir) dir=$2; shift 2 ;;
    --http-port) http_port=$2; shift 2 ;;
    *) echo "start-neo4j.sh: unknown option $1; see the usage at the top of the script" >&2; exit 2 ;;
  esac
done
ready_timeout=${TALEGRAPH_NEO4J_START_TIMEOUT:-300}
project=tests/neo4j
jar=$project/target/neo4j-test-server-1.0.jar

build_launcher() {
  if [[ -f $jar && -f $project/target/classpath.txt &&
        -z $(find "$project/pom.xml" "$project/src" -newer "$jar" -type f) ]]; then
    return
  fi
  echo "building the Neo4j launcher in $project" >&2
  if ! mvn -B -q -o -f "$project/pom.xml" package >&2 2>/dev/null; then
    mvn -B -q -f "$project/pom.xml" package >&2
  fi
}

build_launcher
mkdir -p "$dir"
log=$dir/server.log
: >"$log"
NEO4J_PASSWORD=${TALEGRAPH_NEO4J_PASSWORD:-talegraph-test} nohup java \
  ${TALEGRAPH_NEO4J_JAVA_OPTS:--Xms128m -Xmx1g} \
  -cp "$jar:$(cat "$project/target/classpath.txt")" talegraph.neo4j.Launcher \
  --work-dir "$dir/work" --http-port "$http_port" </dev/null >"$log" 2>&1 &
pid=$!
echo "$pid" >"$dir/pid"

for ((waited = 0; waited < ready_timeout; waited++)); do
  if line=$(grep -m1 '^NEO4J_READY ' "$log"); then
    uri=${line#*http=}
    uri=${uri%% *}
    echo "${uri%/}"
    exit 0
  fi
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "start-neo4j.sh: Neo4j exited before it was ready; its log $log ends with:" >&2
    tail -20 "$log" >&2
    exit 1
  fi
  sleep 1
done
echo "start-neo4j.sh: Neo4j was not ready after $ready_timeout s; stopping it (log: $log)" >&2
kill "$pid" 2>/dev/null || true
exit 1
