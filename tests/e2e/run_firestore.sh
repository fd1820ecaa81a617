#!/usr/bin/env bash
# Runs the end-to-end tests that cover the document store with
# storage.documents = "firestore" against the emulator at
# FIRESTORE_EMULATOR_HOST, plus the cross-check with Google's official
# client. The long speech recognition accuracy tests on real recordings stay
# in the SQLite run only, to keep the test command's total time down, apart
# from one recording in test_production_setup.py. With
# TALEGRAPH_E2E_GRAPH=neo4j (the e2e_firestore ctest entry sets it) the
# graph goes to Neo4j too: the production setup.
#
# Usage: tests/e2e/run_firestore.sh PATH_OF_TALEGRAPH [PYTEST_ARGS...]
set -euo pipefail
cd "$(dirname "$0")"

binary=$1
shift
# The python of scripts/setup-python-tools.sh has google-cloud-firestore.
python=../../build/python-tools/bin/python
if [[ ! -x ${python} ]]; then
  python=python3
fi

export TALEGRAPH_E2E_DOCUMENTS=firestore
exec "${python}" -m pytest -q -p no:cacheprovider \
  test_users.py test_upload_flow.py test_recordings.py test_processing.py test_restart.py \
  test_firestore_official_client.py test_production_setup.py \
  -k "not real_recording" --talegraph="${binary}" "$@"
