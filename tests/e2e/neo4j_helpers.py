"""Start and stop a Neo4j test server and run Cypher on it over HTTP.

The server is the launcher in tests/neo4j, started by scripts/start-neo4j.sh
on 127.0.0.1. Tests that need Neo4j skip when none is available, and fail
instead when TALEGRAPH_REQUIRE_SERVICES=1.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
START_SCRIPT = REPO_ROOT / "scripts" / "start-neo4j.sh"
USER = os.environ.get("TALEGRAPH_NEO4J_USER") or "neo4j"
PASSWORD = os.environ.get("TALEGRAPH_NEO4J_PASSWORD") or "talegraph-test"
# Seconds the launcher may take to start; the first start on a busy
# machine with a cold JVM has taken about 100 s.
START_TIMEOUT_SECONDS = 300


def require_or_skip(reason: str) -> None:
    """Skip the test for `reason`, or fail it when services are required."""
    if os.environ.get("TALEGRAPH_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{reason}, but TALEGRAPH_REQUIRE_SERVICES=1", pytrace=False)
    pytest.skip(reason)


def shared_uri() -> str:
    """Return TALEGRAPH_NEO4J_URI, or skip the test when it is unset."""
    uri = os.environ.get("TALEGRAPH_NEO4J_URI")
    if not uri:
        require_or_skip(
            "TALEGRAPH_NEO4J_URI is not set; start Neo4j with scripts/start-neo4j.sh "
            "and export its URI"
        )
    return uri.rstrip("/")


def use_neo4j(settings: dict, folder: Path, uri: str) -> None:
    """Point `settings` at the Neo4j server `uri` and write its password to the secrets files."""
    settings.setdefault("storage", {})["graph"] = "neo4j"
    # Two quick retries, so that an outage fails a job within seconds.
    settings["neo4j"] = {
        "uri": uri,
        "user": USER,
        "max_retries": 2,
        "retry_base_delay_ms": 100,
        "timeout_seconds": 20,
    }
    # ServerProcess passes folder/secrets.toml, and a command run in `folder`
    # without --secrets reads config/secrets.toml.
    secrets = f'[neo4j]\npassword = "{PASSWORD}"\n'
    (folder / "secrets.toml").write_text(secrets)
    (folder / "config").mkdir(exist_ok=True)
    (folder / "config" / "secrets.toml").write_text(secrets)


def run_cypher(uri: str, statement: str, **parameters) -> list[list]:
    """Run `statement` through the Query API and return its rows."""
    token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    request = urllib.request.Request(
        f"{uri}/db/neo4j/query/v2",
        data=json.dumps({"statement": statement, "parameters": parameters}).encode(),
        headers={
            "Content-Type": "application/json",
            "Accept": "application/json",
            "Authorization": f"Basic {token}",
        },
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        body = json.loads(response.read())
    return body["data"]["values"]


class Neo4jServer:
    """A Neo4j server of one test module, which the test may stop and start again."""

    def __init__(self, folder: Path):
        if shutil.which("java") is None or shutil.which("mvn") is None:
            require_or_skip("java and mvn are needed to start a Neo4j test server")
        self.folder = folder
        self.port = 0
        self.uri = ""

    def start(self) -> str:
        """Start the server, on the port of its first start when it had one, and return its URI."""
        completed = subprocess.run(
            [str(START_SCRIPT), "--dir", str(self.folder), "--http-port", str(self.port)],
            capture_output=True,
            text=True,
            timeout=START_TIMEOUT_SECONDS + 120,
            env={**os.environ, "TALEGRAPH_NEO4J_PASSWORD": PASSWORD},
        )
        assert completed.returncode == 0, f"start-neo4j.sh failed:\n{completed.stderr}"
        self.uri = completed.stdout.strip().splitlines()[-1]
        self.port = int(self.uri.rsplit(":", 1)[1])
        return self.uri

    def stop(self, timeout: float = 60) -> None:
        """Stop the server with SIGTERM and wait until its process is gone."""
        pid_path = self.folder / "pid"
        if not pid_path.exists():
            return
        pid = int(pid_path.read_text())
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.2)
        os.kill(pid, signal.SIGKILL)
