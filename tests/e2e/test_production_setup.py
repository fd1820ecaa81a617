"""The production setup end to end: Firestore documents and a Neo4j graph.

tests/e2e/run_firestore.sh runs this file with TALEGRAPH_E2E_DOCUMENTS=firestore,
and the e2e_firestore ctest entry adds TALEGRAPH_E2E_GRAPH=neo4j, so the
session server keeps its documents in the Firestore emulator and its graph
in Neo4j. A real recording from TALEGRAPH_TEST_AUDIO_DIR goes through the
whole pipeline, and the result is read back through the API and, for the
graph, with Cypher.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from document_store import uses_firestore
from neo4j_helpers import require_or_skip, run_cypher, shared_uri
from processing_helpers import get_transcript, process_file, transcript_text, word_error_rate

RECORDING = "jfk.wav"
# The SQLite run's bound for this recording (test_processing.py). The stores
# do not change it, because recognition happens before anything is stored.
MAX_WER = 0.30
STAGES = {"decode", "transcribe", "chunk", "extract", "graph"}


@pytest.fixture
def recording_path() -> Path:
    if not uses_firestore() or os.environ.get("TALEGRAPH_E2E_GRAPH") != "neo4j":
        pytest.skip(
            "runs in the production setup only: TALEGRAPH_E2E_DOCUMENTS=firestore "
            "and TALEGRAPH_E2E_GRAPH=neo4j (the e2e_firestore ctest entry)"
        )
    folder = os.environ.get("TALEGRAPH_TEST_AUDIO_DIR")
    if not folder:
        require_or_skip("TALEGRAPH_TEST_AUDIO_DIR is not set")
    path = Path(folder) / RECORDING
    if not path.is_file():
        require_or_skip(f"{path} not found")
    return path


def test_real_recording_in_production_setup(server, recording_path):
    user_id = server.create_user("Production setup")["id"]
    result, poll = process_file(server, user_id, recording_path, "audio/wav")
    job = poll.job
    assert job["status"] == "succeeded", f"job failed: {job.get('error')}"
    assert set(job["stage_seconds"]) == STAGES

    transcript = get_transcript(server, result["recording_id"])
    chunk_ids = {chunk["id"] for chunk in transcript["chunks"]}
    assert chunk_ids, "the transcript has no chunks"
    reference = recording_path.with_suffix(".txt").read_text()
    rate = word_error_rate(reference, transcript_text(transcript))
    print(f"{RECORDING} in the production setup: word error rate {rate:.1%}")
    assert rate <= MAX_WER

    status, _, graph = server.json("GET", f"/v1/users/{user_id}/graph")
    assert status == 200, f"GET graph returned {status}: {graph}"
    assert graph["nodes"], "the recording gave no concepts"
    for node in graph["nodes"]:
        assert set(node["chunk_ids"]) <= chunk_ids, f"node {node['id']} cites unknown chunks"

    rows = run_cypher(
        shared_uri(),
        "MATCH (c:Concept {user_id: $user}) RETURN c.id ORDER BY c.id",
        user=user_id,
    )
    assert [row[0] for row in rows] == sorted(node["id"] for node in graph["nodes"])
