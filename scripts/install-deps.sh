#!/usr/bin/env bash
# Installs the Debian packages that talegraph's build, tests, benchmarks and
# demo need. Safe to run again: apt-get skips what is already installed.
# Works as root, or as a user with sudo.
set -euo pipefail

packages=(
  # Build tools and formatter.
  build-essential cmake ninja-build pkg-config clang-format git
  # Libraries the server links against.
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libcurl4-openssl-dev libssl-dev libspdlog-dev libfmt-dev
  libtomlplusplus-dev libsqlite3-dev libstemmer-dev
  libavformat-dev libavcodec-dev libswresample-dev libavutil-dev
  libpocketsphinx-dev pocketsphinx-en-us
  # Tests, benchmarks and the demo.
  libgtest-dev googletest ffmpeg flite curl python3 wrk
)

if [[ ${EUID} -eq 0 ]]; then
  sudo_cmd=()
elif command -v sudo >/dev/null 2>&1; then
  sudo_cmd=(sudo)
else
  echo "install-deps.sh: run as root or install sudo first" >&2
  exit 1
fi

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "${package}" 2>/dev/null || true)
  if [[ ${status} != "install ok installed" ]]; then
    missing+=("${package}")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps.sh: all ${#packages[@]} packages are installed"
  exit 0
fi

echo "install-deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
