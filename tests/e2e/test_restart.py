"""Jobs that a stopped or killed server left unfinished run again at the next start.

Each test starts its own talegraph processes on one SQLite file of its own,
because the tests kill and restart them. A re-run must write the same
chunks as a clean run, with no duplicates.
"""

from __future__ import annotations

import signal
import time
from pathlib import Path
from typing import NamedTuple

import pytest

from document_store import storage_settings
from process_helpers import HOST, ServerProcess, Settings, base_settings, find_free_port
from processing_helpers import (
    FINISHED_STATUSES,
    POLL_INTERVAL_SECONDS,
    get_job,
    get_transcript,
    job_timeout,
    log_tail,
    synthesize_speech,
    upload_audio,
    wait_for_job,
    wav_seconds,
)
from talegraph_client import Client


# About 33 s of speech, long enough that its job runs for several seconds
# and can be interrupted in the middle.
SPEECH = """\
When I was young we lived in a house at the edge of the forest. In the winter
the snow came up to the windows, and my father cleared a path to the road every
morning before work. My mother baked bread in the big oven, and the kitchen was
the warmest room in the house. In the summer we swam in the lake and picked
berries in the woods until our hands were blue. On Sunday my uncle came with
his old car and took us to the town to see the market and the trains. I still
remember the smell of the station and the sound of the bells.
"""

# Seconds that jobs.shutdown_timeout_seconds gives a running stage on SIGTERM,
# shorter than the transcribe stage of the speech so that the timeout is reached.
JOB_SHUTDOWN_SECONDS = 2
# Seconds beyond the job shutdown timeout that the process may take to exit:
# closing connections, the store and the logs.
EXIT_MARGIN_SECONDS = 3
# Short chunks, so that the speech gives several and a duplicate would show.
TARGET_CHUNK_SECONDS = 5.0


class Speech(NamedTuple):
    data: bytes
    seconds: float


class CleanRun(NamedTuple):
    chunk_count: int
    texts: list[str]


@pytest.fixture(scope="module")
def speech(tmp_path_factory: pytest.TempPathFactory) -> Speech:
    folder = tmp_path_factory.mktemp("restart-speech")
    path = synthesize_speech(SPEECH, folder / "speech.wav", voice="rms")
    return Speech(path.read_bytes(), wav_seconds(path))


class Servers:
    """The servers of one test, started one after another on one SQLite file or
    emulator project.

    Each server gets its own folder for its settings and log, and a new port.
    close() kills any server that still runs.
    """

    def __init__(self, binary: Path, folder: Path):
        self.binary = binary
        self.folder = folder
        self.database = folder / "talegraph.db"
        self.started: list[ServerProcess] = []

    def start(self) -> tuple[ServerProcess, Client]:
        folder = self.folder / f"server{len(self.started)}"
        folder.mkdir()
        settings: Settings = base_settings(folder, find_free_port())
        settings.update(storage_settings(self.database))
        settings["jobs"] = {"shutdown_timeout_seconds": JOB_SHUTDOWN_SECONDS}
        settings["transcript"] = {"target_chunk_seconds": TARGET_CHUNK_SECONDS}
        server = ServerProcess(self.binary, folder, settings)
        self.started.append(server)
        server.wait_until_healthy()
        return server, Client(HOST, server.port, timeout=10, log_path=server.stderr_path)

    def logs(self) -> str:
        return "\n".join(
            f"--- server {index} stderr tail:\n{server.stderr_tail()}"
            for index, server in enumerate(self.started)
        )

    def close(self) -> None:
        for server in self.started:
            server.kill()


@pytest.fixture
def servers(binary: Path, tmp_path: Path):
    started = Servers(binary, tmp_path)
    yield started
    started.close()


@pytest.fixture(scope="module")
def clean_run(binary: Path, speech: Speech, tmp_path_factory: pytest.TempPathFactory) -> CleanRun:
    """Process the speech once without interruption and return its transcript's shape."""
    started = Servers(binary, tmp_path_factory.mktemp("restart-clean"))
    try:
        server, client = started.start()
        user_id = client.create_user("Clean run")["id"]
        result = upload_audio(client, user_id, speech.data, "audio/wav")
        job = wait_for_job(client, result["job_id"], job_timeout(speech.seconds)).job
        assert job["status"] == "succeeded", f"the clean run failed: {job}\n{started.logs()}"
        chunks = get_transcript(client, result["recording_id"])["chunks"]
        assert len(chunks) >= 2, f"expected several {TARGET_CHUNK_SECONDS} s chunks: {chunks}"
        exit_status = server.stop(signal.SIGTERM, timeout=JOB_SHUTDOWN_SECONDS + 20)
        assert exit_status == 0, (
            f"the clean run's server exited with {exit_status}\n{started.logs()}"
        )
        return CleanRun(len(chunks), [chunk["text"] for chunk in chunks])
    finally:
        started.close()


def start_job(client: Client, speech: Speech, stage: str | None = None) -> dict:
    """Upload the speech and wait until its job runs, in `stage` when given.

    Return the complete response.
    """
    user_id = client.create_user("Restart")["id"]
    result = upload_audio(client, user_id, speech.data, "audio/wav")
    deadline = time.monotonic() + job_timeout(speech.seconds)
    while True:
        job = get_job(client, result["job_id"])
        assert job["status"] not in FINISHED_STATUSES, (
            f"the job finished before it could be interrupted: {job}\n{log_tail(client)}"
        )
        if job["status"] == "running" and stage in (None, job["stage"]):
            return result
        assert time.monotonic() < deadline, (
            f"the job was not seen running in stage {stage}: {job}\n{log_tail(client)}"
        )
        time.sleep(POLL_INTERVAL_SECONDS)


def check_resumed(
    client: Client, result: dict, speech: Speech, clean: CleanRun, servers: Servers
) -> None:
    """Wait for the resumed job and check that it ran again and wrote a clean transcript."""
    job = wait_for_job(client, result["job_id"], job_timeout(speech.seconds)).job
    about = f"job document: {job}\n{servers.logs()}"
    assert job["status"] == "succeeded", about
    assert job["attempts"] >= 2, f"the job was not run again; {about}"
    assert job["error"] is None, about

    chunks = get_transcript(client, result["recording_id"])["chunks"]
    ids = [chunk["id"] for chunk in chunks]
    assert len(set(ids)) == len(ids), f"chunk ids repeat: {ids}"
    indices = [chunk["index"] for chunk in chunks]
    assert indices == list(range(len(chunks))), f"chunk indices are {indices}"
    assert len(chunks) == clean.chunk_count, (
        f"{len(chunks)} chunks after the restart, {clean.chunk_count} in a clean run; {about}"
    )
    assert [chunk["text"] for chunk in chunks] == clean.texts, (
        f"the resumed job's transcript differs from a clean run's; {about}"
    )


def test_sigkill_job_resumes(servers, speech, clean_run):
    first, client = servers.start()
    result = start_job(client, speech)
    first.kill()

    second, client = servers.start()
    check_resumed(client, result, speech, clean_run, servers)
    assert second.stop(signal.SIGTERM, timeout=JOB_SHUTDOWN_SECONDS + 20) == 0, servers.logs()


# The transcribe stage cannot be interrupted, so SIGTERM there makes the
# server wait jobs.shutdown_timeout_seconds and exit with the job running.
@pytest.mark.parametrize("stage", [None, "transcribe"], ids=["any-stage", "transcribe"])
def test_sigterm_job_resumes(servers, speech, clean_run, stage):
    first, client = servers.start()
    result = start_job(client, speech, stage)
    sent = first.send_signal(signal.SIGTERM)
    limit = JOB_SHUTDOWN_SECONDS + EXIT_MARGIN_SECONDS
    exit_status = first.wait_exit(limit)
    seconds = time.monotonic() - sent
    assert exit_status is not None, (
        f"the server still ran {limit} s after SIGTERM during a job; {servers.logs()}"
    )
    assert exit_status == 0, f"the server exited with {exit_status}; {servers.logs()}"
    print(f"exited {seconds:.1f} s after SIGTERM during a job in stage {stage or 'any'}")

    second, client = servers.start()
    queued_again = get_job(client, result["job_id"])
    assert queued_again["status"] in ("queued", "running"), (
        f"the interrupted job is not queued again: {queued_again}\n{log_tail(client)}"
    )
    check_resumed(client, result, speech, clean_run, servers)
    assert second.stop(signal.SIGTERM, timeout=JOB_SHUTDOWN_SECONDS + 20) == 0, servers.logs()
