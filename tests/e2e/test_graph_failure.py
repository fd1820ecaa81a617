"""A graph store that fails its writes fails the job at the graph stage.

The test's own server shares its SQLite file with the test, which adds a
trigger that rejects every new graph node. With jobs.store_retries = 0 the
job must fail at the graph stage with SQLite's message while the transcript
stays, and succeed once the trigger is gone and the recording is processed
again.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from process_helpers import HOST, ServerProcess, base_settings, find_free_port
from processing_helpers import (
    get_recording,
    get_transcript,
    job_timeout,
    synthesize_speech,
    upload_audio,
    wait_for_job,
    wav_seconds,
)
from talegraph_client import Client

SPEECH = """\
My grandmother Rose lived by the sea. Every morning Rose walked to the harbor
to buy fish, and in the afternoon Rose sat in the garden and told us stories
about the ships and the storms.
"""

TRIGGER_MESSAGE = "graph writes rejected by the test"


def execute(database: Path, sql: str) -> None:
    connection = sqlite3.connect(database, timeout=10)
    try:
        connection.execute(sql)
        connection.commit()
    finally:
        connection.close()


def test_graph_failure_fails_job_and_keeps_transcript(binary: Path, tmp_path: Path):
    settings = base_settings(tmp_path, find_free_port())
    # A store failure fails the job at once rather than after retries.
    settings["jobs"] = {"store_retries": 0}
    database = Path(settings["storage"]["sqlite_path"])
    server = ServerProcess(binary, tmp_path, settings)
    try:
        server.wait_until_healthy()
        client = Client(HOST, server.port, timeout=30, log_path=server.stderr_path)
        execute(
            database,
            "CREATE TRIGGER reject_graph_nodes BEFORE INSERT ON graph_nodes "
            f"BEGIN SELECT RAISE(ABORT, '{TRIGGER_MESSAGE}'); END",
        )

        wav = synthesize_speech(SPEECH, tmp_path / "speech.wav")
        seconds = wav_seconds(wav)
        user_id = client.create_user("Failing graph")["id"]
        result = upload_audio(client, user_id, wav.read_bytes(), "audio/wav")
        job = wait_for_job(client, result["job_id"], job_timeout(seconds)).job
        context = f"job: {job}\nserver stderr tail:\n{server.stderr_tail(30)}"

        assert job["status"] == "failed", context
        assert job["error"]["stage"] == "graph", context
        assert TRIGGER_MESSAGE in job["error"]["message"], context
        recording = get_recording(client, result["recording_id"])
        assert recording["status"] == "failed", recording
        assert TRIGGER_MESSAGE in recording["error"], recording
        transcript = get_transcript(client, result["recording_id"])
        assert transcript["chunks"], f"the transcript was lost: {transcript}"
        assert "rose" in " ".join(c["text"] for c in transcript["chunks"]).lower(), transcript
        assert TRIGGER_MESSAGE in server.stderr_text(), "the failure was not logged"

        execute(database, "DROP TRIGGER reject_graph_nodes")
        status, _, body = client.json("POST", f"/v1/recordings/{result['recording_id']}/process")
        assert status == 202, body
        retry = wait_for_job(client, body["job_id"], job_timeout(seconds)).job
        assert retry["status"] == "succeeded", f"{retry}\n{server.stderr_tail(30)}"
        status, _, graph = client.json("GET", f"/v1/users/{user_id}/graph")
        assert status == 200, graph
        assert graph["nodes"], f"the retry left an empty graph: {graph}"
    finally:
        server.kill()
