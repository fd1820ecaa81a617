"""A Firestore outage seen through the API, on a private emulator.

The server keeps its documents in an emulator of its own. While the emulator
is stopped, reads, writes and /ready return 503 with a detail that names
the failure, and the server keeps running. Once the emulator is back on the
same port, requests succeed again. The emulator keeps its data in memory,
so the restarted one starts empty.

A job in the middle of its Firestore writes meets a paused emulator, which
keeps its data: the job runs again after jobs.store_retry_delay_ms and
succeeds once the emulator answers, or, with jobs.store_retries = 0, fails
with Firestore's message, recorded once the emulator answers again.
"""

from __future__ import annotations

import time
from pathlib import Path

from firestore_emulator import Emulator, emulator, firestore_settings  # noqa: F401
from process_helpers import ServerProcess, find_free_port
from processing_helpers import (
    get_job,
    get_recording,
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
    "My grandmother Martha grew up on a farm near Chicago. Every summer she took "
    "the horses down to the river, and in the evening her brother George played "
    "the fiddle on the porch while the neighbors sang along. In nineteen fifty two "
    "the family moved to the city, and Martha found work at the railway station."
)
# Seconds a request waits for the paused emulator, so that a job's write
# fails within a few seconds.
PAUSED_TIMEOUT_SECONDS = 2
LOG_WAIT_SECONDS = 120


def assert_unavailable(client: Client, method: str, path: str, body=None) -> None:
    status, _, error = client.json(method, path, body)
    assert status == 503, f"{method} {path} returned {status} with Firestore down: {error}"
    assert error["code"] == "store_unavailable", error
    assert "Firestore" in error["detail"], f"the detail does not name Firestore: {error['detail']}"


def test_outage_answers_503_then_recovers(binary: Path, tmp_path: Path, emulator: Emulator):
    host = emulator.start()
    port = find_free_port()
    process = ServerProcess(binary, tmp_path, firestore_settings(tmp_path, port, host))
    try:
        process.wait_until_healthy()
        client = Client("127.0.0.1", port, log_path=process.stderr_path)
        user = client.create_user("Before the outage")

        emulator.stop()
        assert_unavailable(client, "GET", f"/v1/users/{user['id']}")
        assert_unavailable(client, "POST", "/v1/users", {"name": "During the outage"})
        assert_unavailable(client, "GET", "/ready")
        status, _, _ = client.json("GET", "/health")
        assert status == 200, "the server stopped serving during the outage"

        assert emulator.start() == host
        created = client.create_user("After the outage")
        status, _, read = client.json("GET", f"/v1/users/{created['id']}")
        assert status == 200, f"reading a user after the outage returned {status}: {read}"
        status, _, ready = client.json("GET", "/ready")
        assert status == 200, f"/ready after the outage returned {status}: {ready}"
    finally:
        process.stop()


def start_story_job(client: Client, folder: Path) -> tuple[dict, float]:
    """Upload the story for a new user; return the complete response and the speech's seconds."""
    require_tool("flite")
    wav = synthesize_speech(STORY, folder / "story.wav")
    user = client.create_user("Outage Teller")
    return upload_audio(client, user["id"], wav.read_bytes(), "audio/wav"), wav_seconds(wav)


def pause_while_decoding(client: Client, emulator: Emulator, job_id: str) -> None:
    """Pause the emulator once the job is decoding, between two of its writes."""
    deadline = time.monotonic() + LOG_WAIT_SECONDS
    while True:
        job = get_job(client, job_id)
        if job["status"] == "running" and job["stage"] == "decode":
            break
        assert job["status"] in ("queued", "running"), f"the job ended before the outage: {job}"
        assert time.monotonic() < deadline, f"the job never reached decode: {job}"
        time.sleep(0.05)
    emulator.pause()


def job_settings(tmp_path: Path, port: int, host: str, store_retries: int) -> dict:
    settings = firestore_settings(tmp_path, port, host, timeout_seconds=PAUSED_TIMEOUT_SECONDS)
    settings["jobs"] = {"store_retries": store_retries, "store_retry_delay_ms": 500}
    return settings


def start_job_and_pause(
    binary: Path, tmp_path: Path, emulator: Emulator, store_retries: int
) -> tuple[ServerProcess, Client, dict, float]:
    """Start a server and the story's job, and pause the emulator while the job decodes.

    Return the server, a client, the complete response and the speech's seconds.
    """
    host = emulator.start()
    port = find_free_port()
    process = ServerProcess(binary, tmp_path, job_settings(tmp_path, port, host, store_retries))
    try:
        process.wait_until_healthy()
        client = Client("127.0.0.1", port, log_path=process.stderr_path)
        result, seconds = start_story_job(client, tmp_path)
        pause_while_decoding(client, emulator, result["job_id"])
    except BaseException:
        process.stop()
        raise
    return process, client, result, seconds


def test_outage_during_a_job_runs_it_again(binary: Path, tmp_path: Path, emulator: Emulator):
    process, client, result, seconds = start_job_and_pause(binary, tmp_path, emulator, 50)
    job_id = result["job_id"]
    try:
        assert_unavailable(client, "GET", f"/v1/jobs/{job_id}")
        process.wait_for_log(
            f"job {job_id} recording {result['recording_id']} stopped in stage", LOG_WAIT_SECONDS
        )
        emulator.resume()

        job = wait_for_job(client, job_id, 2 * job_timeout(seconds)).job
        assert job["status"] == "succeeded", f"job after the outage: {job}\n{process.stderr_tail()}"
        assert job["error"] is None, job
        assert job["attempts"] >= 2, f"the job did not run again: {job}"
        recording = get_recording(client, result["recording_id"])
        assert recording["status"] == "ready", recording
        chunks = get_transcript(client, result["recording_id"])["chunks"]
        assert [chunk["index"] for chunk in chunks] == list(range(len(chunks))), chunks
        assert len({chunk["id"] for chunk in chunks}) == len(chunks), "duplicate chunk ids"
        assert recording["transcript_chunks"] == len(chunks), recording
        assert "martha" in " ".join(chunk["text"] for chunk in chunks).lower(), chunks
        report_figures(
            "Firestore paused during a job",
            {"job runs": job["attempts"], "transcript chunks checked": len(chunks)},
        )
    finally:
        process.stop()


def test_outage_during_a_job_without_retries_fails_it(
    binary: Path, tmp_path: Path, emulator: Emulator
):
    process, client, result, seconds = start_job_and_pause(binary, tmp_path, emulator, 0)
    job_id = result["job_id"]
    try:
        process.wait_for_log(f"job {job_id}: storing its failure failed", LOG_WAIT_SECONDS)
        emulator.resume()

        job = wait_for_job(client, job_id, job_timeout(seconds)).job
        assert job["status"] == "failed", f"job after the outage: {job}"
        assert job["error"]["stage"] == "decode", job["error"]
        message = job["error"]["message"]
        assert "Firestore" in message, message
        assert "gave up after 1 run(s) (jobs.store_retries = 0)" in message, message
        recording = get_recording(client, result["recording_id"])
        assert recording["status"] == "failed", recording
        assert recording["error"] == message, recording

        status, _, again = client.json("POST", f"/v1/recordings/{result['recording_id']}/process")
        assert status == 202, f"reprocess returned {status}: {again}"
        job = wait_for_job(client, again["job_id"], job_timeout(seconds)).job
        assert job["status"] == "succeeded", f"reprocess failed: {job}\n{process.stderr_tail()}"
        report_figures("Firestore paused during a job without retries",
                       {"failed at": "decode", "reprocessed": "succeeded"})
    finally:
        process.stop()
