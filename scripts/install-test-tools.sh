#!/usr/bin/env bash
# Installs the Python test tools that Debian does not package into a virtual
# environment, build/test-venv by default (TALEGRAPH_TEST_VENV sets another
# folder), and prints its python path. Safe to run again: pip skips what is
# already installed at the pinned version.
set -euo pipefail
cd "$(dirname "$0")/.."

# Pinned so that a new release cannot change which checks the run makes.
schemathesis_version=4.32.5

venv=${TALEGRAPH_TEST_VENV:-build/test-venv}
if [[ ! -x ${venv}/bin/python ]]; then
  python3 -m venv "${venv}" >&2
fi
if ! "${venv}/bin/python" -m pip show schemathesis 2>/dev/null |
  grep -qx "Version: ${schemathesis_version}"; then
  "${venv}/bin/python" -m pip install -q --disable-pip-version-check \
    "schemathesis==${schemathesis_version}" pytest >&2
fi
echo "${venv}/bin/python"
