"""Start one talegraph server for the whole test session.

The executable is taken from --talegraph, else from the TALEGRAPH_BIN
environment variable, else from build/debug/src/talegraph in the
repository. The server listens on a free loopback port and keeps its
database, config and log in a temporary folder. With
TALEGRAPH_E2E_DOCUMENTS=firestore its documents go to the Firestore emulator
instead (see document_store.py).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from document_store import storage_settings, unavailable_reason
from talegraph_client import (
    AUDIO_PART_BYTES,
    HEADER_TIMEOUT_SECONDS,
    MAX_CHUNK_BYTES,
    Client,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_BINARY = REPO_ROOT / "build" / "debug" / "src" / "talegraph"
HOST = "127.0.0.1"
STARTUP_TIMEOUT_SECONDS = 20
SHUTDOWN_TIMEOUT_SECONDS = 20


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--talegraph",
        default=None,
        help=(
            "Path of the talegraph executable to test. Defaults to $TALEGRAPH_BIN, "
            f"else {DEFAULT_BINARY.relative_to(REPO_ROOT)} in the repository."
        ),
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip every test when the chosen document store is unavailable, or stop the run
    when TALEGRAPH_REQUIRE_SERVICES=1 requires it."""
    reason = unavailable_reason()
    if not reason:
        return
    if os.environ.get("TALEGRAPH_REQUIRE_SERVICES") == "1":
        raise pytest.UsageError(f"{reason} (TALEGRAPH_REQUIRE_SERVICES=1 forbids skipping)")
    for item in items:
        item.add_marker(pytest.mark.skip(reason=reason))


def resolve_binary(config: pytest.Config) -> Path:
    chosen = config.getoption("--talegraph") or os.environ.get("TALEGRAPH_BIN")
    # Resolved now because the server starts in the temporary folder.
    return Path(chosen).resolve() if chosen else DEFAULT_BINARY


@pytest.fixture(scope="module")
def binary(request: pytest.FixtureRequest) -> Path:
    """The talegraph executable, for tests that start their own servers."""
    path = resolve_binary(request.config)
    if not path.is_file() or not os.access(path, os.X_OK):
        pytest.fail(f"talegraph executable not found at {path}", pytrace=False)
    return path


def find_free_port() -> int:
    # The port is free when the socket closes. Another process could take it
    # before the server binds it, which makes startup fail with a clear log.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def write_config(folder: Path, port: int) -> Path:
    config = folder / "talegraph.toml"
    tables = storage_settings(folder / "talegraph.db")
    tables["storage"]["audio_part_bytes"] = AUDIO_PART_BYTES
    add_graph_settings(tables)
    text = (
        "[server]\n"
        f'host = "{HOST}"\n'
        f"port = {port}\n"
        f"header_timeout_seconds = {HEADER_TIMEOUT_SECONDS}\n"
        "idle_timeout_seconds = 5\n"
        f"max_chunk_bytes = {MAX_CHUNK_BYTES}\n"
    )
    for table, values in tables.items():
        text += f"[{table}]\n"
        for key, value in values.items():
            text += f'{key} = "{value}"\n' if isinstance(value, str) else f"{key} = {value}\n"
    config.write_text(text)
    return config


def add_graph_settings(tables: dict[str, dict]) -> None:
    """Point the session server's graph at Neo4j when TALEGRAPH_E2E_GRAPH=neo4j.

    The server then keeps its graph in the Neo4j server at TALEGRAPH_NEO4J_URI.
    """
    if os.environ.get("TALEGRAPH_E2E_GRAPH") != "neo4j":
        return
    from neo4j_helpers import USER, shared_uri

    tables["storage"]["graph"] = "neo4j"
    tables["neo4j"] = {"uri": shared_uri(), "user": USER}


def write_secrets(folder: Path) -> Path:
    """Return the secrets file of the session server, which exists only for Neo4j."""
    secrets = folder / "none.toml"
    if os.environ.get("TALEGRAPH_E2E_GRAPH") == "neo4j":
        from neo4j_helpers import PASSWORD

        secrets = folder / "secrets.toml"
        secrets.write_text(f'[neo4j]\npassword = "{PASSWORD}"\n')
    return secrets


def log_tail(log_path: Path, lines: int = 40) -> str:
    try:
        text = log_path.read_text(errors="replace")
    except FileNotFoundError:
        return "(no log was written)"
    return "\n".join(text.splitlines()[-lines:]) or "(the log is empty)"


def wait_until_healthy(process: subprocess.Popen, port: int, log_path: Path) -> None:
    client = Client(HOST, port, timeout=2)
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    last_error = "no attempt made"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"talegraph exited with code {process.returncode} during startup. "
                f"Log tail:\n{log_tail(log_path)}",
                pytrace=False,
            )
        try:
            status = client.request("GET", "/health").status
            if status == 200:
                return
            last_error = f"GET /health returned {status}"
        except (AssertionError, OSError) as exc:
            last_error = str(exc)
        time.sleep(0.1)
    pytest.fail(
        f"talegraph did not answer GET /health with 200 within {STARTUP_TIMEOUT_SECONDS} s "
        f"({last_error}). Log tail:\n{log_tail(log_path)}",
        pytrace=False,
    )


def stop_server(process: subprocess.Popen, log_path: Path) -> None:
    """Send SIGTERM and check that the server shuts down cleanly with exit code 0."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=SHUTDOWN_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        pytest.fail(
            f"talegraph did not exit within {SHUTDOWN_TIMEOUT_SECONDS} s of SIGTERM. "
            f"Log tail:\n{log_tail(log_path)}",
            pytrace=False,
        )
    assert (
        process.returncode == 0
    ), f"talegraph exited with code {process.returncode} after SIGTERM. Log tail:\n{log_tail(log_path)}"


@pytest.fixture(scope="session")
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """Yield a Client for a talegraph server that runs for the whole session."""
    binary = resolve_binary(request.config)
    if not binary.is_file() or not os.access(binary, os.X_OK):
        pytest.fail(
            f"talegraph executable not found or not executable at {binary}. Build it with "
            "`cmake --preset debug && cmake --build --preset debug`, or pass "
            "--talegraph=PATH or set TALEGRAPH_BIN.",
            pytrace=False,
        )

    folder = tmp_path_factory.mktemp("talegraph")
    port = find_free_port()
    config = write_config(folder, port)
    # Without Neo4j the secrets file does not exist on purpose: the server
    # must start without one.
    secrets = write_secrets(folder)
    log_path = folder / "talegraph.log"

    # PORT would override server.port from the config.
    environment = {name: value for name, value in os.environ.items() if name != "PORT"}
    command = [str(binary), "serve", "--config", str(config), "--secrets", str(secrets)]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, cwd=folder, env=environment
        )

    try:
        wait_until_healthy(process, port, log_path)
    except BaseException:
        if process.poll() is None:
            process.kill()
            process.wait()
        raise

    yield Client(HOST, port, log_path=log_path)

    if process.poll() is not None:
        pytest.fail(
            f"talegraph exited with code {process.returncode} while the tests ran. "
            f"Log tail:\n{log_tail(log_path)}",
            pytrace=False,
        )
    stop_server(process, log_path)


@pytest.fixture
def user(server: Client) -> dict:
    """Create a fresh user for one test."""
    return server.create_user(f"User {os.urandom(4).hex()}")
