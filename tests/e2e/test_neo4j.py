"""End-to-end tests with storage.graph = "neo4j" on a real Neo4j server.

A recording processed by the server must appear in Neo4j exactly as the
graph API shows it. With jobs.store_retries = 0, a Neo4j outage must fail
the job at the graph stage and keep the recording and its transcript, so
that reprocessing succeeds once Neo4j is back. With retries, a Neo4j
stopped while the job decodes makes its graph stage fail. The job then
runs again and succeeds once Neo4j is back.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from neo4j_helpers import Neo4jServer, run_cypher, shared_uri, use_neo4j
from process_helpers import ServerProcess, base_settings, find_free_port
from processing_helpers import (
    get_job,
    get_transcript,
    job_timeout,
    require_tool,
    synthesize_speech,
    upload_audio,
    wait_for_job,
    wav_seconds,
)
from reliability_helpers import report_figures
from talegraph_client import Client

STORY = (
    "My grandmother Martha grew up on a farm near Chicago. "
    "Every summer Martha took the horses to the river near the farm. "
    "In Chicago my grandfather Henry worked at the railway station. "
    "Henry met Martha at the railway station in Chicago."
)
# valueType() names of a stored list of strings. An empty list has no
# element type.
STRING_LIST_TYPES = {"LIST<STRING NOT NULL> NOT NULL", "LIST<NOTHING> NOT NULL"}


# Seconds to wait for a job stage or a log line.
WAIT_SECONDS = 300


def start_server(
    binary: Path, folder: Path, neo4j_uri: str, jobs: dict | None = None
) -> tuple[ServerProcess, Client]:
    port = find_free_port()
    settings = base_settings(folder, port)
    use_neo4j(settings, folder, neo4j_uri)
    if jobs is not None:
        settings["jobs"] = jobs
    process = ServerProcess(binary, folder, settings)
    try:
        process.wait_until_healthy()
    except AssertionError:
        process.kill()
        raise
    return process, Client("127.0.0.1", port, log_path=process.stderr_path)


def story_audio(folder: Path) -> bytes:
    require_tool("flite")
    return synthesize_speech(STORY, folder / "story.wav").read_bytes()


def process_story(client: Client, folder: Path) -> tuple[dict, dict]:
    """Upload the story for a new user and return (complete response, finished job)."""
    user = client.create_user("Neo4j Tester")
    audio = story_audio(folder)
    result = upload_audio(client, user["id"], audio, "audio/wav")
    seconds = wav_seconds(folder / "story.wav")
    job = wait_for_job(client, result["job_id"], job_timeout(seconds)).job
    result["user_id"] = user["id"]
    return result, job


def require_graph_stage(job: dict) -> None:
    if "graph" not in job.get("stage_seconds", {}):
        pytest.skip("this build's pipeline has no graph stage yet")


def read_graph(client: Client, user_id: str) -> dict:
    status, _, graph = client.json("GET", f"/v1/users/{user_id}/graph")
    assert status == 200, f"GET graph returned {status}: {graph}"
    return graph


@pytest.fixture
def shared_neo4j() -> str:
    return shared_uri()


def test_graph_matches_cypher(binary: Path, tmp_path: Path, shared_neo4j: str) -> None:
    process, client = start_server(binary, tmp_path, shared_neo4j)
    try:
        result, job = process_story(client, tmp_path)
        assert job["status"] == "succeeded", f"job failed: {job}\n{process.stderr_tail()}"
        require_graph_stage(job)
        user_id = result["user_id"]
        graph = read_graph(client, user_id)
        assert graph["nodes"], "the story gave no concepts"
        api_ids = sorted(node["id"] for node in graph["nodes"])

        rows = run_cypher(
            shared_neo4j,
            "MATCH (c:Concept {user_id: $user_id}) RETURN c.id, c:Chapter, c.is_chapter, "
            "valueType(c.chunk_ids), valueType(c.recording_ids), valueType(c.chapters), "
            "c.chunk_ids ORDER BY c.id",
            user_id=user_id,
        )
        assert [row[0] for row in rows] == api_ids
        chapters = {node["id"] for node in graph["nodes"] if node["is_chapter"]}
        assert {row[0] for row in rows if row[1]} == chapters
        for row in rows:
            assert row[1] == row[2], f"node {row[0]}: :Chapter label {row[1]}, is_chapter {row[2]}"
            for type_name in row[3:6]:
                assert type_name in STRING_LIST_TYPES, f"node {row[0]}: {type_name}"

        transcript_chunks = {chunk["id"] for chunk in get_transcript(client, result["recording_id"])["chunks"]}
        for row in rows:
            assert row[6], f"node {row[0]} has no chunk ids"
            assert set(row[6]) <= transcript_chunks, f"node {row[0]}: {row[6]}"

        # Reprocessing merges the same chunks again and adds nothing.
        status, _, again = client.json("POST", f"/v1/recordings/{result['recording_id']}/process")
        assert status == 202, f"reprocess returned {status}: {again}"
        job = wait_for_job(client, again["job_id"], 300).job
        assert job["status"] == "succeeded", f"reprocess failed: {job}"
        count = run_cypher(
            shared_neo4j, "MATCH (c:Concept {user_id: $user_id}) RETURN count(c)", user_id=user_id
        )
        assert count == [[len(api_ids)]]
        assert read_graph(client, user_id)["nodes"] == graph["nodes"]
    finally:
        process.stop()


def check_single_copies(client: Client, uri: str, user_id: str) -> list[list]:
    """Check that Neo4j keeps one node per API node of the user, and return its rows."""
    graph = read_graph(client, user_id)
    rows = run_cypher(
        uri,
        "MATCH (c:Concept {user_id: $user_id}) RETURN c.id, count(*) AS copies ORDER BY c.id",
        user_id=user_id,
    )
    assert rows, "no concepts were stored"
    assert all(copies == 1 for _, copies in rows), f"duplicate nodes: {rows}"
    assert [row[0] for row in rows] == sorted(node["id"] for node in graph["nodes"])
    return rows


def test_outage_fails_graph_stage(binary: Path, tmp_path: Path) -> None:
    neo4j = Neo4jServer(tmp_path / "neo4j")
    uri = neo4j.start()
    process = None
    try:
        process, client = start_server(binary, tmp_path, uri, {"store_retries": 0})
        neo4j.stop()
        result, job = process_story(client, tmp_path)
        if job["status"] == "succeeded":
            require_graph_stage(job)
        assert job["status"] == "failed", f"job did not fail without Neo4j: {job}"
        assert job["stage"] == "graph", f"job failed at another stage: {job}"
        message = job["error"]["message"]
        assert job["error"]["stage"] == "graph", f"the error names another stage: {job['error']}"
        assert "Neo4j" in message, message
        assert "failed after 3 attempt(s)" in message, message
        transcript = get_transcript(client, result["recording_id"])
        assert transcript["chunks"], "the transcript was not kept"
        status, _, error = client.json("GET", f"/v1/users/{result['user_id']}/graph")
        assert status == 503, f"the graph read returned {status} without Neo4j: {error}"
        assert error["code"] == "store_unavailable", error
        assert "Neo4j" in error["detail"], f"the detail does not name Neo4j: {error['detail']}"

        neo4j.start()
        status, _, again = client.json("POST", f"/v1/recordings/{result['recording_id']}/process")
        assert status == 202, f"reprocess returned {status}: {again}"
        job = wait_for_job(client, again["job_id"], 300).job
        assert job["status"] == "succeeded", f"reprocess failed: {job}\n{process.stderr_tail()}"
        assert get_job(client, again["job_id"])["error"] is None
        check_single_copies(client, uri, result["user_id"])
    finally:
        if process is not None:
            process.stop()
        neo4j.stop()


def wait_until(condition, description: str, process: ServerProcess) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        assert time.monotonic() < deadline, (
            f"{description} within {WAIT_SECONDS} s:\n{process.stderr_tail()}"
        )
        time.sleep(0.1)


def test_outage_during_a_job_runs_it_again(binary: Path, tmp_path: Path) -> None:
    neo4j = Neo4jServer(tmp_path / "neo4j")
    uri = neo4j.start()
    process = None
    try:
        jobs = {"store_retries": 100, "store_retry_delay_ms": 1000}
        process, client = start_server(binary, tmp_path, uri, jobs)
        user = client.create_user("Neo4j Outage Teller")
        result = upload_audio(client, user["id"], story_audio(tmp_path), "audio/wav")
        job_id = result["job_id"]

        def decoding() -> bool:
            job = get_job(client, job_id)
            assert job["status"] in ("queued", "running"), f"the job ended before the outage: {job}"
            return job["stage"] == "decode"

        wait_until(decoding, "the job did not reach decode", process)
        neo4j.stop()
        retry_line = f"job {job_id} recording {result['recording_id']} stopped in stage graph"
        process.wait_for_log(retry_line, WAIT_SECONDS)
        neo4j.start()

        seconds = wav_seconds(tmp_path / "story.wav")
        job = wait_for_job(client, job_id, WAIT_SECONDS + job_timeout(seconds)).job
        assert job["status"] == "succeeded", f"job after the outage: {job}\n{process.stderr_tail()}"
        assert job["attempts"] >= 2, f"the job did not run again: {job}"
        assert job["error"] is None, job
        rows = check_single_copies(client, uri, user["id"])
        report_figures(
            "Neo4j stopped during a job", {"job runs": job["attempts"], "nodes checked": len(rows)}
        )
    finally:
        if process is not None:
            process.stop()
        neo4j.stop()
