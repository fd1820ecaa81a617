#!/usr/bin/env bash
# Builds the libFuzzer targets with the fuzz preset (clang, AddressSanitizer,
# UndefinedBehaviorSanitizer) and runs each for a fixed number of inputs.
#
# Each target first replays its crash regressions in fuzz/regressions/NAME,
# then mutates a scratch copy of its seed corpus fuzz/corpus/NAME, so the
# repository's seeds never change. A crash stops the run, and libFuzzer
# writes the input to build/fuzz/crashes/NAME; add it to
# fuzz/regressions/NAME once fixed.
#
# TALEGRAPH_FUZZ_RUNS sets the inputs a target (default 10000), and
# TALEGRAPH_TEST_SUMMARY names a file that the figures are appended to.
# Arguments, when given, name the targets to run (default: all).
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${TALEGRAPH_FUZZ_RUNS:-10000}
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  targets=(audio_decoder config_loader firestore_value route_json upload_sequence)
fi

cmake --preset fuzz >/dev/null
cmake --build build/fuzz -j "$(nproc)"

# Leaks in FFmpeg and PocketSphinx are known and suppressed, as in the tests.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$(pwd)/scripts/lsan-suppressions.txt:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# A single allocation over 256 MiB, or a process over 1 GiB, is a crash:
# small inputs must never make the decoder or a route allocate that much.
limits=(-malloc_limit_mb=256 -rss_limit_mb=1024)

scratch=$(mktemp -d)
trap 'rm -rf "${scratch}"' EXIT
figures=()
for name in "${targets[@]}"; do
  binary=build/fuzz/fuzz/${name}_fuzz
  crashes=build/fuzz/crashes/${name}
  mkdir -p "${crashes}" "${scratch}/${name}"
  cp -r "fuzz/corpus/${name}/." "${scratch}/${name}/"

  regressions=0
  if [[ -d fuzz/regressions/${name} ]]; then
    mapfile -t replay < <(find "fuzz/regressions/${name}" -type f | sort)
    regressions=${#replay[@]}
    if [[ ${regressions} -gt 0 ]]; then
      "${binary}" "${limits[@]}" "${replay[@]}"
    fi
  fi

  echo "fuzz.sh: ${name}: ${runs} inputs from $(find "fuzz/corpus/${name}" -type f | wc -l) seeds"
  "${binary}" "${limits[@]}" -runs="${runs}" -max_len=4096 -timeout=30 -print_final_stats=1 \
    -artifact_prefix="${crashes}/" "${scratch}/${name}" 2>"${scratch}/${name}.log" || {
    tail -n 60 "${scratch}/${name}.log"
    echo "fuzz.sh: ${name} failed; the input is in ${crashes}" >&2
    exit 1
  }
  executed=$(sed -n 's/^stat::number_of_executed_units: *//p' "${scratch}/${name}.log")
  figures+=("${name} ${executed:-?} inputs, ${regressions} regressions replayed")
done

line="fuzz: $(IFS=';'; echo "${figures[*]}" | sed 's/;/; /g')"
echo "${line}"
if [[ -n ${TALEGRAPH_TEST_SUMMARY:-} ]]; then
  echo "${line}" >>"${TALEGRAPH_TEST_SUMMARY}"
fi
