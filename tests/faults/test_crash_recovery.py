"""SIGKILL at random points of uploads and jobs loses nothing and duplicates nothing.

Every round starts a server on the same SQLite file, resumes the uploads
that the previous round left unfinished and starts new ones. Then it kills
the server with SIGKILL, at a random moment of the uploads in even rounds
and while a job runs in odd rounds. A last server then finishes everything, and
the test checks that every completed upload downloads with its SHA-256,
every interrupted job ran again and succeeded, transcript chunk indexes
are 0..n-1 exactly once, and no recording exists twice.

TALEGRAPH_CRASH_ROUNDS sets the number of kills (default 5), and
TALEGRAPH_TEST_SEED repeats a run's random choices.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from process_helpers import HOST, ServerProcess, base_settings, find_free_port
from processing_helpers import synthesize_speech, wav_seconds
from reliability_helpers import report_figures, seeded_random
from talegraph_client import Client, sha256_hex, split_bytes

ROUNDS = int(os.environ.get("TALEGRAPH_CRASH_ROUNDS", "5"))
UPLOADS_PER_ROUND = 2
CHUNKS_PER_UPLOAD = 8
# Pause between two chunk PUTs of one upload, so that a kill can land in the middle.
CHUNK_PAUSE_SECONDS = (0.02, 0.15)
# Range of the random delay before an upload-round kill.
KILL_DELAY_SECONDS = (0.1, 1.5)
# Time an odd round waits for a job to be seen running before it kills anyway.
RUNNING_JOB_WAIT_SECONDS = 60.0
# Seconds allowed for the last server to finish every job. NOTE: a guess with
# margin for a loaded 2-core machine, where a debug build took about 4 s per
# second of audio.
FINISH_FIXED_SECONDS = 60.0
FINISH_SECONDS_PER_AUDIO_SECOND = 6.0
TARGET_CHUNK_SECONDS = 5.0

SENTENCES = [
    "The river froze every winter and we skated to school.",
    "My father built the boat himself in the old shed.",
    "We sold apples from the orchard at the side of the road.",
    "The first radio in our street belonged to the baker.",
]


@dataclass
class Upload:
    """One upload as the client knows it."""

    data: bytes
    seconds: float
    user_id: str
    upload_id: str = ""
    recording_id: str = ""
    job_id: str = ""

    @property
    def completed(self) -> bool:
        return bool(self.recording_id)


class Rounds:
    """Servers started one after another on one SQLite file, each in a folder of its own."""

    def __init__(self, binary: Path, folder: Path):
        self.binary = binary
        self.folder = folder
        self.database = folder / "talegraph.db"
        self.started: list[ServerProcess] = []

    def start(self) -> tuple[ServerProcess, Client]:
        folder = self.folder / f"server{len(self.started)}"
        folder.mkdir()
        settings = base_settings(folder, find_free_port())
        settings["storage"]["sqlite_path"] = str(self.database)
        settings["asr"] = {"threads": 1}
        settings["transcript"] = {"target_chunk_seconds": TARGET_CHUNK_SECONDS}
        server = ServerProcess(self.binary, folder, settings)
        self.started.append(server)
        server.wait_until_healthy()
        return server, Client(HOST, server.port, timeout=10, log_path=server.stderr_path)

    def logs(self, lines: int = 15) -> str:
        return "\n".join(
            f"--- server {index} stderr tail:\n{server.stderr_tail(lines)}"
            for index, server in enumerate(self.started)
        )

    def close(self) -> None:
        for server in self.started:
            server.kill()


@pytest.fixture
def rounds(binary: Path, tmp_path: Path):
    started = Rounds(binary, tmp_path)
    yield started
    started.close()


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[bytes, float]]:
    folder = tmp_path_factory.mktemp("crash-audio")
    synthesized = []
    for number, sentence in enumerate(SENTENCES):
        path = synthesize_speech(sentence, folder / f"clip{number}.wav")
        synthesized.append((path.read_bytes(), wav_seconds(path)))
    return synthesized


def chunks_of(upload: Upload) -> list[bytes]:
    size = len(upload.data) // CHUNKS_PER_UPLOAD
    sizes = [size] * (CHUNKS_PER_UPLOAD - 1) + [len(upload.data) - size * (CHUNKS_PER_UPLOAD - 1)]
    return split_bytes(upload.data, sizes)


def drive_upload(client: Client, upload: Upload, rng) -> None:
    """Start `upload` unless it has an id, send every chunk in a shuffled order and complete it.

    Returns early when the upload turns out completed already, and lets the
    connection errors of a killed server propagate.
    """
    declared = {"total_bytes": len(upload.data), "sha256": sha256_hex(upload.data)}
    if not upload.upload_id:
        started = client.start_upload(upload.user_id, "audio/wav", chunk_count=CHUNKS_PER_UPLOAD)
        upload.upload_id = started["upload_id"]
    chunks = chunks_of(upload)
    order = list(range(CHUNKS_PER_UPLOAD))
    rng.shuffle(order)
    for index in order:
        status, _, body = client.put_chunk(upload.upload_id, index, chunks[index])
        if status == 409 and body["code"] == "upload_not_open":
            # A complete went through before the kill, but its response was lost.
            break
        assert status == 200, f"chunk {index} of {upload.upload_id} returned {status}: {body}"
        time.sleep(rng.uniform(*CHUNK_PAUSE_SECONDS))
    status, _, result = client.complete(upload.upload_id, declared)
    assert status == 202, f"complete of {upload.upload_id} returned {status}: {result}"
    upload.recording_id = result["recording_id"]
    upload.job_id = result["job_id"]


def drive_until_killed(client: Client, upload: Upload, rng, errors: list[str]) -> None:
    """Run drive_upload, stop quietly when the server dies under it and add other errors."""
    try:
        drive_upload(client, upload, rng)
    except OSError:
        pass
    except AssertionError as exc:
        # A failed connection is expected, but a wrong status is a real failure.
        if "returned" in str(exc):
            errors.append(str(exc))


def running_job(client: Client, uploads: list[Upload]) -> str | None:
    """Return the id of a job that is running now, or None."""
    for upload in uploads:
        if upload.job_id:
            status, _, job = client.json("GET", f"/v1/jobs/{upload.job_id}")
            if status == 200 and job["status"] == "running":
                return upload.job_id
    return None


def wait_for_running_job(client: Client, uploads: list[Upload]) -> str | None:
    deadline = time.monotonic() + RUNNING_JOB_WAIT_SECONDS
    while time.monotonic() < deadline:
        job_id = running_job(client, uploads)
        if job_id is not None:
            return job_id
        time.sleep(0.05)
    return None


def run_round(
    number: int, rounds: Rounds, uploads: list[Upload], clips, user_id: str, rng
) -> tuple[str | None, int]:
    """Resume unfinished uploads, start new ones and kill the server with SIGKILL.

    Returns the id of the job seen running just before the kill, or None,
    and the number of uploads that the kill left started but not completed.
    """
    server, client = rounds.start()
    for _ in range(UPLOADS_PER_ROUND):
        data, seconds = rng.choice(clips)
        uploads.append(Upload(data, seconds, user_id))
    threads = []
    errors: list[str] = []
    for upload in uploads:
        if not upload.completed:
            worker_rng = type(rng)(rng.randrange(2**32))
            thread = threading.Thread(
                target=drive_until_killed, args=(client, upload, worker_rng, errors), daemon=True
            )
            thread.start()
            threads.append(thread)

    running = None
    if number % 2 == 0:
        time.sleep(rng.uniform(*KILL_DELAY_SECONDS))
    else:
        running = wait_for_running_job(client, uploads)
        time.sleep(rng.uniform(0, 0.5))
    server.kill()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, f"round {number}: {errors}\n{rounds.logs()}"
    interrupted = sum(1 for upload in uploads if upload.upload_id and not upload.completed)
    return running, interrupted


def wait_for_all_jobs(client: Client, uploads: list[Upload], timeout: float, about) -> dict:
    deadline = time.monotonic() + timeout
    jobs: dict[str, dict] = {}
    while True:
        for upload in uploads:
            status, _, job = client.json("GET", f"/v1/jobs/{upload.job_id}")
            assert status == 200, f"GET job {upload.job_id} returned {status}: {job}"
            jobs[upload.job_id] = job
        if all(job["status"] in ("succeeded", "failed") for job in jobs.values()):
            return jobs
        assert time.monotonic() < deadline, (
            f"jobs unfinished after {timeout:.0f} s: "
            f"{[job for job in jobs.values() if job['status'] not in ('succeeded', 'failed')]}\n"
            f"{about()}"
        )
        time.sleep(0.25)


def check_recording(client: Client, upload: Upload, job: dict, about) -> int:
    """Check one completed upload's bytes, job and transcript; return its chunk count."""
    assert job["status"] == "succeeded", f"job {upload.job_id}: {job}\n{about()}"
    audio = client.request("GET", f"/v1/recordings/{upload.recording_id}/audio")
    assert audio.status == 200, f"audio of {upload.recording_id} returned {audio.status}"
    assert sha256_hex(audio.body) == sha256_hex(upload.data), (
        f"recording {upload.recording_id} downloads other bytes than were uploaded"
    )
    _, _, transcript = client.json("GET", f"/v1/recordings/{upload.recording_id}/transcript")
    indices = [chunk["index"] for chunk in transcript["chunks"]]
    assert indices == list(range(len(indices))), (
        f"transcript chunk indices of {upload.recording_id} are {indices}"
    )
    assert indices, f"recording {upload.recording_id} has no transcript chunks"
    ids = [chunk["id"] for chunk in transcript["chunks"]]
    assert len(set(ids)) == len(ids), f"transcript chunk ids repeat: {ids}"
    upload_document = client.get_upload(upload.upload_id)
    chunk_indices = sorted(chunk["index"] for chunk in upload_document["chunks"])
    assert chunk_indices == list(range(CHUNKS_PER_UPLOAD)), chunk_indices
    return len(indices)


def listed_recording_ids(client: Client, user_id: str) -> list[str]:
    status, _, page = client.json("GET", f"/v1/users/{user_id}/recordings?limit=1000")
    assert status == 200, f"listing recordings returned {status}: {page}"
    return [recording["id"] for recording in page["recordings"]]


def test_sigkill_rounds_lose_nothing(rounds: Rounds, clips):
    rng, seed = seeded_random("crash recovery")
    server, client = rounds.start()
    user_id = client.create_user("Crash recovery")["id"]
    server.stop(signal.SIGTERM, timeout=20)

    uploads: list[Upload] = []
    killed_running_jobs = []
    interrupted_uploads = 0
    for number in range(ROUNDS):
        running, interrupted = run_round(number, rounds, uploads, clips, user_id, rng)
        interrupted_uploads += interrupted
        if running is not None:
            killed_running_jobs.append(running)

    # The last server finishes what the rounds left: unfinished uploads and jobs.
    server, client = rounds.start()
    for upload in uploads:
        if not upload.completed and upload.upload_id:
            drive_upload(client, upload, rng)
    completed = [upload for upload in uploads if upload.completed]
    audio_seconds = sum(upload.seconds for upload in completed)
    timeout = FINISH_FIXED_SECONDS + FINISH_SECONDS_PER_AUDIO_SECOND * audio_seconds
    jobs = wait_for_all_jobs(client, completed, timeout, rounds.logs)

    transcript_chunks = sum(
        check_recording(client, upload, jobs[upload.job_id], rounds.logs) for upload in completed
    )
    listed = listed_recording_ids(client, user_id)
    assert sorted(listed) == sorted(upload.recording_id for upload in completed), (
        f"the user lists recordings {sorted(listed)}, the client completed "
        f"{sorted(upload.recording_id for upload in completed)}"
    )
    assert killed_running_jobs, f"no round saw a job running before its kill\n{rounds.logs()}"
    for job_id in killed_running_jobs:
        assert jobs[job_id]["attempts"] >= 2, f"job {job_id} was killed but not run again"
    rerun = sum(1 for job in jobs.values() if job["attempts"] >= 2)
    assert server.stop(signal.SIGTERM, timeout=30) == 0, rounds.logs()

    with sqlite3.connect(rounds.database) as database:
        integrity = database.execute("PRAGMA integrity_check").fetchone()[0]
    assert integrity == "ok", f"PRAGMA integrity_check returned {integrity!r}"

    report_figures(
        "crash recovery",
        {
            "SIGKILLs": ROUNDS,
            "kills during a running job": len(killed_running_jobs),
            "uploads started": len([upload for upload in uploads if upload.upload_id]),
            "uploads interrupted and resumed": interrupted_uploads,
            "recordings checked": len(completed),
            "jobs run again": rerun,
            "transcript chunks": transcript_chunks,
            "seed": seed,
        },
    )
