"""A private Firestore emulator for outage tests, on a loopback port of its own.

The scripts start and stop it. Pause and resume freeze it in place with
SIGSTOP and SIGCONT: it accepts connections but never responds, and it
keeps its data, which a stop loses because the emulator keeps it in memory.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from neo4j_helpers import require_or_skip
from process_helpers import base_settings, find_free_port

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
        self.pid_file = folder / "emulator.pid"
        self.environment = {
            **os.environ,
            "FIRESTORE_EMULATOR_PORT": str(self.port),
            "FIRESTORE_EMULATOR_PID_FILE": str(self.pid_file),
            "FIRESTORE_EMULATOR_LOG": str(folder / "emulator.log"),
        }
        self.running = False
        self.paused = False

    def start(self) -> str:
        completed = subprocess.run(
            [str(START_SCRIPT)], env=self.environment, capture_output=True, text=True,
            timeout=SCRIPT_TIMEOUT_SECONDS,
        )
        assert completed.returncode == 0, f"the emulator did not start: {completed.stderr}"
        self.running = True
        return completed.stdout.strip()

    def pause(self) -> None:
        """Freeze the emulator's process group (gcloud's wrapper and its Java child)."""
        os.killpg(int(self.pid_file.read_text()), signal.SIGSTOP)
        self.paused = True

    def resume(self) -> None:
        if self.paused:
            os.killpg(int(self.pid_file.read_text()), signal.SIGCONT)
            self.paused = False

    def stop(self) -> None:
        self.resume()
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


def firestore_settings(folder: Path, port: int, host: str, timeout_seconds: int = 5) -> dict:
    """Return settings for a server on `port` whose documents are in the emulator at `host`."""
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
        "timeout_seconds": timeout_seconds,
    }
    return settings
