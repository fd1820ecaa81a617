"""Process lifecycle: signals and shutdown, configuration errors, command line, logs.

Every test here starts its own talegraph process with its own settings file
and SQLite file, never the shared session server, because the tests stop,
break or misconfigure it.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import time
import tomllib
from pathlib import Path

import pytest

from process_helpers import (
    HOST,
    ServerProcess,
    Settings,
    base_settings,
    connection_refused,
    environment_without_port,
    find_free_port,
    run_command,
    wait_until_refused,
    write_settings,
)
from talegraph_client import TIMESTAMP, Client, sha256_hex

REPO_ROOT = Path(__file__).resolve().parents[2]

CHUNK_BYTES = 200000
# Upper bound in seconds on a clean stop. It leaves room for a slow, loaded
# machine and stays far below the 30 s idle timeout.
EXIT_SECONDS = 5
# Time to let the server read what a client sent before the test signals it.
# The server offers no observable sign that it has read a partial body.
SETTLE_SECONDS = 0.3


class Launcher:
    """Factory for the servers of one test, each in its own folder.

    close() kills any server that still runs.
    """

    def __init__(self, binary: Path, folder: Path):
        self.binary = binary
        self.folder = folder
        self.servers: list[ServerProcess] = []

    def new_folder(self) -> Path:
        folder = self.folder / f"server{len(self.servers)}-{os.urandom(3).hex()}"
        folder.mkdir()
        return folder

    def start(
        self,
        overrides: Settings | None = None,
        environment: dict[str, str] | None = None,
        poll_port: int | None = None,
    ) -> ServerProcess:
        """Start a server with base_settings plus `overrides` and wait until it is healthy.

        `poll_port` is the port to poll when it differs from server.port,
        for example when PORT overrides it.
        """
        folder = self.new_folder()
        settings = base_settings(folder, find_free_port())
        for table, values in (overrides or {}).items():
            settings.setdefault(table, {}).update(values)
        server = ServerProcess(self.binary, folder, settings, environment, poll_port)
        self.servers.append(server)
        server.wait_until_healthy()
        return server

    def close(self) -> None:
        for server in self.servers:
            server.kill()


@pytest.fixture
def launcher(binary: Path, tmp_path: Path):
    servers = Launcher(binary, tmp_path)
    yield servers
    servers.close()


def start_upload(server: ServerProcess) -> str:
    client = Client(HOST, server.port, timeout=10)
    user = client.create_user("Lifecycle")
    upload = client.start_upload(user["id"], chunk_count=1, total_bytes=CHUNK_BYTES)
    return upload["upload_id"]


def open_chunk_request(port: int, upload_id: str, first_part: bytes) -> socket.socket:
    """Send the headers of a CHUNK_BYTES chunk and `first_part` of its body."""
    sock = socket.create_connection((HOST, port), timeout=10)
    head = (
        f"PUT /v1/uploads/{upload_id}/chunks/0 HTTP/1.1\r\n"
        f"Host: {HOST}:{port}\r\n"
        "Content-Type: application/octet-stream\r\n"
        f"Content-Length: {CHUNK_BYTES}\r\n"
        "\r\n"
    )
    sock.sendall(head.encode() + first_part)
    return sock


def read_response(sock: socket.socket, method: str) -> http.client.HTTPResponse:
    response = http.client.HTTPResponse(sock, method=method)
    response.begin()
    response.read()
    return response


def elapsed_since(start: float) -> float:
    return time.monotonic() - start


# Graceful shutdown


def test_sigterm_finishes_inflight_chunk(launcher):
    server = launcher.start()
    upload_id = start_upload(server)
    body = os.urandom(CHUNK_BYTES)
    half = CHUNK_BYTES // 2
    sock = open_chunk_request(server.port, upload_id, body[:half])
    time.sleep(SETTLE_SECONDS)

    server.send_signal(signal.SIGTERM)
    refused = wait_until_refused(server.port, EXIT_SECONDS)
    assert refused, (
        f"new connections were still accepted {EXIT_SECONDS} s after SIGTERM; "
        f"stderr tail:\n{server.stderr_tail()}"
    )
    assert server.process.poll() is None, (
        "talegraph exited before the request in flight finished; "
        f"stderr tail:\n{server.stderr_tail()}"
    )

    sock.sendall(body[half:])
    try:
        response = http.client.HTTPResponse(sock, method="PUT")
        response.begin()
        data = response.read()
    except (OSError, http.client.HTTPException) as exc:
        pytest.fail(
            f"the chunk sent across SIGTERM got no complete response: {exc!r}; "
            f"stderr tail:\n{server.stderr_tail()}"
        )
    finally:
        sock.close()
    assert response.version == 11, f"status line is HTTP/{response.version / 10}, not HTTP/1.1"
    assert response.status == 200, f"chunk returned {response.status}: {data[:300]!r}"
    assert (
        response.getheader("Connection", "").lower() == "close"
    ), f"a response during shutdown should carry Connection: close; got {response.getheaders()}"
    receipt = json.loads(data)
    assert receipt["size"] == CHUNK_BYTES, f"the receipt counts other bytes: {receipt}"
    assert (
        receipt["sha256"].lower() == sha256_hex(body)
    ), f"the receipt has another SHA-256: {receipt}"

    status = server.wait_exit(EXIT_SECONDS)
    assert status == 0, (
        f"talegraph exit status after SIGTERM was {status} (None: still running after "
        f"{EXIT_SECONDS} s); stderr tail:\n{server.stderr_tail()}"
    )
    assert connection_refused(server.port), "a connection was accepted after talegraph exited"

    # The chunk was stored, not only acknowledged: a new server on the same
    # SQLite file lists it.
    sqlite_path = str(server.folder / "talegraph.db")
    restarted = launcher.start({"storage": {"sqlite_path": sqlite_path}})
    upload = Client(HOST, restarted.port, timeout=10).get_upload(upload_id)
    assert upload["received"] == [0], f"the stored upload lacks chunk 0: {upload}"


def test_sigterm_closes_idle_keepalive(launcher):
    server = launcher.start({"server": {"idle_timeout_seconds": 30}})
    served = socket.create_connection((HOST, server.port), timeout=10)
    served.sendall(f"GET /health HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode())
    first = read_response(served, "GET")
    assert first.status == 200, f"GET /health returned {first.status}"
    silent = socket.create_connection((HOST, server.port), timeout=10)
    time.sleep(SETTLE_SECONDS)

    sent_at = server.send_signal(signal.SIGTERM)
    status = server.wait_exit(EXIT_SECONDS)
    seconds = elapsed_since(sent_at)
    assert status == 0, (
        f"with idle keep-alive connections open, the exit status after SIGTERM was {status} "
        f"(None: still running after {EXIT_SECONDS} s); stderr tail:\n{server.stderr_tail()}"
    )
    assert seconds < EXIT_SECONDS, f"shutdown took {seconds:.1f} s with idle connections open"

    try:
        leftover = served.recv(1024)
    except ConnectionResetError:
        leftover = b""
    assert leftover == b"", f"the idle connection received {leftover!r} instead of a close"
    served.close()
    silent.close()


def test_shutdown_timeout_stops_stalled_body(launcher):
    server = launcher.start(
        {"server": {"shutdown_timeout_seconds": 1, "body_timeout_seconds": 600}}
    )
    upload_id = start_upload(server)
    sock = open_chunk_request(server.port, upload_id, os.urandom(1000))
    time.sleep(SETTLE_SECONDS)

    sent_at = server.send_signal(signal.SIGTERM)
    status = server.wait_exit(3)
    seconds = elapsed_since(sent_at)
    sock.close()
    assert status is not None, (
        "talegraph still ran 3 s after SIGTERM with shutdown_timeout_seconds = 1; "
        f"stderr tail:\n{server.stderr_tail()}"
    )
    assert (
        seconds >= 0.9
    ), f"talegraph exited after {seconds:.2f} s, before the 1 s shutdown timeout"
    # README: on a signal the server lets requests finish "at most
    # server.shutdown_timeout_seconds" and exits with status 0, and
    # Serve() returns 0 after the drain timer stops the I/O loop.
    assert status == 0, (
        f"exit status after the shutdown timeout was {status}; "
        f"stderr tail:\n{server.stderr_tail()}"
    )
    assert (
        "shutdown timed out" in server.stderr_text()
    ), f"no log line reports the shutdown timeout; stderr tail:\n{server.stderr_tail()}"


def test_sigint_exits_zero(launcher):
    server = launcher.start()

    sent_at = server.send_signal(signal.SIGINT)
    status = server.wait_exit(EXIT_SECONDS)
    seconds = elapsed_since(sent_at)
    assert status == 0, (
        f"exit status after SIGINT was {status} (None: still running after {EXIT_SECONDS} s); "
        f"stderr tail:\n{server.stderr_tail()}"
    )
    assert seconds < EXIT_SECONDS, f"SIGINT took {seconds:.1f} s to stop an idle server"
    assert connection_refused(server.port), "a connection was accepted after talegraph exited"


# Configuration errors

# Every case keeps the server on loopback, so a server that wrongly accepts
# the settings never listens on other interfaces.
LOOPBACK = '[server]\nhost = "127.0.0.1"\nport = 0\n'

INVALID_SETTINGS = [
    pytest.param(
        LOOPBACK + "prot = 1\n",
        ["server.prot", "unknown key", "port", "io_threads", "shutdown_timeout_seconds"],
        id="unknown_key",
    ),
    pytest.param(
        '[server]\nhost = "127.0.0.1"\nport = "x"\n',
        ["server.port", "integer from 0 to 65535", "a string"],
        id="wrong_type",
    ),
    pytest.param(
        LOOPBACK + "io_threads = 0\n",
        ["server.io_threads", "0 is out of range", "from 1 to 256"],
        id="out_of_range",
    ),
    pytest.param(
        LOOPBACK + "[sever]\nport = 1\n",
        ["sever", "unknown key", "[server]", "[cors]", "[log]", "[storage]", "[uploads]"],
        id="unknown_table",
    ),
    pytest.param(
        LOOPBACK + '[log]\nlevel = "loud"\n',
        ["log.level", '"loud"', '"trace"', '"warn"', '"critical"'],
        id="bad_choice",
    ),
    pytest.param(
        '[server]\nhost = "127.0.0.1"\nport = 70000\n[uploads]\nmax_chunks = 0\n',
        ["server.port", "from 0 to 65535", "uploads.max_chunks", "from 1 to 5000"],
        id="every_error",
    ),
    pytest.param(
        "[server\nport = 0\n",
        ["settings.toml:1:", "invalid TOML"],
        id="invalid_toml",
    ),
]


@pytest.mark.parametrize("text, mentions", INVALID_SETTINGS)
@pytest.mark.parametrize("command", ["serve", "check-config"])
def test_invalid_settings_rejected(binary, tmp_path, command, text, mentions):
    settings = tmp_path / "settings.toml"
    settings.write_text(text)

    result = run_command(binary, [command, "--config", str(settings)], tmp_path)
    assert result.returncode == 1, (
        f"{command} with invalid settings exited with {result.returncode}; "
        f"stderr:\n{result.stderr}"
    )
    assert result.seconds < EXIT_SECONDS, f"{command} took {result.seconds:.1f} s to fail"
    for mention in mentions:
        assert mention in result.stderr, f"stderr does not mention {mention!r}:\n{result.stderr}"


def test_check_config_prints_settings(binary, tmp_path):
    settings_path = REPO_ROOT / "config" / "talegraph.toml"

    result = run_command(binary, ["check-config", "--config", str(settings_path)], tmp_path)
    assert result.returncode == 0, f"check-config exited with {result.returncode}:\n{result.stderr}"
    try:
        printed = tomllib.loads(result.stdout)
    except tomllib.TOMLDecodeError as exc:
        pytest.fail(f"check-config printed settings that are not TOML ({exc}):\n{result.stdout}")
    expected = tomllib.loads(settings_path.read_text())
    assert printed == expected, (
        f"check-config printed other settings than {settings_path}:\n{result.stdout}"
    )
    assert "neo4j.password (not set)" in result.stdout, f"secrets are not listed:\n{result.stdout}"


def test_missing_config_file(binary, tmp_path):
    missing = tmp_path / "absent" / "talegraph.toml"

    for command in ["serve", "check-config"]:
        result = run_command(binary, [command, "--config", str(missing)], tmp_path)
        assert result.returncode == 1, (
            f"{command} with a missing --config file exited with {result.returncode}; "
            f"stderr:\n{result.stderr}"
        )
        assert str(missing) in result.stderr, f"stderr does not name {missing}:\n{result.stderr}"


def test_secrets_unknown_key_hides_value(binary, tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[neo4j]\npasswd = "s3cr3t-value"\n')
    settings = write_settings(tmp_path / "settings.toml", base_settings(tmp_path, 0))

    for command in ["serve", "check-config"]:
        arguments = [command, "--config", str(settings), "--secrets", str(secrets)]
        result = run_command(binary, arguments, tmp_path)
        assert result.returncode == 1, (
            f"{command} with an unknown secrets key exited with {result.returncode}; "
            f"stderr:\n{result.stderr}"
        )
        assert "neo4j.passwd" in result.stderr, f"stderr does not name the key:\n{result.stderr}"
        assert "s3cr3t-value" not in result.stderr, f"stderr shows the secret:\n{result.stderr}"
        assert "s3cr3t-value" not in result.stdout, f"stdout shows the secret:\n{result.stdout}"


def test_check_config_masks_secret(binary, tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[neo4j]\npassword = "s3cr3t-value"\n')

    result = run_command(binary, ["check-config", "--secrets", str(secrets)], tmp_path)
    assert result.returncode == 0, f"check-config exited with {result.returncode}:\n{result.stderr}"
    assert "s3cr3t-value" not in result.stdout, f"stdout shows the secret:\n{result.stdout}"
    assert "s3cr3t-value" not in result.stderr, f"stderr shows the secret:\n{result.stderr}"
    assert (
        "neo4j.password (set)" in result.stdout
    ), f"the secret is not listed as set:\n{result.stdout}"


# PORT


def test_port_env_overrides_config(launcher):
    config_port = find_free_port()
    env_port = find_free_port()
    while env_port == config_port:
        env_port = find_free_port()

    server = launcher.start(
        {"server": {"port": config_port}},
        environment=environment_without_port(PORT=str(env_port)),
        poll_port=env_port,
    )
    status = Client(HOST, env_port, timeout=5).request("GET", "/health").status
    assert status == 200, f"GET /health on PORT {env_port} returned {status}"
    assert connection_refused(config_port), (
        f"server.port {config_port} accepted a connection although PORT={env_port}; "
        f"stderr tail:\n{server.stderr_tail()}"
    )
    assert (
        f"{HOST}:{env_port}" in server.stderr_text()
    ), f"the start log does not name port {env_port}:\n{server.stderr_tail()}"


def test_port_env_invalid(binary, tmp_path):
    settings = write_settings(tmp_path / "settings.toml", base_settings(tmp_path, find_free_port()))

    for command in ["serve", "check-config"]:
        result = run_command(
            binary,
            [command, "--config", str(settings)],
            tmp_path,
            environment=environment_without_port(PORT="abc"),
        )
        assert result.returncode == 1, (
            f"{command} with PORT=abc exited with {result.returncode}; stderr:\n{result.stderr}"
        )
        assert "PORT" in result.stderr, f"stderr does not name PORT:\n{result.stderr}"
        assert '"abc"' in result.stderr, f"stderr does not show the value:\n{result.stderr}"


# Command line


def test_version_output(binary, tmp_path):
    result = run_command(binary, ["--version"], tmp_path)

    assert result.returncode == 0, f"--version exited with {result.returncode}:\n{result.stderr}"
    assert result.stdout == "talegraph 0.1.0\n", f"--version printed {result.stdout!r}"


def test_help_lists_commands(binary, tmp_path):
    result = run_command(binary, ["--help"], tmp_path)

    assert result.returncode == 0, f"--help exited with {result.returncode}:\n{result.stderr}"
    for word in ["serve", "check-config", "--config", "--secrets", "PORT"]:
        assert word in result.stdout, f"--help does not mention {word}:\n{result.stdout}"


@pytest.mark.parametrize(
    "arguments, mention",
    [
        pytest.param(["bogus"], 'unknown command "bogus"', id="unknown_command"),
        pytest.param(["serve", "--bogus"], 'unknown option "--bogus"', id="unknown_option"),
        pytest.param(["check-config", "--config"], "--config needs a file", id="missing_value"),
        pytest.param([], "missing command", id="no_command"),
    ],
)
def test_usage_error_exits_2(binary, tmp_path, arguments, mention):
    result = run_command(binary, arguments, tmp_path)

    assert result.returncode == 2, f"{arguments} exited with {result.returncode}:\n{result.stderr}"
    assert mention in result.stderr, f"stderr does not say {mention!r}:\n{result.stderr}"
    assert result.stdout == "", f"a usage error wrote to stdout:\n{result.stdout}"


# Logging

SEVERITIES = {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}
# The request line: method, target, status, body bytes, milliseconds, request id.
REQUEST_LINE = re.compile(
    r"(?P<method>[A-Z]+) (?P<target>\S+) (?P<status>\d{3}) \d+B [\d.]+ms request_id=(?P<id>\S+)"
)


def send_logged_requests(port: int, prefix: str) -> list[tuple[str, str, int, str]]:
    """Send a few requests with X-Request-ID and return (method, target, status, id) for each."""
    client = Client(HOST, port, timeout=10)
    requests = [
        ("GET", "/health", None, 200),
        ("GET", "/v1/users/nobody123?fields=all", None, 404),
        ("POST", "/v1/users", b'{"name": "Logged"}', 201),
        ("PATCH", "/v1/users", b"{}", 405),
    ]
    sent = []
    for number, (method, target, body, expected) in enumerate(requests):
        request_id = f"{prefix}-{number}"
        headers = {"X-Request-ID": request_id, "Content-Type": "application/json"}
        response = client.request(method, target, body, headers)
        assert response.status == expected, (
            f"{method} {target} returned {response.status}, expected {expected}"
        )
        sent.append((method, target, expected, request_id))
    return sent


def request_lines(messages: list[str], request_id: str) -> list[re.Match]:
    """Return the request lines among `messages` that carry `request_id`."""
    matches = [REQUEST_LINE.search(message) for message in messages]
    return [match for match in matches if match and match["id"] == request_id]


def parse_json_lines(text: str) -> list[dict]:
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        try:
            record = json.loads(line)
        except ValueError:
            pytest.fail(f"stderr line {number} is not JSON: {line!r}")
        assert isinstance(record, dict), f"stderr line {number} is not a JSON object: {line!r}"
        records.append(record)
    return records


def test_json_log_lines(launcher):
    server = launcher.start({"log": {"format": "json", "level": "info"}})
    # Quote and backslash in the request id check that the message is escaped.
    sent = send_logged_requests(server.port, 'json"log\\')
    status = server.stop()
    assert status == 0, f"exit status after SIGTERM was {status}; stderr:\n{server.stderr_tail()}"

    records = parse_json_lines(server.stderr_text())
    assert records, "the server wrote nothing to stderr"
    for record in records:
        assert record.get("severity") in SEVERITIES, f"unknown severity: {record}"
        assert isinstance(record.get("message"), str), f"no message string: {record}"
        assert TIMESTAMP.match(str(record.get("time"))), f"time is not RFC 3339 UTC: {record}"

    messages = [record["message"] for record in records]
    for method, target, expected, request_id in sent:
        matching = request_lines(messages, request_id)
        assert len(matching) == 1, f"{len(matching)} request lines for {request_id}: {messages}"
        line = matching[0].group(0)
        assert matching[0]["method"] == method, f"the line of {request_id} lacks {method}: {line!r}"
        assert matching[0]["target"] == target, f"the line of {request_id} lacks {target}: {line!r}"
        assert matching[0]["status"] == str(expected), (
            f"the line of {request_id} lacks status {expected}: {line!r}"
        )
    assert any("starting" in m for m in messages), f"no start line: {messages}"
    assert any("stopped" in m for m in messages), f"no stop line: {messages}"


def test_json_log_warn_hides_requests(launcher):
    server = launcher.start({"log": {"format": "json", "level": "warn"}})
    send_logged_requests(server.port, "warn-log")
    status = server.stop()
    assert status == 0, f"exit status after SIGTERM was {status}; stderr:\n{server.stderr_tail()}"

    records = parse_json_lines(server.stderr_text())
    for record in records:
        assert record.get("severity") in {"WARNING", "ERROR", "CRITICAL"}, (
            f"level warn let a lower severity through: {record}"
        )
        message = str(record.get("message"))
        assert not REQUEST_LINE.search(message), f"level warn logged a request: {record}"
        assert "warn-log-" not in message, f"level warn logged a request id: {record}"


def test_text_log_request_lines(launcher):
    server = launcher.start({"log": {"format": "text", "level": "info"}})
    sent = send_logged_requests(server.port, "text-log")
    status = server.stop()
    assert status == 0, f"exit status after SIGTERM was {status}; stderr:\n{server.stderr_tail()}"

    lines = server.stderr_text().splitlines()
    for method, target, expected, request_id in sent:
        matching = request_lines(lines, request_id)
        assert len(matching) == 1, f"{len(matching)} request lines for {request_id}:\n{lines}"
        line = matching[0].string
        assert f" {method} {target} {expected} " in line, (
            f"the line of {request_id} lacks {method} {target} {expected}: {line!r}"
        )


# Startup failures


def test_port_in_use_names_address(launcher, binary):
    first = launcher.start()
    folder = launcher.new_folder()
    settings = write_settings(folder / "settings.toml", base_settings(folder, first.port))

    result = run_command(binary, ["serve", "--config", str(settings)], folder)
    assert result.returncode == 1, (
        f"a second server on port {first.port} exited with {result.returncode}; "
        f"stderr:\n{result.stderr}"
    )
    assert f"{HOST}:{first.port}" in result.stderr, (
        f"stderr does not name {HOST}:{first.port}:\n{result.stderr}"
    )
    status = Client(HOST, first.port, timeout=5).request("GET", "/health").status
    assert status == 200, f"the first server returned {status} after the second failed"


def test_sqlite_path_blocked(binary, tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("a regular file where a folder should be\n")
    sqlite_path = blocker / "data" / "talegraph.db"
    settings = base_settings(tmp_path, find_free_port())
    settings["storage"]["sqlite_path"] = str(sqlite_path)
    config = write_settings(tmp_path / "settings.toml", settings)

    result = run_command(binary, ["serve", "--config", str(config)], tmp_path)
    assert result.returncode == 1, (
        f"serve with an unusable sqlite_path exited with {result.returncode}; "
        f"stderr:\n{result.stderr}"
    )
    assert (
        str(sqlite_path) in result.stderr
    ), f"stderr does not name {sqlite_path}:\n{result.stderr}"
