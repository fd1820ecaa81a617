#!/usr/bin/env bash
# Installs the Debian packages that talegraph's build, tests, benchmarks and
# demo need. Safe to run again: apt-get skips what is already installed.
# Works as root, or as a user with sudo.
set -euo pipefail

if [[ ${EUID} -eq 0 ]]; then
  sudo_cmd=()
elif command -v sudo >/dev/null 2>&1; then
  sudo_cmd=(sudo)
else
  echo "install-deps.sh: run as root or install sudo first" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive

# Debian 12 ships Boost 1.81. Elsewhere (Ubuntu 24.04 has 1.83) take the
# newest Boost whose separate JSON and URL packages exist; 1.81 is the
# minimum the build accepts.
boost=1.81
if ! apt-cache show "libboost-json${boost}-dev" >/dev/null 2>&1; then
  "${sudo_cmd[@]}" apt-get update -q
  boost=$(apt-cache search --names-only '^libboost-url1\.[0-9]+-dev$' |
    sed -E 's/^libboost-url(1\.[0-9]+)-dev.*/\1/' | sort -V | tail -n 1)
  if [[ -z ${boost} ]]; then
    echo "install-deps.sh: no libboost-url1.XX-dev package found; Boost 1.81 or newer is needed" >&2
    exit 1
  fi
fi

packages=(
  # Build tools and formatter.
  build-essential cmake ninja-build pkg-config clang-format git
  # Libraries the server links against.
  "libboost${boost}-dev" "libboost-json${boost}-dev" "libboost-url${boost}-dev"
  libcurl4-openssl-dev libssl-dev libspdlog-dev libfmt-dev
  libtomlplusplus-dev libsqlite3-dev libstemmer-dev
  libavformat-dev libavcodec-dev libswresample-dev libavutil-dev
  libpocketsphinx-dev pocketsphinx-en-us
  # Tests, benchmarks and the demo.
  libgtest-dev googletest ffmpeg flite curl python3 wrk
  # The virtual environments of scripts/setup-python-tools.sh and
  # scripts/install-test-tools.sh.
  python3-venv
  # The Neo4j test server (tests/neo4j, built with Maven, runs on Java 17).
  openjdk-17-jdk-headless maven
  # Fuzzing: clang and its libFuzzer and sanitizer runtimes (scripts/fuzz.sh).
  clang libclang-rt-dev
)

# The Firestore emulator that the Firestore tests run against comes from
# Google's Cloud SDK apt repository, and is installed when that repository
# is configured.
if apt-cache show google-cloud-cli-firestore-emulator >/dev/null 2>&1; then
  packages+=(openjdk-17-jre-headless google-cloud-cli google-cloud-cli-firestore-emulator)
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
"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
