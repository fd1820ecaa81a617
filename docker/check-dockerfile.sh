#!/usr/bin/env bash
# Checks that docker/Dockerfile stays in step with CI, since no Docker engine
# runs there to build it:
#  1. the build stage runs exactly scripts/install-deps.sh and
#     scripts/build-release.sh, the scripts CI runs;
#  2. every shared library that the talegraph executable links directly
#     comes from a package that the runtime stage installs, or from one that
#     debian:12-slim already has;
#  3. the runtime stage installs the PocketSphinx en-us model, and its
#     entry point serves with mounted settings and secrets.
# Usage: docker/check-dockerfile.sh PATH_OF_TALEGRAPH
set -euo pipefail
cd "$(dirname "$0")/.."

binary=${1:?usage: docker/check-dockerfile.sh PATH_OF_TALEGRAPH}
# TALEGRAPH_DOCKERFILE checks another file, for testing this check.
dockerfile=${TALEGRAPH_DOCKERFILE:-docker/Dockerfile}
# Packages of the debian:12-slim base image that the executable links.
base_packages=" libc6 libstdc++6 libgcc-s1 "
failures=0

fail() {
  echo "check-dockerfile.sh: $*" >&2
  failures=$((failures + 1))
}

# Prints the RUN commands of the stage whose FROM line matches $1, joined
# across continuation lines.
stage_runs() {
  awk -v stage="$1" '
    /^FROM / { in_stage = ($0 ~ stage) }
    in_stage && /^RUN / { command = substr($0, 5); collecting = 1 }
    in_stage && collecting && !/^RUN / { command = command " " $0 }
    in_stage && collecting && !/\\$/ { gsub(/\\ +/, "", command); gsub(/ +/, " ", command); print command; collecting = 0 }
  ' "${dockerfile}"
}

expected_build_runs=$'./scripts/install-deps.sh && rm -rf /var/lib/apt/lists/*\n./scripts/build-release.sh'
actual_build_runs=$(stage_runs "AS build")
if [[ ${actual_build_runs} != "${expected_build_runs}" ]]; then
  fail "the build stage's RUN commands changed; CI runs these scripts, so keep them:" \
    $'\n'"expected:"$'\n'"${expected_build_runs}"$'\n'"found:"$'\n'"${actual_build_runs}"
fi

runtime_packages=" $(stage_runs "debian:12-slim" | grep -o 'apt-get install .*' |
  sed -E 's/apt-get install -y --no-install-recommends//; s/&&.*//') "

for library in $(readelf -d "${binary}" | sed -nE 's/.*\(NEEDED\).*\[(.*)\]/\1/p'); do
  # The sanitize preset links the sanitizer runtimes, which the release build in the
  # image does not.
  if [[ ${library} =~ ^lib(asan|ubsan|lsan|tsan)\.so ]]; then
    continue
  fi
  # Every package that installs a file of that name, such as libc6 and libc6-i386.
  owners=$(dpkg -S "*/${library}" 2>/dev/null | sed -E 's/: .*//; s/:[a-z0-9]+//g; s/,/ /g' |
    tr '\n' ' ' | sed -E 's/ +$//')
  if [[ -z ${owners} ]]; then
    fail "no installed package provides ${library}, which ${binary} links"
    continue
  fi
  found=0
  for package in ${owners}; do
    if [[ ${runtime_packages} == *" ${package} "* || ${base_packages} == *" ${package} "* ]]; then
      found=1
    fi
  done
  if ((found == 0)); then
    fail "${library} comes from ${owners}, which the runtime stage does not install; add it to" \
      "the apt-get install line of the debian:12-slim stage"
  fi
done

if [[ ${runtime_packages} != *" pocketsphinx-en-us "* ]]; then
  fail "the runtime stage does not install pocketsphinx-en-us, the default speech model"
fi
for required in 'USER talegraph' 'HEALTHCHECK' '/etc/talegraph/secrets/secrets.toml' 'ENV PORT='; do
  if ! grep -q -- "${required}" "${dockerfile}"; then
    fail "${dockerfile} lacks \"${required}\""
  fi
done

if ((failures > 0)); then
  exit 1
fi
echo "check-dockerfile.sh: ${dockerfile} is in step with the scripts and ${binary}"
