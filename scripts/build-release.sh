#!/usr/bin/env bash
# Builds the release executable alone (no tests, no benchmark server): the
# build that docker/Dockerfile runs.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --preset release -DTALEGRAPH_BUILD_TESTS=OFF -DTALEGRAPH_BUILD_BENCH=OFF
cmake --build --preset release --target talegraph
