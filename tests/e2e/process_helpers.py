"""Start, signal and stop talegraph processes that belong to a single test.

Unlike the session fixture in conftest.py, each process here gets its own
settings file, SQLite file and stderr log in a temporary folder, so a test
may kill it, break its configuration or watch how it exits.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Any, NamedTuple

from document_store import storage_settings

HOST = "127.0.0.1"
STARTUP_TIMEOUT_SECONDS = 20
# Time allowed for a command that must fail at start, such as serve with an
# invalid configuration.
FAILING_START_TIMEOUT_SECONDS = 10

# Contents of a settings file as {table: {key: value}}, with str, int, float
# or list-of-str values.
Settings = dict[str, dict[str, Any]]


class CommandResult(NamedTuple):
    returncode: int
    stdout: str
    stderr: str
    seconds: float


def find_free_port() -> int:
    """Return a loopback port that was free a moment ago."""
    # Another process could take the port before talegraph binds it, which
    # makes startup fail with a message that names the address.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def environment_without_port(**overrides: str) -> dict[str, str]:
    """Return os.environ without PORT, which would override server.port, plus `overrides`."""
    environment = {name: value for name, value in os.environ.items() if name != "PORT"}
    environment.update(overrides)
    return environment


def base_settings(folder: Path, port: int) -> Settings:
    """Return settings for a loopback server whose SQLite file lies in `folder`, or whose
    emulator project maps to that file (see document_store.py).

    With TALEGRAPH_E2E_GRAPH=neo4j the graph goes to the Neo4j server at
    TALEGRAPH_NEO4J_URI, and `folder` gets a secrets.toml with its password.
    """
    settings: Settings = {
        "server": {"host": HOST, "port": port},
        **storage_settings(folder / "talegraph.db"),
    }
    if os.environ.get("TALEGRAPH_E2E_GRAPH") == "neo4j":
        from neo4j_helpers import shared_uri, use_neo4j

        use_neo4j(settings, folder, shared_uri())
    return settings


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # repr gives the shortest form that reads back the same, such as 5.0.
        return repr(value)
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{escaped}"'
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    raise TypeError(f"no TOML form for {value!r}")


def write_settings(path: Path, settings: Settings) -> Path:
    lines = []
    for table, values in settings.items():
        lines.append(f"[{table}]")
        lines += [f"{key} = {toml_value(value)}" for key, value in values.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


def text_tail(text: str, lines: int = 30) -> str:
    return "\n".join(text.splitlines()[-lines:]) or "(empty)"


def run_command(
    binary: Path,
    arguments: list[str],
    folder: Path,
    environment: dict[str, str] | None = None,
    timeout: float = FAILING_START_TIMEOUT_SECONDS,
) -> CommandResult:
    """Run talegraph with `arguments` in `folder` and return its status and output.

    Raise AssertionError, with the stderr tail, when the command still runs
    after `timeout` seconds, once subprocess.run has killed it.
    """
    started = time.monotonic()
    try:
        completed = subprocess.run(
            [str(binary), *arguments],
            cwd=folder,
            env=environment if environment is not None else environment_without_port(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as exc:
        # TimeoutExpired carries bytes even with text=True.
        stderr = exc.stderr or b""
        if isinstance(stderr, bytes):
            stderr = stderr.decode(errors="replace")
        raise AssertionError(
            f"talegraph {' '.join(arguments)} still ran after {timeout} s; "
            f"stderr tail:\n{text_tail(stderr)}"
        ) from exc
    return CommandResult(
        completed.returncode, completed.stdout, completed.stderr, time.monotonic() - started
    )


class ServerProcess:
    """One `talegraph serve` process whose stderr goes to a file."""

    def __init__(
        self,
        binary: Path,
        folder: Path,
        settings: Settings,
        environment: dict[str, str] | None = None,
        port: int | None = None,
    ):
        """Start serve with `settings`.

        When given, `port` replaces server.port as the port to poll.
        """
        self.folder = folder
        self.port = port if port is not None else int(settings["server"]["port"])
        self.config_path = write_settings(folder / "talegraph.toml", settings)
        self.stderr_path = folder / "stderr.log"
        self.stdout_path = folder / "stdout.log"
        # A test that needs secrets writes them to secrets.toml first.
        secrets = folder / "secrets.toml"
        if not secrets.exists():
            secrets = folder / "no-secrets.toml"
        command = [
            str(binary),
            "serve",
            "--config",
            str(self.config_path),
            "--secrets",
            str(secrets),
        ]
        with open(self.stdout_path, "wb") as stdout, open(self.stderr_path, "wb") as stderr:
            self.process = subprocess.Popen(
                command,
                cwd=folder,
                env=environment if environment is not None else environment_without_port(),
                stdout=stdout,
                stderr=stderr,
            )

    def stderr_text(self) -> str:
        try:
            return self.stderr_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def stderr_tail(self, lines: int = 30) -> str:
        return text_tail(self.stderr_text(), lines)

    def wait_for_log(self, text: str, timeout: float) -> None:
        """Wait until the server's stderr contains `text`; raise AssertionError after `timeout` s."""
        deadline = time.monotonic() + timeout
        while text not in self.stderr_text():
            assert time.monotonic() < deadline, (
                f"the server did not log {text!r} within {timeout} s:\n{self.stderr_tail()}"
            )
            time.sleep(0.2)

    def wait_until_healthy(self) -> None:
        """Poll GET /health until it returns 200.

        Raise AssertionError when the process exits or time runs out.
        """
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        last_error = "no attempt made"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(
                    f"talegraph exited with status {self.process.returncode} during startup; "
                    f"stderr tail:\n{self.stderr_tail()}"
                )
            try:
                status = get_status(self.port, "/health")
                if status == 200:
                    return
                last_error = f"GET /health returned {status}"
            except (OSError, http.client.HTTPException) as exc:
                last_error = repr(exc)
            time.sleep(0.05)
        raise AssertionError(
            f"talegraph did not return 200 to GET /health within {STARTUP_TIMEOUT_SECONDS} s "
            f"({last_error}); stderr tail:\n{self.stderr_tail()}"
        )

    def send_signal(self, signal_number: int) -> float:
        """Send `signal_number` and return the time.monotonic() at which it was sent."""
        self.process.send_signal(signal_number)
        return time.monotonic()

    def wait_exit(self, timeout: float) -> int | None:
        """Return the exit status, or None when the process still runs after `timeout` seconds."""
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self, signal_number: int = signal.SIGTERM, timeout: float = 10) -> int | None:
        self.send_signal(signal_number)
        return self.wait_exit(timeout)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def get_status(port: int, path: str, headers: dict[str, str] | None = None) -> int:
    """Send GET `path` on a new connection and return the response status."""
    connection = http.client.HTTPConnection(HOST, port, timeout=5)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def connection_refused(port: int) -> bool:
    """Return True when a TCP connection to `port` on loopback is refused."""
    try:
        with socket.create_connection((HOST, port), timeout=2):
            return False
    except ConnectionRefusedError:
        return True


def wait_until_refused(port: int, timeout: float) -> bool:
    """Poll until connections to `port` are refused. Return False when time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if connection_refused(port):
            return True
        time.sleep(0.05)
    return False
