#!/usr/bin/env bash
# Creates build/python-tools, a Python virtual environment for the tests that
# need packages Debian does not ship: google-cloud-firestore, Google's
# official client, which the Firestore cross-check reads documents with. The
# environment also includes the system's packages (pytest among them). Prints the
# environment's python executable. Safe to run again: pip skips what is
# already installed.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=build/python-tools
# Pinned, so that a new release cannot change the cross-check unannounced.
requirements=(google-cloud-firestore==2.34.1)

if [[ ! -x ${venv}/bin/python ]]; then
  python3 -m venv --system-site-packages "${venv}" >&2
fi
"${venv}/bin/python" -m pip install --quiet --disable-pip-version-check "${requirements[@]}" >&2
echo "$(pwd)/${venv}/bin/python"
