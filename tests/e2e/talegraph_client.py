"""HTTP client and assertion helpers for the talegraph end-to-end tests.

Only the standard library is used, so the tests run wherever python3 and
pytest are installed.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import re
import socket
import time
from pathlib import Path
from typing import Any, NamedTuple

# Settings of the test server's config that the tests depend on. They are
# smaller than the server's defaults so that the tests that reach them run fast.
MAX_CHUNK_BYTES = 1048576
AUDIO_PART_BYTES = 65536
HEADER_TIMEOUT_SECONDS = 2

# Server-generated ids are 20 characters of [A-Za-z0-9].
GENERATED_ID = re.compile(r"^[A-Za-z0-9]{20}$")
# RFC 3339 UTC with milliseconds, for example 2026-12-03T21:04:05.123Z.
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


class Response(NamedTuple):
    status: int
    # Header names are lowercase. A repeated header keeps its last value.
    headers: dict[str, str]
    body: bytes


class RawResponse(NamedTuple):
    status: int
    # (name, value) pairs in the order received, names lowercase, repeats kept.
    header_list: list[tuple[str, str]]
    body: bytes

    def header_values(self, name: str) -> list[str]:
        return [value for key, value in self.header_list if key == name.lower()]


class RawExchange(NamedTuple):
    """What the server sent back on one connection to raw request bytes."""

    responses: list[RawResponse]
    # True when the server closed the connection before the read timeout.
    closed: bool
    # Bytes after the last complete response, such as a truncated one.
    leftover: bytes


class JsonResponse(NamedTuple):
    status: int
    headers: dict[str, str]
    # The parsed body, or None when the body is empty.
    data: Any


class Client:
    """HTTP client for one running talegraph server.

    Every request uses a fresh connection, so one test's broken connection
    never affects the next request.
    """

    def __init__(
        self, host: str, port: int, timeout: float = 30.0, log_path: Path | None = None
    ):
        self.host = host
        self.port = port
        self.timeout = timeout
        # Path of the server's log file for failure messages, or None when unknown.
        self.log_path = log_path

    def connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)

    def request(
        self,
        method: str,
        path: str,
        body: bytes | str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        """Send one request on a new connection and return the whole response.

        http.client sends `path` as given, so `..` and percent escapes reach
        the server unchanged.
        """
        connection = self.connect()
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            data = response.read()
        except (ConnectionError, http.client.HTTPException) as exc:
            raise AssertionError(
                f"{method} {path}: the connection failed before the whole response was read: {exc!r}"
            ) from exc
        finally:
            connection.close()
        return Response(response.status, lowercase_headers(response), data)

    def send_oversized(
        self,
        method: str,
        path: str,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
    ) -> Response:
        """Send a request that exceeds a server limit and return the rejection.

        A server may respond as soon as it has read the headers or Content-Length,
        then close the connection before the client has sent everything. A
        failed send is therefore ignored as long as a response arrives.
        """
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        lines += [f"Content-Length: {len(body)}", "Connection: close"]
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
        with socket.create_connection(
            (self.host, self.port), timeout=self.timeout
        ) as sock:
            try:
                sock.sendall(raw)
            except (BrokenPipeError, ConnectionResetError):
                pass
            response = http.client.HTTPResponse(sock, method=method)
            try:
                response.begin()
                data = response.read()
            except (ConnectionError, http.client.HTTPException) as exc:
                raise AssertionError(
                    f"{method} {path}: no response arrived before the connection closed: {exc!r}"
                ) from exc
        return Response(response.status, lowercase_headers(response), data)

    def send_raw(self, data: bytes, read_timeout: float = 3.0) -> RawExchange:
        """Send `data` as is on a new connection and parse every response to it.

        Reading stops when the server closes the connection or sends nothing
        for `read_timeout` seconds. The client never half-closes its side, so
        `closed` shows whether the server chose to close.
        """
        received = b""
        closed = False
        with socket.create_connection((self.host, self.port), timeout=self.timeout) as sock:
            try:
                sock.sendall(data)
            except (BrokenPipeError, ConnectionResetError):
                pass
            sock.settimeout(read_timeout)
            deadline = time.monotonic() + self.timeout
            while time.monotonic() < deadline:
                try:
                    block = sock.recv(65536)
                except socket.timeout:
                    break
                except ConnectionResetError:
                    closed = True
                    break
                if not block:
                    closed = True
                    break
                received += block
        responses, leftover = parse_raw_responses(received)
        return RawExchange(responses, closed, leftover)

    def json(
        self,
        method: str,
        path: str,
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> JsonResponse:
        """Send `body` encoded as JSON (none when it is None) and parse the response body."""
        all_headers = dict(headers or {})
        encoded = None
        if body is not None:
            encoded = json.dumps(body).encode()
            all_headers.setdefault("Content-Type", "application/json")
        response = self.request(method, path, encoded, all_headers)
        return JsonResponse(
            response.status, response.headers, parse_json(response, f"{method} {path}")
        )

    def create_user(self, name: str = "Test User", **fields: Any) -> dict:
        status, _, user = self.json("POST", "/v1/users", {"name": name, **fields})
        assert status == 201, f"POST /v1/users returned {status}: {user}"
        return user

    def start_upload(
        self, user_id: str, content_type: str = "audio/mp4", **fields: Any
    ) -> dict:
        body = {"user_id": user_id, "content_type": content_type, **fields}
        status, _, upload = self.json("POST", "/v1/uploads", body)
        assert status == 201, f"POST /v1/uploads returned {status}: {upload}"
        return upload

    def put_chunk(
        self,
        upload_id: str,
        index: int | str,
        data: bytes,
        content_type: str | None = "application/octet-stream",
    ) -> JsonResponse:
        path = f"/v1/uploads/{upload_id}/chunks/{index}"
        headers = {} if content_type is None else {"Content-Type": content_type}
        response = self.request("PUT", path, data, headers)
        return JsonResponse(
            response.status, response.headers, parse_json(response, f"PUT {path}")
        )

    def put_chunk_ok(self, upload_id: str, index: int, data: bytes) -> dict:
        """Store one chunk and check the receipt against the bytes sent."""
        status, _, receipt = self.put_chunk(upload_id, index, data)
        assert status == 200, f"chunk {index} returned {status}: {receipt}"
        assert receipt["upload_id"] == upload_id
        assert receipt["index"] == index
        assert receipt["size"] == len(data)
        assert receipt["sha256"].lower() == sha256_hex(data)
        return receipt

    def get_upload(self, upload_id: str) -> dict:
        status, _, upload = self.json("GET", f"/v1/uploads/{upload_id}")
        assert status == 200, f"GET upload {upload_id} returned {status}: {upload}"
        return upload

    def complete(self, upload_id: str, body: dict | None = None) -> JsonResponse:
        return self.json("POST", f"/v1/uploads/{upload_id}/complete", body)

    def upload_recording(
        self,
        user_id: str,
        data: bytes,
        chunk_sizes: list[int] | None = None,
        content_type: str = "audio/mp4",
    ) -> str:
        """Upload `data` in chunks of `chunk_sizes` (one chunk by default) and return the recording id."""
        chunks = split_bytes(data, chunk_sizes or [len(data)])
        upload = self.start_upload(user_id, content_type, chunk_count=len(chunks))
        for index, chunk in enumerate(chunks):
            self.put_chunk_ok(upload["upload_id"], index, chunk)
        status, _, result = self.complete(
            upload["upload_id"], {"total_bytes": len(data), "sha256": sha256_hex(data)}
        )
        assert status == 202, f"complete returned {status}: {result}"
        return result["recording_id"]


def parse_raw_responses(data: bytes) -> tuple[list[RawResponse], bytes]:
    """Split `data` into complete responses and return them with the bytes left over.

    A response other than 1xx, 204 and 304 must carry Content-Length, as
    every talegraph response does. Parsing stops at a response without one,
    which stays in the leftover bytes.
    """
    responses = []
    while True:
        head, separator, rest = data.partition(b"\r\n\r\n")
        if not separator:
            return responses, data
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
            return responses, data
        status = int(parts[1])
        header_list = []
        for line in lines[1:]:
            name, _, value = line.partition(":")
            header_list.append((name.strip().lower(), value.strip()))
        lengths = [value for name, value in header_list if name == "content-length"]
        if status < 200 or status in (204, 304):
            size = 0
        elif lengths and lengths[0].isdigit():
            size = int(lengths[0])
        else:
            return responses, data
        if len(rest) < size:
            return responses, data
        responses.append(RawResponse(status, header_list, rest[:size]))
        data = rest[size:]


def lowercase_headers(response: http.client.HTTPResponse) -> dict[str, str]:
    return {name.lower(): value for name, value in response.getheaders()}


def parse_json(response: Response | RawResponse, request_line: str) -> Any:
    """Parse the body as JSON, or return None when it is empty."""
    if not response.body:
        return None
    try:
        return json.loads(response.body)
    except ValueError as exc:
        raise AssertionError(
            f"{request_line} returned {response.status} with a body that is not JSON: "
            f"{response.body[:300]!r}"
        ) from exc


def assert_error(
    response: Response | RawResponse | JsonResponse,
    status: int,
    code: str,
    *mentions: str | tuple[str, ...],
) -> dict:
    """Check an error response and return its parsed body.

    Each mention is a string that `detail` must contain, or a tuple of
    strings of which `detail` must contain at least one. The comparison
    ignores case.
    """
    if isinstance(response, (Response, RawResponse)):
        body = parse_json(response, "the request")
    else:
        body = response.data
    assert (
        response.status == status
    ), f"expected {status} {code}, got {response.status}: {body}"
    assert isinstance(body, dict), f"error body is not a JSON object: {body!r}"
    assert body.get("code") == code, f"expected code {code!r}: {body}"
    detail = body.get("detail")
    assert isinstance(detail, str) and detail, f"error has no detail: {body}"
    for mention in mentions:
        choices = mention if isinstance(mention, tuple) else (mention,)
        assert any(
            choice.lower() in detail.lower() for choice in choices
        ), f"detail {detail!r} mentions none of {choices}"
    return body


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def split_bytes(data: bytes, sizes: list[int]) -> list[bytes]:
    assert sum(sizes) == len(
        data
    ), f"chunk sizes {sizes} do not add up to {len(data)} bytes"
    chunks = []
    offset = 0
    for size in sizes:
        chunks.append(data[offset : offset + size])
        offset += size
    return chunks


def random_bytes(size: int) -> bytes:
    return os.urandom(size)


def unknown_id() -> str:
    """Return a well-formed id that no stored document has."""
    return "missing" + os.urandom(8).hex()
