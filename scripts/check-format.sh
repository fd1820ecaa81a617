#!/usr/bin/env bash
# Fails, listing the files, when clang-format would change any C++ file.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files --cached --others --exclude-standard -- '*.h' '*.cpp')
unformatted=()
for file in "${files[@]}"; do
  [[ -f ${file} ]] || continue
  if ! clang-format --dry-run --Werror "${file}" >/dev/null 2>&1; then
    unformatted+=("${file}")
  fi
done
if [[ ${#unformatted[@]} -gt 0 ]]; then
  echo "clang-format would change these files; run scripts/format.sh:" >&2
  printf '  %s\n' "${unformatted[@]}" >&2
  exit 1
fi
echo "all ${#files[@]} C++ files are formatted"
