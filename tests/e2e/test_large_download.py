"""A long recording downloads in pieces, with the server's memory flat.

GET /v1/recordings/{id}/audio sends a body over 8 MiB a stored part at a
time, so a download of 48 MiB must raise the server's peak RSS by far less
than 48 MiB. A client that closes the connection in the middle of a
download must leave the server serving. A deletion during a streamed
download may cut it short, which the client sees as fewer bytes than
Content-Length, but never sends a wrong byte.
"""

from __future__ import annotations

import hashlib
import http.client
import socket
import threading
from pathlib import Path

import pytest

from process_helpers import HOST, ServerProcess, base_settings, find_free_port
from reliability_helpers import peak_rss_bytes
from talegraph_client import Client, random_bytes, sha256_hex

CHUNK_BYTES = 8 * 2**20
RECORDING_BYTES = 6 * CHUNK_BYTES
# Growth of the peak RSS that a download may cause: a few stored parts and
# socket buffers, far below the recording's 48 MiB.
MAX_GROWTH_BYTES = 16 * 2**20
READ_BYTES = 64 * 1024


@pytest.fixture
def stored(binary: Path, tmp_path: Path):
    """Start a server, upload one recording of RECORDING_BYTES, and yield (server, id, bytes)."""
    process = ServerProcess(binary, tmp_path, base_settings(tmp_path, find_free_port()))
    try:
        process.wait_until_healthy()
        client = Client(HOST, process.port, timeout=60, log_path=process.stderr_path)
        user = client.create_user("Long Story")
        data = random_bytes(RECORDING_BYTES)
        recording_id = client.upload_recording(
            user["id"], data, [CHUNK_BYTES] * (RECORDING_BYTES // CHUNK_BYTES)
        )
        yield process, recording_id, data
    finally:
        process.stop()


def download(port: int, recording_id: str, headers: dict | None = None) -> tuple[int, int, str]:
    """Download the recording's audio; return the status, the bytes read and their SHA-256."""
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        connection.request("GET", f"/v1/recordings/{recording_id}/audio", headers=headers or {})
        response = connection.getresponse()
        digest = hashlib.sha256()
        size = 0
        while block := response.read(READ_BYTES):
            digest.update(block)
            size += len(block)
        return response.status, size, digest.hexdigest()
    finally:
        connection.close()


def test_download_keeps_memory_flat(stored):
    process, recording_id, data = stored
    sha256 = sha256_hex(data)
    before = peak_rss_bytes(process.process.pid)

    status, size, digest = download(process.port, recording_id)

    growth = peak_rss_bytes(process.process.pid) - before
    assert status == 200, f"GET audio returned {status}"
    assert size == RECORDING_BYTES, f"read {size} bytes of {RECORDING_BYTES}"
    assert digest == sha256, "the downloaded bytes differ from the uploaded ones"
    assert growth < MAX_GROWTH_BYTES, (
        f"the download raised the peak RSS by {growth / 2**20:.1f} MiB; "
        f"expected under {MAX_GROWTH_BYTES / 2**20:.0f} MiB for a streamed body"
    )


def test_streamed_range(stored):
    process, recording_id, data = stored
    first, last = 1_000_000, 30_000_000

    status, size, digest = download(process.port, recording_id, {"Range": f"bytes={first}-{last}"})

    assert status == 206, f"GET audio with a range returned {status}"
    assert size == last - first + 1, f"read {size} bytes of {last - first + 1}"
    assert digest == sha256_hex(data[first : last + 1]), "the range's bytes differ"


def test_client_leaving_mid_download(stored):
    process, recording_id, data = stored
    sha256 = sha256_hex(data)
    with socket.create_connection((HOST, process.port), timeout=30) as raw:
        raw.sendall(
            f"GET /v1/recordings/{recording_id}/audio HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode()
        )
        received = 0
        while received < 2 * 2**20:
            block = raw.recv(READ_BYTES)
            assert block, "the server closed the connection before 2 MiB"
            received += len(block)

    status, size, digest = download(process.port, recording_id)
    assert status == 200, f"GET audio after an abandoned download returned {status}"
    assert size == RECORDING_BYTES, f"read {size} bytes of {RECORDING_BYTES}"
    assert digest == sha256, "the downloaded bytes differ from the uploaded ones"
    assert process.process.poll() is None, f"the server exited:\n{process.stderr_tail()}"


def test_deletion_during_streamed_download(stored):
    process, recording_id, data = stored
    outcome: list[tuple[int, int, str]] = []
    reader = threading.Thread(target=lambda: outcome.append(download(process.port, recording_id)))
    reader.start()
    client = Client(HOST, process.port, timeout=60, log_path=process.stderr_path)
    deletion = client.request("DELETE", f"/v1/recordings/{recording_id}")
    reader.join(timeout=120)

    assert deletion.status == 204, f"DELETE returned {deletion.status}: {deletion.body[:300]!r}"
    assert outcome, "the download did not end"
    status, size, digest = outcome[0]
    assert status in (200, 404), f"GET audio during the deletion returned {status}"
    if status == 200:
        # Whole or cut short, the bytes that came are the recording's.
        assert size <= RECORDING_BYTES, f"a 200 download read {size} bytes"
        assert digest == sha256_hex(data[:size]), f"the {size} bytes read differ from the upload"
    assert client.request("GET", f"/v1/recordings/{recording_id}/audio").status == 404
    assert client.request("GET", "/health").status == 200, process.stderr_tail()
