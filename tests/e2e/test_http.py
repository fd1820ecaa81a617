"""HTTP behavior shared by all routes: errors, CORS, request ids, connections, limits."""

import select
import socket
import threading
import time

import pytest

from talegraph_client import HEADER_TIMEOUT_SECONDS, assert_error

ORIGIN = "https://app.example"


def test_health(server):
    status, headers, body = server.json("GET", "/health")

    assert status == 200, body
    assert headers["content-type"].startswith("application/json")
    assert body["status"] == "ok"
    assert body["version"] == "0.1.0"


def test_ready(server):
    status, _, body = server.json("GET", "/ready")

    assert status == 200, body
    assert body["status"] == "ready"
    assert body["documents"] == "ok"
    assert body["graph"] == "ok"


@pytest.mark.parametrize(
    "path", ["/nope", "/v1", "/v1/users/abc/unknown", "/v1/uploads/abc/chunks"]
)
def test_unknown_path(server, path):
    response = server.request("GET", path)

    assert response.headers["content-type"].startswith("application/json")
    assert_error(response, 404, "not_found", path)


@pytest.mark.parametrize(
    "method, path, allowed",
    [
        ("PUT", "/v1/users", "POST"),
        ("DELETE", "/health", "GET"),
        ("POST", "/v1/recordings/abc", "GET"),
        ("GET", "/v1/uploads/abc/complete", "POST"),
    ],
)
def test_wrong_method(server, method, path, allowed):
    response = server.request(method, path)

    assert_error(response, 405, "method_not_allowed", method)
    allow = [name.strip() for name in response.headers["allow"].split(",")]
    assert allowed in allow, response.headers["allow"]


def test_cors_origin_on_success(server):
    response = server.request("GET", "/health", headers={"Origin": ORIGIN})

    assert response.status == 200
    assert response.headers["access-control-allow-origin"] in ("*", ORIGIN)


def test_cors_header_without_origin(server):
    response = server.request("GET", "/health")
    assert response.headers["access-control-allow-origin"] == "*"


def test_cors_origin_on_error(server):
    response = server.request("GET", "/nope", headers={"Origin": ORIGIN})

    assert response.status == 404
    assert response.headers["access-control-allow-origin"] in ("*", ORIGIN)


@pytest.mark.parametrize(
    "path, methods",
    [
        ("/v1/uploads", {"POST"}),
        ("/v1/users/abc", {"GET", "PATCH", "DELETE"}),
        ("/v1/uploads/abc/chunks/0", {"PUT"}),
    ],
)
def test_cors_preflight(server, path, methods):
    headers = {
        "Origin": ORIGIN,
        "Access-Control-Request-Method": sorted(methods)[0],
        "Access-Control-Request-Headers": "Content-Type",
    }

    response = server.request("OPTIONS", path, headers=headers)

    assert response.status == 204, response.body
    assert response.headers["access-control-allow-origin"] in ("*", ORIGIN)
    allowed = {
        name.strip()
        for name in response.headers["access-control-allow-methods"].split(",")
    }
    assert methods <= allowed, response.headers["access-control-allow-methods"]
    allowed_headers = response.headers["access-control-allow-headers"].lower()
    assert "content-type" in allowed_headers


def test_cors_preflight_unknown_path(server):
    headers = {"Origin": ORIGIN, "Access-Control-Request-Method": "GET"}
    assert_error(server.request("OPTIONS", "/nope", headers=headers), 404, "not_found")


def test_request_id_echoed(server):
    response = server.request("GET", "/health", headers={"X-Request-ID": "abc-123"})
    assert response.headers["x-request-id"] == "abc-123"


def test_request_id_generated(server):
    first = server.request("GET", "/health").headers.get("x-request-id")
    second = server.request("GET", "/health").headers.get("x-request-id")

    assert first, "no X-Request-ID in the response"
    assert second, "no X-Request-ID in the response"
    assert first != second


def test_request_id_too_long_replaced(server):
    sent = "r" * 129

    response = server.request("GET", "/health", headers={"X-Request-ID": sent})
    received = response.headers["x-request-id"]

    assert received
    assert received != sent


def test_request_id_on_error(server):
    response = server.request("GET", "/nope", headers={"X-Request-ID": "err-1"})

    assert response.status == 404
    assert response.headers["x-request-id"] == "err-1"


def test_keep_alive_reuses_connection(server):
    connection = server.connect()
    try:
        connection.request("GET", "/health")
        first = connection.getresponse()
        first.read()
        assert first.status == 200
        assert (first.getheader("Connection") or "").lower() != "close"
        first_socket = connection.sock

        connection.request(
            "POST",
            "/v1/users",
            body=b'{"name": "Kept"}',
            headers={"Content-Type": "application/json"},
        )
        second = connection.getresponse()
        second.read()
        assert second.status == 201
        reused = connection.sock is first_socket
        assert reused, "the server closed the connection between requests"
    finally:
        connection.close()


def test_header_too_large(server):
    response = server.send_oversized(
        "GET", "/health", headers={"X-Big": "b" * 20 * 1024}
    )
    assert_error(response, 431, "header_too_large")


def trickle_headers(port):
    """Send a request's headers one byte every 0.5 s until the server closes the connection.

    Return the seconds until the close and the bytes the server sent
    before it, such as a 408 response. Raise AssertionError when the
    server keeps the connection open for 10 s.
    """
    started = time.monotonic()
    received = b""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as slow:
        try:
            slow.sendall(b"GET /health HTTP/1.1\r\n")
            while time.monotonic() - started < 10:
                readable, _, _ = select.select([slow], [], [], 0.5)
                if not readable:
                    slow.sendall(b"X")
                    continue
                data = slow.recv(4096)
                if not data:
                    return time.monotonic() - started, received
                received += data
        except (ConnectionResetError, BrokenPipeError):
            return time.monotonic() - started, received
    raise AssertionError(
        f"the server kept a slow client's connection open for 10 s and sent {received[:200]!r}"
    )


def watch_slow_client(port, result):
    """Run trickle_headers in a thread and store its outcome or error in `result`."""
    try:
        result["seconds"], result["received"] = trickle_headers(port)
    except Exception as exc:  # Reported by the test in the main thread.
        result["error"] = repr(exc)


def test_slow_headers_time_out(server):
    result = {}
    watcher = threading.Thread(target=watch_slow_client, args=(server.port, result))
    watcher.start()
    time.sleep(0.2)
    try:
        # Other clients are served while the slow one trickles its headers.
        for _ in range(3):
            started = time.monotonic()
            assert server.request("GET", "/health").status == 200
            assert (
                time.monotonic() - started < 1.0
            ), "a request waited behind the slow client"
            time.sleep(0.3)
    finally:
        watcher.join(timeout=15)

    assert not watcher.is_alive(), "the slow client thread did not finish"
    assert "error" not in result, result
    assert (
        result["seconds"] >= HEADER_TIMEOUT_SECONDS - 0.5
    ), f"closed too early: {result}"
    assert result["seconds"] <= 6, f"closed too late: {result}"
    if result["received"]:
        assert result["received"].startswith(b"HTTP/1.1 408"), result["received"][:200]
