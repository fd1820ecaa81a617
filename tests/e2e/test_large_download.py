"""A long recording downloads in pieces, with the server's memory flat.

GET /v1/recordings/{id}/audio sends a recording of many stored parts a part
at a time, so a download of 48 MiB must raise the server's peak RSS by far
less than 48 MiB. A client that closes the connection in the middle of a
download must leave the server serving.
"""

from __future__ import annotations

import hashlib
import http.client
import socket
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
    """Start a server, upload one recording of RECORDING_BYTES, and yield (server, id, sha256)."""
    process = ServerProcess(binary, tmp_path, base_settings(tmp_path, find_free_port()))
    try:
        process.wait_until_healthy()
        client = Client(HOST, process.port, timeout=60, log_path=process.stderr_path)
        user = client.create_user("Long Story")
        data = random_bytes(RECORDING_BYTES)
        recording_id = client.upload_recording(
            user["id"], data, [CHUNK_BYTES] * (RECORDING_BYTES // CHUNK_BYTES)
        )
        yield process, recording_id, sha256_hex(data)
    finally:
        process.stop()


def download(port: int, recording_id: str) -> tuple[int, int, str]:
    """Download the recording's audio; return the status, the bytes read and their SHA-256."""
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        connection.request("GET", f"/v1/recordings/{recording_id}/audio")
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
    process, recording_id, sha256 = stored
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


def test_client_leaving_mid_download(stored):
    process, recording_id, sha256 = stored
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
