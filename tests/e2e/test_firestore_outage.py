"""A Firestore outage seen through the API, on a private emulator.

The server keeps its documents in an emulator of its own. While the emulator
is stopped, reads, writes and /ready return 503 with a detail that names
the failure, and the server keeps running. Once the emulator is back on the
same port, requests succeed again. The emulator keeps its data in memory,
so the restarted one starts empty.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from neo4j_helpers import require_or_skip
from process_helpers import ServerProcess, base_settings, find_free_port
from talegraph_client import Client

REPO_ROOT = Path(__file__).resolve().parents[2]
START_SCRIPT = REPO_ROOT / "scripts" / "start-firestore-emulator.sh"
STOP_SCRIPT = REPO_ROOT / "scripts" / "stop-firestore-emulator.sh"
# The emulator's JVM has started in up to 30 s on a loaded 2-core machine.
SCRIPT_TIMEOUT_SECONDS = 180


class Emulator:
    """A Firestore emulator on a fixed loopback port, started and stopped by the scripts."""

    def __init__(self, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        self.port = find_free_port()
        self.environment = {
            **os.environ,
            "FIRESTORE_EMULATOR_PORT": str(self.port),
            "FIRESTORE_EMULATOR_PID_FILE": str(folder / "emulator.pid"),
            "FIRESTORE_EMULATOR_LOG": str(folder / "emulator.log"),
        }
        self.running = False

    def start(self) -> str:
        completed = subprocess.run(
            [str(START_SCRIPT)], env=self.environment, capture_output=True, text=True,
            timeout=SCRIPT_TIMEOUT_SECONDS,
        )
        assert completed.returncode == 0, f"the emulator did not start: {completed.stderr}"
        self.running = True
        return completed.stdout.strip()

    def stop(self) -> None:
        if self.running:
            subprocess.run([str(STOP_SCRIPT)], env=self.environment, capture_output=True,
                           timeout=SCRIPT_TIMEOUT_SECONDS)
            self.running = False


@pytest.fixture
def emulator(tmp_path: Path):
    if shutil.which("gcloud") is None:
        require_or_skip("gcloud is not installed, so the Firestore emulator cannot run")
    server = Emulator(tmp_path / "emulator")
    try:
        yield server
    finally:
        server.stop()


def firestore_settings(folder: Path, port: int, host: str) -> dict:
    settings = base_settings(folder, port)
    settings["storage"] = {"documents": "firestore", "sqlite_path": str(folder / "graph.db")}
    # Few, quick retries, so that a request fails within seconds.
    settings["firestore"] = {
        "project_id": "talegraph-outage",
        "auth": "emulator",
        "emulator_host": host,
        "max_retries": 1,
        "retry_base_delay_ms": 50,
        "retry_max_total_seconds": 3,
        "timeout_seconds": 5,
    }
    return settings


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
